"""The demo's grants: the research deputy can count students at once, the education
deputy holds row access (personal fields masked) and has a request to decide."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dargah.access import grants
from dargah.access.policy import Principal, Role, cli_principal
from dargah.config import Settings
from dargah.db.engine import make_engine
from dargah.db.schema import upgrade
from dargah.db.session import Database
from dargah.demo import seed_demo
from dargah.demo.grants import seed_demo_grants
from dargah.demo.submissions import seed_demo_submissions
from dargah.members import service as members
from dargah.records import service as records
from dargah.records.query import QuerySpec
from dargah.statistics import service as statistics

pytestmark = pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def demo(fresh_database_url: str) -> Iterator[Database]:
    engine = make_engine(fresh_database_url)
    upgrade(engine)
    engine.dispose()
    database = Database.from_url(fresh_database_url)
    try:
        seed_demo(database)
        settings = Settings(environment="test", database_url=fresh_database_url)
        seed_demo_submissions(database, settings, cli_principal("demo-test"))
        seed_demo_grants(database, cli_principal("demo-test"))
        yield database
    finally:
        database.engine.dispose()


def _staff_of(database: Database, unit: str) -> Principal:
    with database.session() as session:
        hq_unit = members.get_hq_unit(session, unit)
        return Principal(kind="person", role=Role.HQ, name=f"{unit}-staff", hq_unit_id=hq_unit.id)


def test_the_demo_hq_users_can_query_and_decide(demo: Database) -> None:
    research = _staff_of(demo, "research")
    education = _staff_of(demo, "education")
    with demo.session() as session:
        counted = records.run_query(
            session,
            principal=research,
            slug="students",
            spec=QuerySpec(group_by=["degree_level"], aggregates=[{"fn": "count"}]),  # type: ignore[list-item]
            purpose="آزمون دادهٔ نمایشی",
            secret=b"demo-test",
        )
        assert counted.aggregate
        assert sum(row[1] or 0 for row in counted.rows) > 1000

        rows = records.run_query(
            session,
            principal=education,
            slug="students",
            spec=QuerySpec(select=["national_id", "degree_level"], limit=3),
            purpose="آزمون دادهٔ نمایشی",
            secret=b"demo-test",
        )
        assert len(rows.rows) == 3
        assert rows.masked == ["national_id"]

        pending = grants.list_requests(session, principal=education, status="pending")
        assert len(pending) == 1
        assert pending[0].consumer_hq_unit is not None
        assert pending[0].consumer_hq_unit.code == "research"


def test_the_research_deputy_sees_the_students_dashboard_with_data(demo: Database) -> None:
    research = _staff_of(demo, "research")
    with demo.session() as session:
        visible = statistics.visible_pivots(session, principal=research)
        assert {view.pivot.dataset for view in visible} == {
            "students",
            "faculty",
            "research_outputs",
        }
        assert visible[0].latest == "1403-1"
        ranks = statistics.answer(
            session,
            principal=research,
            pivot_id="faculty-by-rank-gender",
            period=None,
            secret=b"demo-test",
        )
        outputs = statistics.answer(
            session,
            principal=research,
            pivot_id="research-outputs-by-type-year",
            period="1402",
            secret=b"demo-test",
        )

        provinces = statistics.answer(
            session,
            principal=research,
            pivot_id="students-by-province",
            period=None,
            secret=b"demo-test",
        )

    assert provinces.period == "1403-1"
    # Tehran, Fars, Razavi Khorasan and East Azerbaijan report.
    assert {cell.labels[0].code for cell in provinces.cells} == {"23", "07", "09", "03"}
    assert provinces.total is not None
    assert provinces.total > 5000
    # The faculty and research dashboards have data too, small cells suppressed.
    assert ranks.period == "1403-1"
    assert {cell.labels[0].code for cell in ranks.cells} >= {"assistant_professor", "professor"}
    assert ranks.total is not None
    assert ranks.total > 200
    assert {cell.labels[0].code for cell in outputs.cells} >= {"journal_article"}
    assert outputs.total is not None
    assert outputs.total > 300
    assert provinces.kind.value == "aggregate"
