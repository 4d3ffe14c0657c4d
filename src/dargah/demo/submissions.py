"""Demo data delivered the way institutions deliver it: files through the submission path.

A handful of institutions send their programme licences, then their students for
three terms (so the students' licence rule is checked against real licences); the files are the
synthetic ones of ``demo.synthetic`` (with the typing habits of real registrars), one
institution's file has errors and is rejected under all-or-nothing, another sends the
same kind of file under accept-valid and is partially accepted, and one institution
has not sent its latest term at all. Each also sends its faculty members for the last
two terms and its research outputs for the last two academic years (``demo.faculty``),
led by those members, so the faculty and research dashboards have data. Nothing is
inserted directly.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import select

from dargah.access.policy import Principal
from dargah.catalogue.builtin import builtin_code_lists
from dargah.config import Settings
from dargah.db.session import Database
from dargah.demo.faculty import faculty_frame, research_outputs_frame
from dargah.demo.synthetic import change_share, students_frame
from dargah.members.models import Member
from dargah.submissions import service
from dargah.submissions.models import AcceptancePolicy, Submission

TERMS = ("1402-1", "1402-2", "1403-1")
# (institution code, students) — sizes in proportion, scaled down for a quick demo. Most
# are in Tehran; Shiraz, Mashhad and Tabriz give the national dashboard more provinces.
SENDERS = (
    ("1001", 1800),
    ("1002", 1500),
    ("9001", 2400),
    ("3123", 1200),
    ("6001", 400),
    ("1010", 700),
    ("1011", 800),
    ("1014", 600),
)
REJECTED = "6001"  # its latest file has broken national ids: all or nothing, nothing loaded
PARTIAL = "3123"  # sends with accept-valid: the good rows are loaded, the rest reported
MISSING = "1002"  # has not sent the latest term
CORRECTED = "1001"  # sends its latest term again with corrections: history is kept
FACULTY_TERMS = TERMS[-2:]
RESEARCH_YEARS = ("1401", "1402")
STUDENTS_PER_MEMBER = 22  # about the system's student-to-faculty ratio


@dataclass(frozen=True)
class DemoSubmissions:
    """What the demo delivered."""

    submissions: int
    accepted: int
    rejected: int
    partial: int


def code_values() -> tuple[dict[str, list[str]], list[str], dict[str, str]]:
    """Study fields by level, province codes and each study field's ISCED field."""
    lists = {item.id: item for item in builtin_code_lists()}
    by_level: dict[str, list[str]] = {}
    isced: dict[str, str] = {}
    for value in lists["study_fields"].values:
        for level in value.attributes.get("levels", []):
            by_level.setdefault(level, []).append(value.code)
        if "isced" in value.attributes:
            isced[value.code] = str(value.attributes["isced"])
    return by_level, [value.code for value in lists["provinces"].values], isced


def _break_national_ids(frame: pl.DataFrame, every: int) -> pl.DataFrame:
    """Registrars' mistakes: a wrong check digit in every ``every``-th row."""
    broken = pl.int_range(0, frame.height, eager=True) % every == 3
    return frame.with_columns(
        pl.when(broken & pl.col("national_id").is_not_null())
        .then(pl.col("national_id").str.slice(0, 9) + "0")
        .otherwise(pl.col("national_id"))
        .alias("national_id")
    )


def _licences(students: pl.DataFrame, code: str) -> pl.DataFrame:
    """Programme licences covering the programmes the students are in, but a few."""
    programmes = (
        students.select("field_of_study", "degree_level", "study_mode")
        .unique()
        .sort("field_of_study", "degree_level", "study_mode")
    )
    # Every 15th programme runs without a licence on record: the students' licence
    # rule reports those rows (a warning), as the ministry would want to see.
    kept = programmes.filter(pl.int_range(0, programmes.height) % 15 != 7)
    return kept.with_columns(
        (pl.lit(f"{code}/") + pl.int_range(1000, 1000 + kept.height).cast(pl.String)).alias(
            "licence_number"
        ),
        pl.lit("field_launch").alias("licence_type"),
        pl.lit("1395/06/01").alias("issue_date"),
        pl.lit("active").alias("status"),
        pl.lit("60").alias("annual_capacity"),
    )


