"""The demo ministry: what `make demo` seeds, on a real (committed) database per backend."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from dargah.access.policy import ASSIGNABLE_ROLES, Role, cli_principal
from dargah.cli.main import app
from dargah.config import get_settings
from dargah.db.engine import make_engine
from dargah.db.schema import upgrade
from dargah.db.session import Database
from dargah.demo import DEMO_PASSWORD, DemoCredentials, seed_demo
from dargah.errors import Conflict
from dargah.identity import service as identity
from dargah.identity.models import Person
from dargah.members import service as members
from dargah.members.models import HqUnit, InstitutionType, Member, MemberKind, System
from dargah.members.provinces import PROVINCES
from dargah.members.schemas import MemberCreate

BOTH_BACKENDS = pytest.mark.parametrize(
    "fresh_database_url", ["sqlite", "postgresql"], indirect=True
)


def _migrated(url: str) -> Database:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return Database.from_url(url)


@pytest.fixture
def demo_database(fresh_database_url: str) -> Iterator[Database]:
    """An empty, migrated database whose commits are real (the seed commits per call)."""
    database = _migrated(fresh_database_url)
    try:
        yield database
    finally:
        database.engine.dispose()


def _institutions(session: Session) -> list[Member]:
    return list(
        session.scalars(
            select(Member).where(Member.kind == MemberKind.INSTITUTION.value).order_by(Member.code)
        )
    )


@BOTH_BACKENDS
def test_seed_builds_a_realistic_ministry(demo_database: Database) -> None:
    credentials = seed_demo(demo_database)

    with demo_database.session() as session:
        institutions = _institutions(session)
        assert len(institutions) >= 150
        assert {m.province_code for m in institutions} == {p.code for p in PROVINCES}
        assert {m.institution_type for m in institutions} == {t.value for t in InstitutionType}
        branches = [m for m in institutions if m.parent is not None]
        assert len(branches) >= 30
        # Payame Noor has a centre in every province, under its central organisation.
        payame_noor = members.get_member(session, "IR/UNI/3000")
        assert len(members.branches_of(session, payame_noor)) == len(PROVINCES)
        # Every institution connects at least one system.
        assert all(m.systems for m in institutions)
        assert members.get_system(session, "IR/UNI/1001/golestan").member.name_fa == "دانشگاه تهران"

        assert {u.code for u in session.scalars(select(HqUnit))} == {
            "education",
            "research",
            "students",
            "culture",
            "finance",
            "international",
            "planning",
        }
        ministry = members.get_member(session, "IR/GOV/MSRT")
        assert ministry.kind == MemberKind.MINISTRY.value
        assert {s.code for s in ministry.systems} == {
            "hes",
            "mapfa",
            "culture",
            "finance",
            "students",
        }
        agencies = {
            m.code: m
            for m in session.scalars(select(Member).where(Member.kind == MemberKind.AGENCY.value))
        }
        assert agencies["NIX"].agency_role == "national_exchange_center"
        assert agencies["MOHME"].agency_role == "cluster14_peer"
        assert agencies["SANJESH"].agency_role == "cluster14_peer"
        assert all(agency.systems for agency in agencies.values())

        roles = set(session.scalars(select(Person.role)))
        assert roles == {role.value for role in ASSIGNABLE_ROLES}

    # The printed logins and keys work.
    assert {person.role for person in credentials.people} == {r.value for r in ASSIGNABLE_ROLES}
    with demo_database.session() as session:
        result = identity.login(
            session, username="ut.staff", password=DEMO_PASSWORD, session_hours=1
        )
        assert result.person.institution is not None
        assert result.person.institution.identifier == "IR/UNI/1001"

    expected = {
        "IR/UNI/1001/golestan": Role.INSTITUTION,
        "IR/GOV/MSRT/hes": Role.HQ,
        "IR/GOV/MSRT/students": Role.OPERATOR,
        "IR/GOV/NIX/gsb": Role.AGENCY,
    }
    assert {key.system: key.role for key in credentials.keys} == expected
    with demo_database.session() as session, session.begin():
        education = members.get_hq_unit(session, "education")
        for key in credentials.keys:
            principal = identity.authenticate_token(session, key.secret)
            assert principal.role is expected[key.system]
            assert principal.system_identifier == key.system
            if principal.role is Role.HQ:
                assert principal.hq_unit_id == education.id


@BOTH_BACKENDS
def test_seed_refuses_a_database_that_has_members(demo_database: Database) -> None:
    # One registered member is enough to make the demo stay away (a second seed, or real
    # data); the CLI test below covers seeding the demo twice.
    with demo_database.session() as session:
        members.create_member(
            session,
            principal=cli_principal("test"),
            data=MemberCreate(
                code="1001",
                name_fa="دانشگاه تهران",
                institution_type=InstitutionType.STATE_UNIVERSITY,
                province="23",
            ),
        )

    with pytest.raises(Conflict) as refused:
        seed_demo(demo_database)

    assert refused.value.code == "demo_already_seeded"
    with demo_database.session() as session:
        assert session.scalar(select(func.count()).select_from(Member)) == 1
        assert session.scalar(select(func.count()).select_from(HqUnit)) == 0


def _snapshot(database: Database) -> list[tuple[object, ...]]:
    with database.session() as session:
        rows: list[tuple[object, ...]] = [
            (
                m.identifier,
                m.name_fa,
                m.name_en,
                m.institution_type,
                m.province_code,
                m.city,
                m.parent.identifier if m.parent else None,
            )
            for m in _institutions(session)
        ]
        rows.extend((s,) for s in session.scalars(select(System.identifier).order_by(System.id)))
    return rows


def test_the_same_seed_gives_the_same_ministry(tmp_path: Path) -> None:
    snapshots = []
    for name in ("first", "second"):
        database = _migrated(f"sqlite:///{tmp_path / name}.sqlite3")
        try:
            seed_demo(database)
            snapshots.append(_snapshot(database))
        finally:
            database.engine.dispose()

    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0]) > 300  # institutions and their systems


@pytest.fixture
def demo_cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A working directory and SQLite URL for `dargah demo`; settings reset afterwards."""
    database_file = tmp_path / "var" / "dargah.sqlite3"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DARGAH_DATABASE_URL", f"sqlite:///{database_file}")
    monkeypatch.setenv("DARGAH_LOG_FORMAT", "console")
    get_settings.cache_clear()
    yield database_file
    get_settings.cache_clear()


