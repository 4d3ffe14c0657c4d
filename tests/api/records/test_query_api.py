"""The query API through the real app: a consumer never reads outside its grant."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from dargah.access.models import Grant
from dargah.access.policy import Role
from dargah.audit.models import AuditEntry
from dargah.config import Settings
from dargah.db.session import Database
from dargah.members import service as members
from dargah.members.models import Member
from support.factories import Actor, make_hq_unit, make_institution
from support.queries import SLUG, load, row, sync_people

URL = f"/api/v1/datasets/{SLUG}/query"
PURPOSE = "برنامه‌ریزی پذیرش ۱۴۰۴"


@dataclass
class World:
    near: Member  # province 23 (Tehran), inside the grant's scope
    far: Member  # province 03, outside it
    owner: Actor
    consumer: Actor
    first_load: datetime


def _headers(actor: Actor) -> dict[str, str]:
    return {"Authorization": f"Bearer {actor.token}"}


@pytest.fixture
def world(
    session: Session,
    database: Database,
    settings: Settings,
    tmp_path: Path,
    actor: Callable[..., Actor],
) -> World:
    sync_people(session)
    near = make_institution(session, code="7301", province="23")
    far = make_institution(session, code="7302", province="03", institution_type="payame_noor")
    session.commit()
    first = load(
        database,
        settings,
        tmp_path,
        institution_id=near.id,
        lines=[
            row(str(n), gender="f" if n < 8 else "m", level="bachelor" if n < 11 else "master")
            for n in range(1, 13)
        ],
    )
    load(
        database,
        settings,
        tmp_path,
        institution_id=far.id,
        lines=[row(str(n), gender="m", city="تبریز") for n in range(101, 107)],
    )
    owner_unit = members.get_hq_unit(session, "education")
    return World(
        near=near,
        far=far,
        owner=actor(Role.HQ, hq_unit=owner_unit),
        consumer=actor(Role.HQ, hq_unit=make_hq_unit(session, code="testconsumer")),
        first_load=first.finished_at,
    )


def _grant(client: TestClient, world: World, **terms: Any) -> int:
    body: dict[str, Any] = {
        "dataset": SLUG,
        "consumer": "testconsumer",
        "fields": ["student_number", "national_id", "gender", "degree_level", "credits", "city"],
        "scope": {"provinces": ["23"]},
        "level": "rows",
        "personal": False,
        "purpose": "برنامه‌ریزی پذیرش",
        "legal_basis": "بند ۳ آیین‌نامه تبادل داده",
        "expires_at": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
    }
    body.update(terms)
    response = client.post("/api/v1/grants", json=body, headers=_headers(world.owner))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _query(client: TestClient, actor: Actor, body: dict[str, Any], **params: str) -> Any:
    return client.post(
        URL, json={"purpose": PURPOSE, **body}, headers=_headers(actor), params=params
    )


def test_a_consumer_gets_granted_fields_of_rows_in_scope_with_personal_values_masked(
    client: TestClient, world: World
) -> None:
    _grant(client, world)

    response = _query(client, world.consumer, {})

    assert response.status_code == 200, response.text
    answer = response.json()
    names = [column["name"] for column in answer["columns"]]
    assert names == [
        "institution",
        "period",
        "student_number",
        "national_id",
        "gender",
        "degree_level",
        "credits",
        "city",
    ]
    assert {item["institution"] for item in answer["rows"]} == {"7301"}
    assert answer["row_count"] == 12
    assert answer["masked"] == ["national_id"]
    assert all(item["national_id"].startswith("******") for item in answer["rows"])
    assert "full_name" not in names
    assert "gpa" not in names


@pytest.mark.parametrize(
    "body",
    [
        {"select": ["gpa"]},
        {"select": ["student_number"], "where": [{"field": "gpa", "op": ">", "value": 15}]},
        {"group_by": ["full_name"]},
        {"select": ["student_number"], "order_by": [{"field": "gpa"}]},
        {"group_by": ["gender"], "aggregates": [{"fn": "avg", "field": "gpa"}]},
    ],
)
def test_a_field_outside_the_grant_is_refused_wherever_it_is_used(
    client: TestClient, world: World, body: dict[str, Any]
) -> None:
    _grant(client, world)

    response = _query(client, world.consumer, body)

    assert response.status_code == 403
    problem = response.json()
    assert problem["code"] == "field_not_granted"
    assert problem["details"]["field"] in problem["message_en"]
    assert problem["details"]["field"] in problem["message_fa"]


def test_filtering_on_a_masked_personal_field_is_refused(client: TestClient, world: World) -> None:
    _grant(client, world)

    response = _query(
        client,
        world.consumer,
        {
            "select": ["student_number"],
            "where": [{"field": "national_id", "op": "=", "value": "0012345679"}],
        },
    )

    assert response.status_code == 403
    assert response.json()["code"] == "field_masked"


def test_group_by_institution_and_as_of_stay_inside_the_scope(
    client: TestClient, world: World, database: Database, settings: Settings, tmp_path: Path
) -> None:
    _grant(client, world)
    # The far institution sends more later; the near one drops rows.
    load(
        database,
        settings,
        tmp_path,
        institution_id=world.far.id,
        lines=[row(str(n), gender="f") for n in range(101, 120)],
    )
    load(
        database,
        settings,
        tmp_path,
        institution_id=world.near.id,
        lines=[row(str(n)) for n in range(1, 4)],
    )

    grouped = _query(
        client, world.consumer, {"group_by": ["institution"], "aggregates": [{"fn": "count"}]}
    ).json()
    earlier = _query(
        client,
        world.consumer,
        {
            "select": ["institution", "student_number"],
            "as_of": world.first_load.isoformat(),
            "limit": 100,
        },
    ).json()
    by_period = _query(
        client, world.consumer, {"select": ["institution"], "as_of": "1403-1", "limit": 100}
    ).json()

    assert [item["institution"] for item in grouped["rows"]] == ["7301"]
    assert {item["institution"] for item in earlier["rows"]} == {"7301"}
    assert earlier["row_count"] == 12  # the state after the first load
    assert {item["institution"] for item in by_period["rows"]} == {"7301"}
    assert by_period["row_count"] == 3


def test_revoked_and_expired_grants_refuse(
    client: TestClient, world: World, session: Session
) -> None:
    grant = _grant(client, world)
    revoked = client.post(
        f"/api/v1/grants/{grant}/revoke",
        json={"reason": "پایان طرح"},
        headers=_headers(world.owner),
    )
    assert revoked.status_code == 200
    assert revoked.json()["active"] is False

    assert _query(client, world.consumer, {}).json()["code"] == "grant_required"
    assert _query(client, world.consumer, {"grant": grant}).json()["code"] == "grant_inactive"

    second = _grant(client, world)
    stored = session.get(Grant, second)
    assert stored is not None
    stored.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    session.commit()
    response = _query(client, world.consumer, {})
    assert response.status_code == 403
    assert response.json()["code"] == "grant_required"


def test_aggregate_only_grants_refuse_rows_and_suppress_small_cells(
    client: TestClient, world: World
) -> None:
    _grant(client, world, level="aggregate")

    rows = _query(client, world.consumer, {"select": ["gender"]})
    cells = _query(
        client,
        world.consumer,
        {"group_by": ["gender", "degree_level"], "aggregates": [{"fn": "count"}]},
    ).json()

    assert rows.status_code == 403
    assert rows.json()["code"] == "aggregate_only"
    # Near institution: f/bachelor 7, m/bachelor 3, m/master 2. The two m cells are
    # small (primary); f/bachelor shares the bachelor line with the lone m/bachelor …
    found = {
        (c["gender"], c["degree_level"]): (c["count"], c["_suppressed"]) for c in cells["rows"]
    }
    assert found[("m", "bachelor")] == (None, True)
    assert found[("m", "master")] == (None, True)
    # … so it is withheld too (secondary): otherwise "bachelor: 10" would give m away.
    assert found[("f", "bachelor")] == (None, True)
    assert cells["suppressed_cells"] == 3


def test_secondary_suppression_leaves_large_lines_visible(
    client: TestClient, world: World, database: Database, settings: Settings, tmp_path: Path
) -> None:
    _grant(client, world, level="aggregate")
    lines = [row(str(n), gender="f") for n in range(1, 21)]
    lines += [row(str(n), gender="m") for n in range(21, 24)]
    lines += [row(str(n), gender="x") for n in range(24, 34)]
    load(database, settings, tmp_path, institution_id=world.near.id, lines=lines)

    cells = _query(
        client, world.consumer, {"group_by": ["gender"], "aggregates": [{"fn": "count"}]}
    ).json()

    found = {c["gender"]: (c["count"], c["_suppressed"]) for c in cells["rows"]}
    assert found == {"f": (20, False), "m": (None, True), "x": (None, True)}


def test_exports_neutralise_formulas(
    client: TestClient, world: World, database: Database, settings: Settings, tmp_path: Path
) -> None:
    _grant(client, world)
    hostile = ["=1+2", "+SUM(A1)", "-3+3", "@cmd", '=HYPERLINK("http://x")']
    load(
        database,
        settings,
        tmp_path,
        institution_id=world.near.id,
        lines=[row(str(n), city=value) for n, value in enumerate(hostile, start=1)],
    )
    body = {
        "select": ["student_number", "city", "credits"],
        "order_by": [{"field": "student_number"}],
    }

    as_csv = _query(client, world.consumer, body, format="csv")
    as_xlsx = _query(client, world.consumer, body, format="xlsx")
    as_parquet = client.post(
        URL,
        json={"purpose": PURPOSE, **body},
        headers={**_headers(world.consumer), "Accept": "application/vnd.apache.parquet"},
    )

    assert as_csv.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    cities = [line[1] for line in lines[1:]]
    assert sorted(cities) == sorted("'" + value for value in hostile)
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    xlsx_cities = [sheet.cell(row=r, column=2).value for r in range(2, 7)]
    assert sorted(xlsx_cities) == sorted("'" + value for value in hostile)
    assert all(sheet.cell(row=r, column=3).data_type == "n" for r in range(2, 7))
    table = pq.read_table(io.BytesIO(as_parquet.content))
    assert sorted(table.column("city").to_pylist()) == sorted(hostile)


def test_every_query_is_audited_with_purpose_grant_and_row_count(
    client: TestClient, world: World, session: Session
) -> None:
    grant = _grant(client, world)
    _query(client, world.consumer, {"select": ["student_number", "national_id"], "limit": 5})
    _query(client, world.consumer, {"select": ["gpa"]})

    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action.in_(["dataset.queried", "dataset.query_refused"]))
        .order_by(AuditEntry.seq)
    ).all()
    queried, refused = entries[-2], entries[-1]
    assert queried.action == "dataset.queried"
    assert queried.purpose == PURPOSE
    assert queried.details["grant"] == grant
    assert queried.details["rows"] == 5
    assert queried.personal_data is True
    assert refused.action == "dataset.query_refused"
    assert refused.outcome == "failure"
    assert refused.details["code"] == "field_not_granted"


def test_keyset_pages_cover_every_row_once(client: TestClient, world: World) -> None:
    _grant(client, world)
    body: dict[str, Any] = {
        "select": ["student_number"],
        "limit": 5,
        "order_by": [{"field": "gender", "direction": "desc"}],
    }
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        page = _query(client, world.consumer, {**body, "cursor": cursor} if cursor else body).json()
        seen += [item["student_number"] for item in page["rows"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen, key=int) == [str(n) for n in range(1, 13)]
    forged = _query(client, world.consumer, {**body, "cursor": "gAAAAAforged"})
    assert forged.json()["code"] == "cursor_invalid"


def test_an_institution_reads_only_its_own_rows_without_a_grant(
    client: TestClient, world: World, actor: Callable[..., Actor]
) -> None:
    staff = actor(Role.INSTITUTION, institution=world.far)

    answer = _query(client, staff, {"limit": 100}).json()
    grouped = _query(
        client, staff, {"group_by": ["institution"], "aggregates": [{"fn": "count"}]}
    ).json()

    assert {item["institution"] for item in answer["rows"]} == {"7302"}
    assert answer["row_count"] == 6
    assert answer["masked"] == []
    assert answer["rows"][0]["national_id"].isdigit()
    assert grouped["rows"] == [{"institution": "7302", "count": 6}]


def test_bad_input_gets_problems_not_500(client: TestClient, world: World) -> None:
    _grant(client, world)
    cases = [
        ({"select": ["nope"]}, 422, "unknown_field"),
        ({"where": [{"field": "credits", "op": "=", "value": "many"}]}, 422, "query_value_invalid"),
        (
            {"where": [{"field": "credits", "op": "contains", "value": "1"}]},
            422,
            "query_operator_invalid",
        ),
        ({"as_of": "tomorrow"}, 422, "invalid_request"),
    ]
    for body, status, code in cases:
        response = _query(client, world.consumer, body)
        assert (response.status_code, response.json()["code"]) == (status, code), body
    assert _query(client, world.consumer, {}, format="pdf").json()["code"] == "format_unsupported"
    no_purpose = client.post(URL, json={}, headers=_headers(world.consumer))
    assert no_purpose.status_code == 422


def test_a_coded_field_is_filtered_by_its_label_and_a_stranger_value_is_refused(
    client: TestClient, world: World
) -> None:
    _grant(client, world)
    count = {"aggregates": [{"fn": "count"}]}

    by_code = _query(
        client,
        world.consumer,
        {**count, "where": [{"field": "degree_level", "op": "=", "value": "bachelor"}]},
    )
    by_label = _query(
        client,
        world.consumer,
        {**count, "where": [{"field": "degree_level", "op": "=", "value": "كارشناسي"}]},
    )
    listed = _query(
        client,
        world.consumer,
        {**count, "where": [{"field": "degree_level", "op": "in", "value": ["لیسانس", "Master"]}]},
    )
    province = _query(
        client,
        world.consumer,
        {**count, "where": [{"field": "province", "op": "=", "value": "تهران"}]},
    )
    stranger = _query(
        client,
        world.consumer,
        {**count, "where": [{"field": "degree_level", "op": "=", "value": "دکتری تخصصیی"}]},
    )

    assert by_code.json()["rows"][0]["count"] == 10
    # Arabic ي/ك in the label, an alias, an English label and a province name all work.
    assert by_label.json()["rows"][0]["count"] == 10, by_label.text
    assert listed.json()["rows"][0]["count"] == 12, listed.text
    assert province.json()["rows"][0]["count"] == 12, province.text
    assert stranger.status_code == 422
    problem = stranger.json()
    assert problem["code"] == "value_not_in_codelist"
    assert problem["details"]["field"] == "degree_level"
    assert problem["details"]["suggestions"][0]["code"] == "phd"
    assert "دکتری تخصصی (phd)" in problem["message_fa"]
    assert "PhD (phd)" in problem["message_en"]
