"""The statistics API through the real app, on both databases: answers equal a direct
GROUP BY, refusals carry the next step and no figure, scoped grants see their scope,
small cells are withheld, and every answer is audited."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from dargah.access import grants
from dargah.access.policy import Role
from dargah.access.schemas import GrantCreate
from dargah.audit.models import AuditEntry
from dargah.config import Settings
from dargah.db.session import Database
from dargah.members import service as members
from support.factories import Actor, make_hq_unit
from support.statistics import ADMIN, TERM, Nation, direct_group_by, frame_of, load_nation

STUDENT_PIVOTS = {
    "students-by-province": ("province",),
    "students-by-institution-type": ("institution_type",),
    "students-by-degree-level-gender": ("degree_level", "gender"),
    "students-by-field": ("field_of_study",),
}


@dataclass
class World:
    """The nation loaded and its grants; the people are made when a test asks (each
    login hashes a password, which is slow on purpose)."""

    nation: Nation
    session: Session
    make: Callable[..., Actor]
    _people: dict[str, Actor] = field(default_factory=dict)

    def _person(self, code: str) -> Actor:
        if code not in self._people:
            self._people[code] = self.make(Role.HQ, hq_unit=members.get_hq_unit(self.session, code))
        return self._people[code]

    @property
    def national(self) -> Actor:
        """Aggregate grants on students (every field) and research outputs."""
        return self._person("stnational")

    @property
    def narrow(self) -> Actor:
        """An aggregate grant on students without field_of_study."""
        return self._person("stnarrow")

    @property
    def scoped(self) -> Actor:
        """An aggregate grant on the students of Tehran only."""
        return self._person("stscoped")

    @property
    def outsider(self) -> Actor:
        """No grant."""
        return self._person("stoutsider")

    @property
    def institution(self) -> Actor:
        """Staff of the small East Azerbaijan institution."""
        if "8103" not in self._people:
            member = self.nation.institutions["8103"]
            self._people["8103"] = self.make(Role.INSTITUTION, institution=member)
        return self._people["8103"]


def _grant(consumer: str, dataset: str, session: Session, **terms: Any) -> int:
    body: dict[str, Any] = {
        "dataset": dataset,
        "consumer": consumer,
        "level": "aggregate",
        "purpose": "داشبورد آمار",
        "legal_basis": "بند ۳ آیین‌نامه تبادل داده",
        "expires_at": datetime.now(UTC) + timedelta(days=30),
    }
    body.update(terms)
    return grants.create_grant(session, principal=ADMIN, data=GrantCreate.model_validate(body)).id


@pytest.fixture
def world(
    session: Session,
    database: Database,
    settings: Settings,
    tmp_path: Path,
    actor: Callable[..., Actor],
) -> World:
    nation = load_nation(session, database, settings, tmp_path)
    for code in ("stnational", "stnarrow", "stscoped", "stoutsider"):
        make_hq_unit(session, code=code)
    _grant("stnational", "students", session)
    _grant("stnational", "research_outputs", session)
    _grant("stnarrow", "students", session, fields=["degree_level", "gender"])
    _grant("stscoped", "students", session, scope={"provinces": ["23"]})
    return World(nation=nation, session=session, make=actor)


def _get(client: TestClient, who: Actor, path: str, **params: str) -> Any:
    return client.get(
        f"/api/v1/statistics{path}",
        params=params,
        headers={"Authorization": f"Bearer {who.token}"},
    )


def _cells(answer: dict[str, Any]) -> dict[tuple[Any, ...], dict[str, Any]]:
    return {
        tuple(group["code"] for group in cell["groups"].values()): cell for cell in answer["cells"]
    }


def test_every_students_pivot_equals_a_direct_group_by(
    client: TestClient, world: World, session: Session
) -> None:
    for pivot, group_by in STUDENT_PIVOTS.items():
        response = _get(client, world.national, f"/{pivot}", period=TERM)

        assert response.status_code == 200, response.text
        answer = response.json()
        direct = direct_group_by(session, "students", group_by, TERM)
        cells = _cells(answer)
        assert set(cells) == set(direct), pivot
        for key, cell in cells.items():
            if cell["suppressed"]:
                assert cell["count"] is None
            else:
                assert cell["count"] == direct[key], (pivot, key)
                assert direct[key] >= 5  # no small cell is shown
        assert all(cells[key]["suppressed"] for key, count in direct.items() if count < 5)
        assert answer["suppressed_cells"] == sum(cell["suppressed"] for cell in cells.values())
        assert answer["total"] == sum(direct.values())
        assert answer["period"] == TERM
        assert answer["access"] == "aggregate"
        # Labels come from the code lists and the registries, in both languages.
        assert all(
            group["label_fa"] and group["label_en"]
            for cell in answer["cells"]
            for group in cell["groups"].values()
        )


def test_small_cells_are_withheld_with_a_neighbour_and_last(
    client: TestClient, world: World
) -> None:
    answer = _get(client, world.national, "/students-by-province").json()

    # East Azerbaijan's three students are withheld, and Fars (the smallest other cell)
    # with them so the total cannot give them back; withheld cells come last.
    assert [
        (cell["groups"]["province"]["code"], cell["count"], cell["suppressed"])
        for cell in answer["cells"]
    ] == [("23", 60, False), ("03", None, True), ("07", None, True)]
    assert answer["cells"][0]["groups"]["province"]["label_fa"] == "تهران"
    assert answer["total"] == 103  # from the ungrouped count, itself over the threshold
    assert answer["suppressed_cells"] == 2
    assert answer["small_cell_threshold"] == 5
    assert answer["coverage"] == {
        "institutions_reporting": 3,
        "institutions_expected": 3,
        "expected_reporting": 3,
        "most_reporting": 3,
        "reporting": 3,
        "of": 3,
        "share": 1.0,
    }
    assert answer["loaded_at"] is not None


def test_a_consumer_without_a_grant_gets_the_error_and_no_figures(
    client: TestClient, world: World, session: Session
) -> None:
    assert _get(client, world.outsider, "").json()["pivots"] == []

    response = _get(client, world.outsider, "/students-by-province", period=TERM)

    assert response.status_code == 403
    problem = response.json()
    assert problem["code"] == "statistics_grant_required"
    assert problem["message_fa"]
    assert problem["message_en"]
    step = problem["details"]["next_step"]
    assert step["action"] == "request_grant"
    assert (step["method"], step["url"]) == ("POST", "/api/v1/grant-requests")
    assert step["body"]["dataset"] == "students"
    assert step["portal_url"] == "/datasets/students/grant-request"
    assert "cells" not in problem
    assert '"count"' not in response.text
    assert '"total"' not in response.text
    refused = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "dataset.query_refused")
    ).all()
    assert refused[-1].actor == world.outsider.principal.name
    assert refused[-1].purpose == "داشبورد آمار ملی: دانشجویان به تفکیک استان"


def test_a_grant_without_a_grouped_field_does_not_reach_the_pivot(
    client: TestClient, world: World
) -> None:
    listed = {item["id"] for item in _get(client, world.narrow, "").json()["pivots"]}
    assert listed == {
        "students-by-province",
        "students-by-institution-type",
        "students-by-degree-level-gender",
    }

    response = _get(client, world.narrow, "/students-by-field")

    assert response.status_code == 403
    problem = response.json()
    assert problem["code"] == "statistics_grant_required"
    assert problem["details"]["cause"] == "field_not_granted"
    assert problem["details"]["field"] == "field_of_study"
    assert problem["details"]["next_step"]["body"]["fields"] == ["field_of_study"]
    # The person reads the field's title, not its name.
    assert "«رشته تحصیلی»" in problem["message_fa"]
    assert "field_of_study" not in problem["message_fa"]
    assert "'Field of study'" in problem["message_en"]


def test_a_scoped_grant_sees_only_its_province(
    client: TestClient, world: World, session: Session
) -> None:
    provinces = _get(client, world.scoped, "/students-by-province").json()
    assert [cell["groups"]["province"]["code"] for cell in provinces["cells"]] == ["23"]
    assert provinces["coverage"] == {
        "institutions_reporting": 1,
        "institutions_expected": 1,
        "expected_reporting": 1,
        "most_reporting": 1,
        "reporting": 1,
        "of": 1,
        "share": 1.0,
    }

    levels = _get(client, world.scoped, "/students-by-degree-level-gender").json()

    direct = direct_group_by(
        session, "students", ("degree_level", "gender"), TERM, provinces=["23"]
    )
    cells = _cells(levels)
    assert set(cells) == set(direct)
    assert all(
        cell["count"] == direct[key] for key, cell in cells.items() if not cell["suppressed"]
    )
    assert levels["total"] == 60


def test_an_institution_sees_its_own_figures_in_full(client: TestClient, world: World) -> None:
    listed = _get(client, world.institution, "").json()
    assert {item["access"] for item in listed["pivots"]} == {"own_institution"}
    assert len(listed["pivots"]) == 6
    faculty = next(item for item in listed["pivots"] if item["dataset"] == "faculty")
    assert faculty["periods"] == []

    answer = _get(client, world.institution, "/students-by-province").json()

    # Its own three students: no suppression for the institution itself.
    assert [(c["groups"]["province"]["code"], c["count"]) for c in answer["cells"]] == [("03", 3)]
    assert answer["suppressed_cells"] == 0
    assert answer["coverage"]["institutions_reporting"] == 1
    missing = _get(client, world.institution, "/faculty-by-rank-gender")
    assert missing.status_code == 404
    assert missing.json()["code"] == "statistics_period_not_loaded"


def test_a_term_reads_the_academic_year_of_yearly_data(
    client: TestClient, world: World, session: Session
) -> None:
    response = _get(client, world.national, "/research-outputs-by-type-year", period="۱۴۰۳-۱")

    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["requested_period"], answer["period"]) == ("1403-1", "1403")
    direct = direct_group_by(
        session, "research_outputs", ("output_type", "publication_year"), "1403"
    )
    # Not personal data: nothing withheld, the counts of two and one shown as they are.
    assert {key: cell["count"] for key, cell in _cells(answer).items()} == direct
    assert direct[("conference_paper", 1403)] == 2
    labels = {cell["groups"]["publication_year"]["label_fa"] for cell in answer["cells"]}
    assert labels == {"۱۴۰۲", "۱۴۰۳"}
    # Types follow the code list's order: articles before conference papers before software.
    assert [cell["groups"]["output_type"]["code"] for cell in answer["cells"]] == [
        "journal_article",
        "conference_paper",
        "software",
    ]


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/no-such-pivot", {}, 404, "statistics_pivot_not_found"),
        ("/students-by-province", {"period": "last term"}, 422, "statistics_period_invalid"),
        ("/students-by-province", {"period": "1399-2"}, 404, "statistics_period_not_loaded"),
        ("/students-by-province", {"format": "pdf"}, 422, "format_unsupported"),
    ],
)
def test_mistakes_have_stable_codes_in_both_languages(
    client: TestClient,
    world: World,
    path: str,
    params: dict[str, str],
    status: int,
    code: str,
) -> None:
    response = _get(client, world.national, path, **params)

    assert response.status_code == status
    problem = response.json()
    assert problem["code"] == code
    assert problem["message_fa"]
    assert problem["message_en"]
    if code == "statistics_period_not_loaded":
        assert problem["details"]["loaded"] == [TERM]


def test_roles_without_grants_are_told_so(
    client: TestClient, world: World, as_role: Callable[..., dict[str, str]]
) -> None:
    admin = client.get("/api/v1/statistics/students-by-province", headers=as_role(Role.ADMIN))
    assert admin.status_code == 403
    assert admin.json()["code"] == "statistics_not_a_consumer"
    listing = client.get("/api/v1/statistics", headers=as_role(Role.ADMIN))
    assert listing.json()["pivots"] == []
    operator = client.get("/api/v1/statistics", headers=as_role(Role.OPERATOR))
    assert operator.status_code == 403
    assert operator.json()["code"] == "permission_denied"


def test_every_answer_is_audited_as_a_read_with_the_dashboards_purpose(
    client: TestClient, world: World, session: Session
) -> None:
    def reads() -> list[AuditEntry]:
        return list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "dataset.queried")
                .order_by(AuditEntry.seq)
            )
        )

    before = len(reads())
    _get(client, world.national, "")  # the listing is metadata: not a read
    assert len(reads()) == before

    levels = _get(client, world.national, "/students-by-degree-level-gender", period=TERM)
    _get(client, world.national, "/students-by-province", format="csv")

    entries = reads()[before:]
    # A pivot with withheld cells reads its total too (the coarser count): both audited.
    first = 2 if levels.json()["suppressed_cells"] else 1
    assert len(entries) == first + 2
    assert {entry.purpose for entry in entries[:first]} == {
        "داشبورد آمار ملی: دانشجویان به تفکیک مقطع و جنسیت"
    }
    assert {entry.purpose for entry in entries[first:]} == {
        "داشبورد آمار ملی: دانشجویان به تفکیک استان"
    }
    assert all(entry.actor == world.national.principal.name for entry in entries)
    assert all(entry.details["rollup"] is True for entry in entries)
    assert all(entry.details["as_of"] == TERM for entry in entries)
    assert [entry.details["format"] for entry in entries[first:]] == ["csv", "csv"]
    assert entries[first].details["suppressed_cells"] == 2
    assert entries[first].details["fields"] == ["province"]


def test_csv_holds_codes_labels_counts_and_withheld_flags(client: TestClient, world: World) -> None:
    response = _get(client, world.national, "/students-by-province", format="csv")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="students-by-province-1403-1.csv"' in response.headers["content-disposition"]
    assert response.content.startswith("\ufeff".encode())
    frame = frame_of(response.content)
    assert frame.columns == ["province", "province_fa", "province_en", "count", "suppressed"]
    assert frame.rows() == [
        ("23", "تهران", "Tehran", "60", "false"),
        ("03", "آذربایجان شرقی", "East Azerbaijan", None, "true"),
        ("07", "فارس", "Fars", None, "true"),
    ]


def test_xlsx_holds_the_same_cells_on_a_right_to_left_sheet(
    client: TestClient, world: World
) -> None:
    response = _get(client, world.national, "/students-by-province", format="xlsx")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="students-by-province-1403-1.xlsx"' in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet.sheet_view.rightToLeft
    assert list(sheet.iter_rows(values_only=True)) == [
        ("province", "province_fa", "province_en", "count", "suppressed"),
        ("23", "تهران", "Tehran", 60, False),
        ("03", "آذربایجان شرقی", "East Azerbaijan", None, True),
        ("07", "فارس", "Fars", None, True),
    ]


def test_the_links_lead_to_the_csv_and_a_filled_in_query_builder(
    client: TestClient, world: World
) -> None:
    answer = _get(client, world.national, "/students-by-degree-level-gender").json()

    links = answer["links"]
    assert links["csv"].startswith("/api/v1/statistics/students-by-degree-level-gender?")
    assert "format=csv" in links["csv"]
    assert "format=xlsx" in links["xlsx"]
    assert links["query_builder"].startswith(
        "/datasets/students/query?group_by=degree_level&group_by=gender&as_of=1403-1&grant="
    )
    csv = client.get(links["csv"], headers={"Authorization": f"Bearer {world.national.token}"})
    assert csv.status_code == 200