def test_demo_run_seeds_once_and_prints_logins_and_keys(demo_cli_env: Path) -> None:
    runner = CliRunner()

    first = runner.invoke(app, ["demo", "run", "--no-serve"])

    assert first.exit_code == 0, first.output
    credentials_file = demo_cli_env.parent / "demo-credentials.json"
    assert stat.S_IMODE(credentials_file.stat().st_mode) == 0o600
    saved = DemoCredentials.from_dict(json.loads(credentials_file.read_text(encoding="utf-8")))
    hq_key = saved.key_of_role(Role.HQ)
    assert hq_key is not None
    assert "ut.staff" in first.output
    assert DEMO_PASSWORD in first.output
    assert hq_key.secret in first.output
    assert "http://127.0.0.1:8000/api/v1/members?province=23" in first.output
    assert "http://127.0.0.1:8000/statistics" in first.output  # the national dashboard

    # A second run reuses the seeded database and shows the same (saved) key.
    second = runner.invoke(app, ["demo", "run", "--no-serve"])
    assert second.exit_code == 0, second.output
    assert hq_key.secret in second.output

    # `demo seed` on the same data is refused, with the reason in both languages.
    refused = runner.invoke(app, ["demo", "seed"])
    assert refused.exit_code == 2
    assert "demo_already_seeded" in refused.output


@BOTH_BACKENDS
def test_demo_data_arrives_through_the_submission_path(demo_database: Database) -> None:
    from sqlalchemy import text

    from dargah.config import Settings
    from dargah.demo.submissions import seed_demo_submissions
    from dargah.submissions.models import Submission

    seed_demo(demo_database)
    settings = Settings(
        environment="test",
        database_url=demo_database.engine.url.render_as_string(hide_password=False),
    )
    delivered = seed_demo_submissions(demo_database, settings, cli_principal("demo-test"))

    # Students: 30 accepted, one partial, one rejected; faculty (2 terms) and research
    # outputs (2 years) of the 8 senders: 32 accepted.
    assert (delivered.accepted, delivered.partial, delivered.rejected) == (62, 1, 1)
    with demo_database.session() as session:
        statuses = {row.status for row in session.scalars(select(Submission))}
        assert statuses == {"accepted", "partially_accepted", "rejected"}
        assert all(row.receipt for row in session.scalars(select(Submission)))
        warned = [row.finding_counts for row in session.scalars(select(Submission))]
        assert any("rule_exists_in" in counts for counts in warned)  # unlicensed programmes
        loaded = session.execute(text('SELECT count(*) FROM "rec_students_v1"')).scalar_one()
        history = session.execute(text('SELECT count(*) FROM "rec_students_v1_h"')).scalar_one()
        faculty = session.execute(
            text('SELECT rank, count(*) FROM "rec_faculty_v1" GROUP BY rank')
        ).all()
        outputs = session.execute(
            text('SELECT output_type, count(*) FROM "rec_research_outputs_v1" GROUP BY output_type')
        ).all()
        instructors = dict(
            session.execute(
                text(
                    'SELECT s.period, count(*) FROM "rec_faculty_v1" f '
                    "JOIN record_slices s ON s.id = f._slice "
                    "WHERE f.rank = 'instructor' GROUP BY s.period"
                )
            ).all()
        )
    assert loaded > 5000
    assert history > 0  # a corrected re-send kept the earlier states
    ranks = dict(faculty)
    assert sum(ranks.values()) > 400  # two terms of each sender's faculty
    assert ranks["assistant_professor"] == max(ranks.values())
    assert instructors["1403-1"] < instructors["1402-2"]  # a few were promoted
    types = dict(outputs)
    assert types["journal_article"] == max(types.values())
    assert sum(types.values()) > 600