def seed_demo_submissions(
    database: Database, settings: Settings, principal: Principal
) -> DemoSubmissions:
    """Deliver the demo institutions' students for several terms through the pipeline."""
    by_level, provinces, isced = code_values()
    with database.session() as session:
        rows = session.execute(
            select(Member.code, Member.id).where(
                Member.kind == "institution", Member.code.in_([code for code, _ in SENDERS])
            )
        ).all()
        ids: dict[str, int] = {str(row.code): int(row.id) for row in rows}
    done: list[Submission] = []
    with tempfile.TemporaryDirectory(prefix="dargah-demo-") as folder:
        for position, (code, size) in enumerate(SENDERS):
            if code not in ids:
                continue
            frame = students_frame(
                size,
                seed=1403 + position,
                fields_by_level=by_level,
                provinces=provinces,
                first_number=40_000_000 + position * 1_000_000,
            )
            licences = Path(folder) / f"licences-{code}.csv"
            _licences(frame, code).write_csv(licences)
            done.append(
                service.submit_file(
                    database,
                    settings=settings,
                    principal=principal,
                    path=licences,
                    dataset_slug="programme_licences",
                    institution_id=ids[code],
                    period="current",
                )
            )
            for index, term in enumerate(TERMS):
                if code == MISSING and term == TERMS[-1]:
                    continue
                frame = change_share(frame, 0.05, seed=index) if index else frame
                sent = frame
                policy = AcceptancePolicy.ALL_OR_NOTHING
                if term == TERMS[-1] and code == REJECTED:
                    sent = _break_national_ids(frame, 50)
                if term == TERMS[-1] and code == PARTIAL:
                    sent = _break_national_ids(frame, 200)
                    policy = AcceptancePolicy.ACCEPT_VALID
                path = Path(folder) / f"students-{code}-{term}.csv"
                sent.write_csv(path)
                done.append(
                    service.submit_file(
                        database,
                        settings=settings,
                        principal=principal,
                        path=path,
                        dataset_slug="students",
                        institution_id=ids[code],
                        period=term,
                        policy=policy,
                    )
                )
            done.extend(
                _send_faculty_and_research(
                    database,
                    settings,
                    principal,
                    folder=Path(folder),
                    code=code,
                    institution_id=ids[code],
                    members=max(10, size // STUDENTS_PER_MEMBER),
                    seed=1403 + position,
                    by_level=by_level,
                    isced=isced,
                )
            )
            if code == CORRECTED:
                path = Path(folder) / f"students-{code}-{TERMS[-1]}-corrected.csv"
                change_share(frame, 0.02, seed=99).write_csv(path)
                done.append(
                    service.submit_file(
                        database,
                        settings=settings,
                        principal=principal,
                        path=path,
                        dataset_slug="students",
                        institution_id=ids[code],
                        period=TERMS[-1],
                    )
                )
    return DemoSubmissions(
        submissions=len(done),
        accepted=sum(item.status == "accepted" for item in done),
        rejected=sum(item.status == "rejected" for item in done),
        partial=sum(item.status == "partially_accepted" for item in done),
    )


def _send_faculty_and_research(
    database: Database,
    settings: Settings,
    principal: Principal,
    *,
    folder: Path,
    code: str,
    institution_id: int,
    members: int,
    seed: int,
    by_level: dict[str, list[str]],
    isced: dict[str, str],
) -> list[Submission]:
    """One institution's faculty for the last terms, then its research outputs (after
    the faculty, whose personnel numbers the outputs' rule looks up)."""
    sent: list[Submission] = []
    faculty = faculty_frame(
        members, seed=seed, fields_by_level=by_level, first_number=int(code) * 1000
    )
    for index, term in enumerate(FACULTY_TERMS):
        # A term later a few instructors were promoted to assistant professor; their
        # highest degree stayed a master's, which the rank rule warns about.
        if index:
            promoted = (pl.int_range(0, faculty.height) % 17 == 5) & (
                pl.col("rank") == "instructor"
            )
            faculty = faculty.with_columns(
                pl.when(promoted)
                .then(pl.lit("assistant_professor"))
                .otherwise(pl.col("rank"))
                .alias("rank")
            )
        path = folder / f"faculty-{code}-{term}.csv"
        faculty.write_csv(path)
        sent.append(_submit(database, settings, principal, path, "faculty", institution_id, term))
    for index, year in enumerate(RESEARCH_YEARS):
        outputs = research_outputs_frame(
            faculty, seed=seed + index, year=int(year), isced_of_field=isced, code=code
        )
        path = folder / f"research-{code}-{year}.csv"
        outputs.write_csv(path)
        sent.append(
            _submit(database, settings, principal, path, "research_outputs", institution_id, year)
        )
    return sent


def _submit(
    database: Database,
    settings: Settings,
    principal: Principal,
    path: Path,
    slug: str,
    institution_id: int,
    period: str,
) -> Submission:
    return service.submit_file(
        database,
        settings=settings,
        principal=principal,
        path=path,
        dataset_slug=slug,
        institution_id=institution_id,
        period=period,
    )
