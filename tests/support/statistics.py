"""A small national picture for the statistics tests, loaded through the submission path.

The shipped catalogue (code lists, students, research outputs); three institutions in
three provinces send their students for 1403-1 — Tehran and Fars many, East Azerbaijan
three, a small cell — and Tehran sends its research outputs for the academic year 1403.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import text
from sqlalchemy.orm import Session

from dargah.access.policy import cli_principal
from dargah.catalogue import service as catalogue
from dargah.catalogue.builtin import builtin_code_lists, builtin_datasets
from dargah.config import Settings
from dargah.db.session import Database
from dargah.demo.synthetic import students_frame
from dargah.members.models import Member
from dargah.submissions import service as submissions
from support.factories import make_institution

ADMIN = cli_principal("statistics-test")
TERM = "1403-1"
YEAR = "1403"
# (code, province, institution type, students)
SENDERS = (
    ("8101", "23", "state_university", 60),
    ("8102", "07", "islamic_azad", 40),
    ("8103", "03", "payame_noor", 3),
)
RESEARCH_HEADER = (
    "output_id,output_type,title,publication_year,author_count,institution_author_count"
)


@dataclass(frozen=True)
class Nation:
    """The institutions that reported, by code."""

    institutions: dict[str, Member]


def sync_national_catalogue(session: Session) -> None:
    """The shipped code lists and the data sets the pivots read."""
    wanted = {"students", "faculty", "research_outputs"}
    catalogue.sync_builtin(
        session,
        principal=ADMIN,
        code_list_documents=builtin_code_lists(),
        dataset_documents=[item for item in builtin_datasets() if item.id in wanted],
    )


def _fields_by_level() -> tuple[dict[str, list[str]], list[str]]:
    lists = {item.id: item for item in builtin_code_lists()}
    by_level: dict[str, list[str]] = {}
    for value in lists["study_fields"].values:
        for level in value.attributes.get("levels", []):
            by_level.setdefault(level, []).append(value.code)
    return by_level, [value.code for value in lists["provinces"].values]


def _submit(
    database: Database,
    settings: Settings,
    path: Path,
    *,
    dataset: str,
    institution: Member,
    period: str,
) -> None:
    submission = submissions.submit_file(
        database,
        settings=settings,
        principal=ADMIN,
        path=path,
        dataset_slug=dataset,
        institution_id=institution.id,
        period=period,
    )
    assert submission.status == "accepted", (submission.status, submission.finding_counts)


def load_nation(session: Session, database: Database, settings: Settings, tmp_path: Path) -> Nation:
    """The catalogue, the three institutions and their loads (see the module)."""
    sync_national_catalogue(session)
    institutions = {
        code: make_institution(session, code=code, province=province, institution_type=kind)
        for code, province, kind, _ in SENDERS
    }
    session.commit()
    by_level, provinces = _fields_by_level()
    for position, (code, _, _, size) in enumerate(SENDERS):
        frame = students_frame(
            size,
            seed=31 + position,
            fields_by_level=by_level,
            provinces=provinces,
            first_number=50_000_000 + position * 1_000,
            messy=0.0,
        )
        path = tmp_path / f"students-{code}.csv"
        frame.write_csv(path)
        _submit(
            database,
            settings,
            path,
            dataset="students",
            institution=institutions[code],
            period=TERM,
        )
    outputs = [
        f"R{number},{kind},عنوان {number},{year},3,1"
        for number, (kind, year) in enumerate(
            [("journal_article", 1402)] * 7
            + [("conference_paper", 1403)] * 2
            + [("software", 1403)]
        )
    ]
    path = tmp_path / "research-8101.csv"
    path.write_text(RESEARCH_HEADER + "\n" + "\n".join(outputs) + "\n", encoding="utf-8")
    _submit(
        database,
        settings,
        path,
        dataset="research_outputs",
        institution=institutions["8101"],
        period=YEAR,
    )
    return Nation(institutions=institutions)


_GROUP_COLUMNS = {
    "province": "m.province_code",
    "institution_type": "m.institution_type",
    "institution": "m.code",
}


def direct_group_by(
    session: Session,
    dataset: str,
    group_by: tuple[str, ...],
    period: str,
    *,
    provinces: list[str] | None = None,
) -> dict[tuple[Any, ...], int]:
    """The same counts straight from the records table with a hand-written GROUP BY,
    independent of the query compiler and the rollups."""
    columns = [_GROUP_COLUMNS.get(name, f'r."{name}"') for name in group_by]
    scope = ""
    params: dict[str, Any] = {"dataset": dataset, "period": period}
    if provinces is not None:
        names = [f":p{index}" for index in range(len(provinces))]
        scope = f" AND m.province_code IN ({', '.join(names)})"
        params.update({f"p{index}": code for index, code in enumerate(provinces)})
    sql = (
        f'SELECT {", ".join(columns)}, count(*) FROM "rec_{dataset}_v1" r '  # noqa: S608
        "JOIN record_slices s ON s.id = r._slice JOIN members m ON m.id = s.institution_id "
        f"WHERE s.dataset_slug = :dataset AND s.period = :period{scope} "
        f"GROUP BY {', '.join(columns)}"
    )
    return {tuple(row[:-1]): int(row[-1]) for row in session.execute(text(sql), params)}


def frame_of(csv_bytes: bytes) -> pl.DataFrame:
    """A CSV download as a frame (its BOM removed)."""
    return pl.read_csv(csv_bytes.removeprefix("\ufeff".encode()), infer_schema=False)


def send_students(
    database: Database,
    settings: Settings,
    tmp_path: Path,
    institution: Member,
    period: str,
    size: int,
) -> None:
    """``size`` synthetic students of ``institution`` for ``period``, through the
    submission path (the shipped catalogue must be synced)."""
    by_level, provinces = _fields_by_level()
    frame = students_frame(
        size,
        seed=int(institution.code) + int(period.replace("-", "")),
        fields_by_level=by_level,
        provinces=provinces,
        first_number=60_000_000 + int(institution.code) * 100,
        messy=0.0,
    )
    path = tmp_path / f"students-{institution.code}-{period}.csv"
    frame.write_csv(path)
    _submit(database, settings, path, dataset="students", institution=institution, period=period)
