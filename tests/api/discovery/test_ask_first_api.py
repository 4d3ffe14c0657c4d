"""Ask first through the real app: what the gateway holds for a question, the caller's
access and next step — with records loaded only through the submission path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dargah.access.policy import Role, cli_principal
from dargah.audit.models import AuditEntry
from dargah.catalogue import service as catalogue
from dargah.catalogue.builtin import builtin_code_lists, builtin_datasets
from dargah.catalogue.documents import DatasetDocument
from dargah.config import Settings
from dargah.db.session import Database
from support.catalogue import dataset_document, schema_with
from support.discovery import NATIONAL_IDS, SLUG, World, build_world, give_grant, headers
from support.factories import Actor

ADMIN = cli_principal("ask-first-test")
URL = "/api/v1/catalogue/search"


@pytest.fixture
def world(
    session: Session,
    database: Database,
    settings: Settings,
    tmp_path: Path,
    actor: Callable[..., Actor],
) -> World:
    return build_world(session, database, settings, tmp_path, actor)


def _ask(client: TestClient, actor: Actor, q: str, **params: str) -> Any:
    response = client.get(URL, params={"q": q, **params}, headers=headers(actor))
    assert response.status_code == 200, response.text
    return response.json()


def _hit(answer: dict[str, Any], slug: str = SLUG) -> dict[str, Any]:
    found = [item for item in answer["datasets"] if item["id"] == slug]
    assert found, [item["id"] for item in answer["datasets"]]
    return found[0]


def test_periods_and_institutions_reporting_against_those_required(
    client: TestClient, world: World
) -> None:
    hit = _hit(_ask(client, world.consumer, "دانشجویان"))

    coverage = hit["coverage"]
    assert coverage["version"] == "1.0"
    assert coverage["required_institution_types"] == ["state_university"]
    assert coverage["institutions_required"] == world.required >= 2
    periods = {item["period"]: item for item in coverage["periods"]}
    assert list(periods) == ["1402-2", "1403-1"]
    assert periods["1403-1"]["institutions_reporting"] == 2
    assert periods["1403-1"]["required_reporting"] == 1  # Payame Noor is not required
    assert periods["1402-2"]["institutions_reporting"] == 1
    assert periods["1402-2"]["required_reporting"] == 1
    assert coverage["last_loaded_at"] == max(item["last_loaded_at"] for item in periods.values())


def test_filters_narrow_the_coverage(client: TestClient, world: World) -> None:
    by_year = _hit(_ask(client, world.consumer, "دانشجویان", period="۱۴۰۳"))
    assert [item["period"] for item in by_year["coverage"]["periods"]] == ["1403-1"]
    # A year or term typed in the question narrows the same way.
    written = _ask(client, world.consumer, "دانشجویان سال ۱۴۰۳")
    assert written["period"] == "1403"
    assert written["unmatched"] == []
    assert [item["period"] for item in _hit(written)["coverage"]["periods"]] == ["1403-1"]
    term = _ask(client, world.consumer, "دانشجویان نیمسال ۱۴۰۲/۲")
    assert term["period"] == "1402-2"

    by_type = _hit(_ask(client, world.consumer, "دانشجویان", institution_type="payame_noor"))
    assert [
        (item["period"], item["institutions_reporting"], item["required_reporting"])
        for item in by_type["coverage"]["periods"]
    ] == [("1403-1", 1, 0)]
    assert by_type["coverage"]["institutions_required"] == 0


def test_a_consumer_with_a_grant_is_told_to_query(client: TestClient, world: World) -> None:
    grant_id = give_grant(client, world)

    hit = _hit(_ask(client, world.consumer, "دانشجویان"))

    assert hit["access"]["status"] == "aggregate"
    assert [(item["id"], item["covers"]) for item in hit["access"]["grants"]] == [(grant_id, True)]
    step = hit["next_step"]
    assert step["action"] == "query"
    assert (step["method"], step["url"], step["grant"]) == (
        "POST",
        f"/api/v1/datasets/{SLUG}/query",
        grant_id,
    )
    # The body works as given once a purpose is written in.
    body = {**step["body"], "purpose": "برنامه‌ریزی پذیرش ۱۴۰۴"}
    answer = client.post(step["url"], json=body, headers=headers(world.consumer))
    assert answer.status_code == 200, answer.text
    # Asked for a year, the body reads the terms of it the gateway holds.
    by_year = _hit(_ask(client, world.consumer, "دانشجویان", period="1403"))["next_step"]
    body = {**by_year["body"], "purpose": "برنامه‌ریزی پذیرش ۱۴۰۴"}
    answer = client.post(by_year["url"], json=body, headers=headers(world.consumer))
    assert answer.status_code == 200, answer.text
    assert answer.json()["rows"] == [{"period": "1403-1", "count": 6, "_suppressed": False}]


def test_a_consumer_without_a_grant_is_told_to_ask_the_owner(
    client: TestClient, world: World
) -> None:
    hit = _hit(_ask(client, world.consumer, "دانشجویان"))

    assert hit["access"] == {
        "status": "none",
        "grants": [],
        "pending_requests": [],
        "own_periods": [],
    }
    step = hit["next_step"]
    assert (step["action"], step["method"], step["url"]) == (
        "request_grant",
        "POST",
        "/api/v1/grant-requests",
    )
    assert step["body"]["dataset"] == SLUG
    assert world.owner_name in step["message_en"]

    body = {
        **step["body"],
        "purpose": "برنامه‌ریزی پذیرش",
        "legal_basis": "آیین‌نامه تبادل داده",
        "expires_at": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
    }
    asked = client.post(step["url"], json=body, headers=headers(world.consumer))
    assert asked.status_code == 201, asked.text
    again = _hit(_ask(client, world.consumer, "دانشجویان"))
    assert again["access"]["pending_requests"] == [asked.json()["id"]]
    assert again["next_step"]["action"] == "request_grant"


def test_a_grant_that_does_not_reach_the_period_asked_for_leads_to_a_request(
    client: TestClient, world: World
) -> None:
    give_grant(client, world, scope={"period_from": "1403"})

    asked_old = _hit(_ask(client, world.consumer, "دانشجویان", period="1402-2"))
    asked_new = _hit(_ask(client, world.consumer, "دانشجویان", period="1403-1"))

    assert asked_old["access"]["grants"][0]["covers"] is False
    assert asked_old["next_step"]["action"] == "request_grant"
    # The request it proposes is for what was asked, and is accepted as given.
    step = asked_old["next_step"]
    assert step["body"]["scope"] == {"period_from": "1402-2", "period_to": "1402-2"}
    body = {
        **step["body"],
        "purpose": "مقایسهٔ نیمسال‌ها",
        "legal_basis": "آیین‌نامه تبادل داده",
        "expires_at": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
    }
    assert client.post(step["url"], json=body, headers=headers(world.consumer)).status_code == 201
    assert asked_new["next_step"]["action"] == "query"


def test_a_term_the_gateway_does_not_hold_leads_to_an_information_request(
    client: TestClient, world: World
) -> None:
    nothing = _ask(client, world.consumer, "پایان‌نامه‌های دفاع‌شده")
    assert nothing["datasets"] == []
    step = nothing["next_step"]
    assert step["action"] == "information_request"
    assert step["url"] is None
    assert step["method"] is None
    assert "متصدیان درگاه" in step["message_fa"]
    assert "gateway operators" in step["message_en"]

    not_for_that_period = _ask(client, world.consumer, "دانشجویان", period="1399")
    hit = _hit(not_for_that_period)
    assert hit["coverage"]["periods"] == []
    assert hit["next_step"]["action"] == "information_request"
    assert "1399" in hit["next_step"]["message_en"]

    no_such_type = _hit(_ask(client, world.consumer, "دانشجویان", institution_type="medical"))
    assert no_such_type["next_step"]["action"] == "information_request"
    assert "Medical university" in no_such_type["next_step"]["message_en"]
    assert not_for_that_period["next_step"]["action"] == "information_request"


def test_an_institution_sees_its_own_data_as_readable(
    client: TestClient, world: World, actor: Callable[..., Actor]
) -> None:
    reporting = actor(Role.INSTITUTION, institution=world.state_a)
    silent = actor(Role.INSTITUTION, institution=world.state_b)

    own = _hit(_ask(client, reporting, "دانشجویان"))
    assert own["access"]["status"] == "own_institution"
    assert own["access"]["own_periods"] == ["1402-2", "1403-1"]
    assert own["next_step"]["action"] == "query"
    assert own["next_step"]["grant"] is None
    answer = client.post(
        own["next_step"]["url"],
        json={**own["next_step"]["body"], "purpose": "بررسی دادهٔ خود"},
        headers=headers(reporting),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["row_count"] == 6

    none_of_its_own = _hit(_ask(client, silent, "دانشجویان"))
    assert none_of_its_own["access"]["own_periods"] == []
    assert none_of_its_own["next_step"]["action"] == "none"
    assert none_of_its_own["coverage"]["periods"]  # the gateway holds others' data


def test_operators_hold_no_grants(
    client: TestClient, world: World, actor: Callable[..., Actor]
) -> None:
    hit = _hit(_ask(client, actor(Role.OPERATOR), "دانشجویان"))
    assert hit["access"]["status"] == "not_a_consumer"
    assert hit["next_step"]["action"] == "none"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("دانشجويان", "title"),  # Arabic yeh
        ("test students", "title"),
        ("كد ملي", "field"),  # Arabic kaf and yeh
        ("دانش آموختگی", "field"),  # a space where the title has a half-space
        ("دانش\u200cآموختگی", "field"),
        ("دكترا", "code_value"),  # an alias of a code value, Arabic kaf
        ("ليسانس", "code_value"),
    ],
)
def test_persian_variants_match(client: TestClient, world: World, question: str, kind: str) -> None:
    hit = _hit(_ask(client, world.consumer, question))
    assert hit["matches"][0]["kind"] == kind


def test_code_value_matches_name_the_field_and_the_value(client: TestClient, world: World) -> None:
    hit = _hit(_ask(client, world.consumer, "دکترا"))
    assert hit["matches"] == [
        {
            "kind": "code_value",
            "field": "degree_level",
            "title_fa": "دکتری تخصصی",
            "title_en": "PhD",
            "code_list": "test_levels",
            "code": "phd",
            "field_title_fa": "مقطع تحصیلی",
            "field_title_en": "Degree level",
            "named_entirely": True,
        }
    ]
    assert hit["filters"] == [
        {
            "field": "degree_level",
            "field_title_fa": "مقطع تحصیلی",
            "field_title_en": "Degree level",
            "op": "=",
            "values": [{"code": "phd", "label_fa": "دکتری تخصصی", "label_en": "PhD"}],
            "text_fa": "مقطع تحصیلی = دکتری تخصصی",
            "text_en": "Degree level = PhD",
        }
    ]
    assert hit["query_builder"] == (
        f"/datasets/{SLUG}/query?where_field_0=degree_level&where_op_0=%3D&where_value_0=phd"
    )


def _variant(
    slug: str, title_fa: str, extra: list[dict[str, Any]] | None = None
) -> DatasetDocument:
    document = dataset_document(slug=slug).model_dump(by_alias=True, mode="json")
    document["title_fa"] = title_fa
    document["title_en"] = f"Variant {slug}"
    document["description_fa"] = "برای آزمون رتبه‌بندی"
    document["schema"] = schema_with(extra_fields=extra, rules_prefix=slug)
    return DatasetDocument.model_validate(document)


def test_results_rank_title_before_field_before_code_value(
    client: TestClient, world: World, session: Session
) -> None:
    extra = [
        {
            "name": "bachelor_track",
            "title": "گرایش کارشناسی",
            "dargah:titleEn": "Bachelor track",
            "type": "string",
            "dargah:type": "text",
        }
    ]
    catalogue.sync_builtin(
        session,
        principal=ADMIN,
        code_list_documents=[],
        dataset_documents=[
            _variant("test_by_field", "دادهٔ آزمایشی دوم", extra),
            _variant("test_by_title", "آمار کارشناسی آزمایشی"),
        ],
    )

    answer = _ask(client, world.consumer, "كارشناسي")

    assert [item["id"] for item in answer["datasets"]] == [
        "test_by_title",
        "test_by_field",
        SLUG,
    ]
    assert [item["matches"][0]["kind"] for item in answer["datasets"]] == [
        "title",
        "field",
        "code_value",
    ]


def test_the_answer_reveals_no_personal_value_and_is_not_a_records_read(
    client: TestClient, world: World, session: Session
) -> None:
    give_grant(client, world, level="rows", personal=True)
    before = session.scalar(select(func.count()).select_from(AuditEntry))

    response = client.get(URL, params={"q": "کد ملی"}, headers=headers(world.consumer))

    assert response.status_code == 200
    assert not any(national_id in response.text for national_id in NATIONAL_IDS)
    assert "row_count" not in response.text
    after = session.scalar(select(func.count()).select_from(AuditEntry))
    assert after == before


def test_a_medical_question_finds_students_through_the_study_fields_code_list(
    client: TestClient, session: Session, actor: Callable[..., Actor]
) -> None:
    catalogue.sync_builtin(
        session,
        principal=ADMIN,
        code_list_documents=builtin_code_lists(),
        dataset_documents=builtin_datasets(),
    )

    answer = _ask(client, actor(Role.HQ), "پزشكي")  # Arabic kaf and yeh

    students = _hit(answer, "students")
    assert {(item["field"], item["code_list"]) for item in students["matches"]} >= {
        ("field_of_study", "study_fields")
    }
    assert students["next_step"]["action"] == "information_request"  # nothing loaded


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"q": "\u200c  "}, "search_query_empty"),
        ({"q": "x" * 201}, "search_query_too_long"),
        ({"q": "دانشجویان", "period": "last year"}, "search_period_invalid"),
        ({"q": "دانشجویان", "institution_type": "castle"}, "institution_type_unknown"),
    ],
)
def test_bad_questions_are_refused_with_a_code(
    client: TestClient, actor: Callable[..., Actor], params: dict[str, str], code: str
) -> None:
    response = client.get(URL, params=params, headers=headers(actor(Role.HQ)))
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == code
    assert problem["message_fa"]
    assert problem["message_en"]


def test_a_question_needs_a_caller(client: TestClient) -> None:
    assert client.get(URL, params={"q": "دانشجویان"}).status_code == 401


def test_a_question_with_a_value_answers_with_the_filter_in_the_query_body(
    client: TestClient, world: World
) -> None:
    give_grant(client, world, level="rows", personal=True)

    hit = _hit(_ask(client, world.consumer, "دانشجویان دکترا"))

    assert [item["text_fa"] for item in hit["filters"]] == ["مقطع تحصیلی = دکتری تخصصی"]
    step = hit["next_step"]
    assert step["action"] == "query"
    assert {"field": "degree_level", "op": "=", "value": "phd"} in step["body"]["where"]
    body = {**step["body"], "purpose": "برنامه‌ریزی پذیرش دکتری"}
    answer = client.post(step["url"], json=body, headers=headers(world.consumer))
    assert answer.status_code == 200, answer.text
    rows = answer.json()["rows"]
    assert len(rows) == 3  # one doctoral student in each of the three loads
    assert {row["degree_level"] for row in rows} == {"phd"}


@pytest.fixture
def shipped(session: Session, actor: Callable[..., Actor]) -> Actor:
    catalogue.sync_builtin(
        session,
        principal=ADMIN,
        code_list_documents=builtin_code_lists(),
        dataset_documents=builtin_datasets(),
    )
    return actor(Role.HQ)


@pytest.mark.parametrize(
    ("question", "first", "filter_fa"),
    [
        ("دانشجویان پزشکی", "students", "رشته تحصیلی = پزشکی"),
        ("هیئت علمی زن", "faculty", "جنسیت = زن"),
        ("دانشجویان دکتری", "students", "مقطع تحصیلی = دکتری تخصصی"),
        ("هيات‌علمي خانم", "faculty", "جنسیت = زن"),
        ("how many female faculty members", "faculty", "جنسیت = زن"),
    ],
)
def test_the_questions_of_issue_13_find_the_data_set_and_its_filter(
    client: TestClient, shipped: Actor, question: str, first: str, filter_fa: str
) -> None:
    answer = _ask(client, shipped, question)

    assert answer["held"] is True
    assert answer["unmatched"] == []
    hit = answer["datasets"][0]
    assert hit["id"] == first
    assert filter_fa in [item["text_fa"] for item in hit["filters"]]
    # Every value found carries its field's title and its own label, never a bare code.
    for match in hit["matches"]:
        if match["kind"] == "code_value":
            assert match["field_title_fa"]
            assert match["title_fa"]
            assert match["title_fa"] != match["code"]


def test_a_question_the_gateway_holds_nothing_for_says_so(
    client: TestClient, shipped: Actor
) -> None:
    answer = _ask(client, shipped, "قیمت نفت خام در بازار")

    assert answer["held"] is False
    assert answer["next_step"]["action"] == "information_request"
    assert "قیمت" in answer["unmatched"]
