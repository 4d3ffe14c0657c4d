"""The query builder and the grant pages through the real app, on both databases: only
granted fields offered, grouped counts as a table and an SVG chart, cursor pages,
downloads, withheld cells, refusals as messages (never a 500), and the grant flow —
ask, approve, query, revoke."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from dargah.access import grants
from dargah.access.models import GrantRequest
from dargah.access.policy import Role
from dargah.access.schemas import GrantCreate
from dargah.audit.models import AuditEntry
from dargah.config import Settings
from dargah.db.session import Database
from dargah.members import service as members
from dargah.persian import TEHRAN, format_jalali
from support.factories import Actor, make_hq_unit, make_institution
from support.queries import SLUG, load, row, sync_people

URL = f"/datasets/{SLUG}/query"
PURPOSE = "برنامه‌ریزی پذیرش ۱۴۰۴"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class World:
    owner: Actor
    consumer: Actor
    outsider: Actor


def _grant(session: Session, owner: Actor, consumer: str, **terms: Any) -> int:
    body: dict[str, Any] = {
        "dataset": SLUG,
        "consumer": consumer,
        "fields": ["student_number", "national_id", "gender", "degree_level", "credits", "city"],
        "scope": {"provinces": ["23"]},
        "level": "rows",
        "purpose": "برنامه‌ریزی پذیرش",
        "legal_basis": "بند ۳ آیین‌نامه تبادل داده",
        "expires_at": datetime.now(UTC) + timedelta(days=30),
    }
    body.update(terms)
    grant = grants.create_grant(
        session, principal=owner.principal, data=GrantCreate.model_validate(body)
    )
    return grant.id


@pytest.fixture
def world(
    session: Session,
    database: Database,
    settings: Settings,
    tmp_path: Path,
    actor: Callable[..., Actor],
) -> World:
    sync_people(session)
    near = make_institution(session, code="7501", province="23")
    far = make_institution(session, code="7502", province="03")
    session.commit()
    lines = [
        row(str(n), gender="f" if n < 8 else "m", level="bachelor" if n < 11 else "master")
        for n in range(1, 13)
    ]
    load(database, settings, tmp_path, institution_id=near.id, lines=lines)
    load(database, settings, tmp_path, institution_id=far.id, lines=[row("300", gender="m")])
    owner = actor(Role.HQ, hq_unit=members.get_hq_unit(session, "education"))
    consumer = actor(Role.HQ, hq_unit=make_hq_unit(session, code="webconsumer"))
    outsider = actor(Role.HQ, hq_unit=make_hq_unit(session, code="weboutsider"))
    _grant(session, owner, "webconsumer")
    return World(owner=owner, consumer=consumer, outsider=outsider)


def _as(client: TestClient, who: Actor, language: str = "en") -> None:
    client.cookies.set("dargah_session", who.token)
    client.cookies.set("lang", language)


def _csrf(client: TestClient, path: str = URL) -> str:
    page = client.get(path)
    match = _CSRF.search(page.text)
    assert match is not None, page.text[:500]
    return match.group(1)


def _run(client: TestClient, fields: dict[str, Any], path: str = URL) -> Any:
    data = {"csrf_token": _csrf(client), "purpose": PURPOSE, "go": "run", **fields}
    return client.post(path, data=data)


def test_the_builder_offers_only_granted_fields_with_personal_ones_marked(
    client: TestClient, world: World
) -> None:
    _as(client, world.consumer)

    page = client.get(URL)

    assert page.status_code == 200
    assert 'value="degree_level"' in page.text
    assert 'value="full_name"' not in page.text  # not in the grant
    assert 'value="gpa"' not in page.text
    # national_id is granted but personal: offered as a column, marked, never as a filter.
    assert re.search(
        r'name="select" value="national_id"[^>]*>\s*<span title="national_id">National id',
        page.text,
    )
    assert "tag--masked" in page.text
    filters = re.search(r'name="where_field_0">(.*?)</select>', page.text, re.S)
    assert filters is not None
    assert "national_id" not in filters.group(1)
    assert "degree_level" in filters.group(1)
    listing = client.get("/queries")
    assert f'href="/datasets/{SLUG}/query?grant=' in listing.text


def test_a_grouped_count_shows_a_table_and_a_chart(client: TestClient, world: World) -> None:
    _as(client, world.consumer, "fa")

    page = _run(client, {"group_by": "gender", "order_field": "gender"})

    assert page.status_code == 200, page.text[:2000]
    assert 'dir="rtl"' in page.text
    assert "<svg" in page.text
    assert page.text.count('class="chart__bar"') == 2
    # Tehran only: 7 women and 5 men, in Persian digits.
    assert "<bdi>۷</bdi>" in page.text
    assert "<bdi>۵</bdi>" in page.text


def test_small_cells_are_shown_as_withheld(client: TestClient, world: World) -> None:
    _as(client, world.consumer)

    page = _run(client, {"group_by": "degree_level"})

    assert page.status_code == 200
    # Two masters (under 5) are withheld, and the bachelors with them (the total is known).
    assert page.text.count("cell--withheld") == 2
    assert "2 cells withheld" in page.text
    assert 'class="chart__bar"' not in page.text
    # Codes are shown as their code list's labels, the code kept as a hint.
    assert '<bdi title="bachelor">Bachelor</bdi>' in page.text


def test_institutions_are_shown_by_name(client: TestClient, world: World) -> None:
    _as(client, world.consumer, "fa")

    page = _run(client, {"group_by": "institution"})

    assert page.status_code == 200
    assert 'title="7501">دانشگاه آزمایشی' in page.text
    assert "7502" not in page.text  # the other province is outside the grant


def test_counts_by_the_institutions_province_and_type_are_labelled_and_charted(
    client: TestClient, world: World
) -> None:
    _as(client, world.consumer, "fa")

    page = _run(client, {"group_by": ["province", "institution_type"]})

    assert page.status_code == 200, page.text[:2000]
    # Only Tehran's state university is inside the grant: twelve students.
    assert '<bdi title="23">تهران</bdi>' in page.text
    assert '<bdi title="state_university">دانشگاه دولتی</bdi>' in page.text
    assert page.text.count('class="chart__bar"') == 1
    assert "تهران · دانشگاه دولتی" in page.text


def test_the_address_fills_the_builder_in_without_running_it(
    client: TestClient, world: World, session: Session
) -> None:
    _as(client, world.consumer)
    before = session.scalars(select(AuditEntry.seq)).all()

    page = client.get(
        URL, params=[("group_by", "province"), ("group_by", "nope"), ("as_of", "1403-1")]
    )

    assert page.status_code == 200
    assert re.search(r'name="group_by" value="province" checked', page.text)
    assert 'value="nope"' not in page.text
    assert re.search(r'id="as_of" name="as_of" type="text" value="1403-1"', page.text)
    assert re.search(r'name="count" id="count" value="on" checked', page.text)
    assert "query-table" not in page.text
    assert session.scalars(select(AuditEntry.seq)).all() == before


def test_rows_page_by_cursor(client: TestClient, world: World) -> None:
    _as(client, world.consumer)

    first = _run(
        client, {"select": "student_number", "limit": "5", "order_field": "student_number"}
    )

    assert first.status_code == 200
    cursor = re.search(r'name="next_cursor" value="([^"]+)"', first.text)
    assert cursor is not None
    data = {
        "csrf_token": _csrf(client),
        "purpose": PURPOSE,
        "select": "student_number",
        "limit": "5",
        "order_field": "student_number",
        "go": "next",
        "next_cursor": cursor.group(1),
        "page": "1",
    }
    second = client.post(URL, data=data)
    assert second.status_code == 200
    assert "Page 2" in second.text
    assert "<bdi>1</bdi>" in first.text
    assert "<bdi>1</bdi>" not in second.text  # student 1 was on the first page


def test_the_same_query_downloads_in_every_format(client: TestClient, world: World) -> None:
    _as(client, world.consumer)
    data = {
        "csrf_token": _csrf(client),
        "purpose": PURPOSE,
        "group_by": "gender",
        "limit": "1",  # the page size of the screen; a download reads the whole answer
    }

    answer = client.post(f"{URL}/export", data={**data, "export": "csv", "variant": "machine"})

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert {item["gender"]: item["count"] for item in rows} == {"f": "7", "m": "5"}
    xlsx = client.post(f"{URL}/export", data={**data, "export": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    parquet = client.post(f"{URL}/export", data={**data, "export": "parquet"})
    assert parquet.content[:4] == b"PAR1"
    document = client.post(f"{URL}/export", data={**data, "export": "json"})
    assert document.json()["row_count"] == 2


def test_every_query_is_audited_with_its_purpose(
    client: TestClient, world: World, session: Session
) -> None:
    _as(client, world.consumer)
    _run(client, {"group_by": "gender"})

    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "dataset.queried").order_by(AuditEntry.seq)
    ).all()[-1]
    assert entry.purpose == PURPOSE
    assert entry.details["format"] == "html"


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        (
            {"where_field_0": "gpa", "where_op_0": ">=", "where_value_0": "15"},
            403,
            "field_not_granted",
        ),
        (
            {"where_field_0": "national_id", "where_op_0": "=", "where_value_0": "1"},
            403,
            "field_masked",
        ),
        (
            {"where_field_0": "credits", "where_op_0": ">=", "where_value_0": "many"},
            422,
            "query_value_invalid",
        ),
        (
            {"where_field_0": "credits", "where_op_0": ">=", "where_value_0": ""},
            422,
            "query_form_invalid",
        ),
        (
            {"where_field_0": "credits", "where_op_0": "drop", "where_value_0": "1"},
            422,
            "query_form_invalid",
        ),
        ({"limit": "0"}, 422, "query_form_invalid"),
        ({"as_of": "yesterday"}, 422, "query_value_invalid"),
        ({"purpose": ""}, 422, "purpose_required"),
    ],
)
def test_bad_queries_are_explained_on_the_page(
    client: TestClient, world: World, fields: dict[str, str], status: int, code: str
) -> None:
    _as(client, world.consumer)

    page = _run(client, fields)

    assert page.status_code == status
    assert code in page.text
    assert 'name="purpose"' in page.text  # the form is there again to correct


def test_a_query_needs_the_forms_csrf_token(client: TestClient, world: World) -> None:
    _as(client, world.consumer)

    page = client.post(URL, data={"purpose": PURPOSE, "group_by": "gender"})

    assert page.status_code == 403
    assert "csrf_failed" in page.text


def test_without_a_grant_the_page_offers_to_ask(client: TestClient, world: World) -> None:
    _as(client, world.outsider)

    page = client.get(URL)

    assert page.status_code == 200
    assert "grant_required" in page.text
    assert f'href="/datasets/{SLUG}/grant-request"' in page.text
    refused = client.post(URL, data={"csrf_token": _csrf(client), "purpose": PURPOSE})
    assert refused.status_code == 403


def test_the_data_set_page_links_to_the_builder(client: TestClient, world: World) -> None:
    _as(client, world.consumer)

    page = client.get(f"/catalogue/datasets/{SLUG}")

    assert f'href="/datasets/{SLUG}/query"' in page.text
    assert f'href="/datasets/{SLUG}/grant-request"' in page.text


def _ask(client: TestClient, **extra: Any) -> Any:
    path = f"/datasets/{SLUG}/grant-request"
    data: dict[str, Any] = {
        "csrf_token": _csrf(client, path),
        "fields": ["gender", "degree_level"],
        "level": "aggregate",
        "provinces": ["23"],
        "period_from": "1403",
        "purpose": "آمار جنسیتی دانشجویان",
        "legal_basis": "بند ۳ آیین‌نامه تبادل داده",
        "expires_at": "1420/12/29",
    }
    data.update(extra)
    return client.post(path, data=data, follow_redirects=False)


def test_ask_approve_query_and_revoke(client: TestClient, world: World, session: Session) -> None:
    # The outsider asks from the data set's page…
    _as(client, world.outsider)
    sent = _ask(client)
    assert sent.status_code == 303, sent.text[:2000]
    assert sent.headers["location"] == "/grants?notice=requested"
    mine = client.get("/grants?notice=requested")
    assert "Your request was sent" in mine.text
    assert "Pending" in mine.text
    request = session.scalars(select(GrantRequest).order_by(GrantRequest.id.desc())).first()
    assert request is not None
    assert request.provinces == ["23"]
    assert request.expires_at.year == 2042  # 1420/12/29, to the end of that day

    # …the owner sees it and approves it…
    _as(client, world.owner)
    waiting = client.get("/grants")
    assert f'action="/grant-requests/{request.id}/approve"' in waiting.text
    token = _CSRF.search(waiting.text)
    assert token is not None
    approved = client.post(
        f"/grant-requests/{request.id}/approve",
        data={"csrf_token": token.group(1), "note": "با رعایت محرمانگی"},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    given = client.get("/grants?notice=approved")
    assert "The request was approved" in given.text
    session.expire_all()
    grant_id = session.get(GrantRequest, request.id).grant_id  # type: ignore[union-attr]
    assert grant_id is not None
    assert f'action="/grants/{grant_id}/revoke"' in given.text

    # …the outsider can now count, only by the granted fields…
    _as(client, world.outsider)
    counted = _run(client, {"group_by": "gender"})
    assert counted.status_code == 200
    assert "chart__" in counted.text
    rows = _run(client, {"select": "gender"})
    assert rows.status_code == 403  # aggregate only
    assert "aggregate_only" in rows.text

    # …until the owner revokes the grant.
    _as(client, world.owner)
    token = _CSRF.search(client.get("/grants").text)
    assert token is not None
    revoked = client.post(
        f"/grants/{grant_id}/revoke",
        data={"csrf_token": token.group(1), "reason": "پایان طرح"},
        follow_redirects=False,
    )
    assert revoked.status_code == 303
    _as(client, world.outsider)
    assert "grant_required" in client.get(URL).text


def test_a_refusal_needs_a_reason_and_is_shown_to_the_requester(
    client: TestClient, world: World, session: Session
) -> None:
    _as(client, world.outsider)
    assert _ask(client).status_code == 303
    request = session.scalars(select(GrantRequest).order_by(GrantRequest.id.desc())).first()
    assert request is not None
    _as(client, world.owner)
    token = _CSRF.search(client.get("/grants").text)
    assert token is not None

    bare = client.post(
        f"/grant-requests/{request.id}/refuse", data={"csrf_token": token.group(1), "reason": ""}
    )
    assert bare.status_code == 422
    assert "reason_required" in bare.text
    refused = client.post(
        f"/grant-requests/{request.id}/refuse",
        data={"csrf_token": token.group(1), "reason": "مبنای قانونی کافی نیست"},
        follow_redirects=False,
    )
    assert refused.status_code == 303

    _as(client, world.outsider)
    mine = client.get("/grants")
    assert "Refused" in mine.text
    assert "مبنای قانونی کافی نیست" in mine.text


def test_only_the_owner_decides(client: TestClient, world: World, session: Session) -> None:
    _as(client, world.outsider)
    assert _ask(client).status_code == 303
    request = session.scalars(select(GrantRequest).order_by(GrantRequest.id.desc())).first()
    assert request is not None
    _as(client, world.consumer)  # an HQ unit that does not own the data set
    token = _CSRF.search(client.get("/grants").text)
    assert token is not None

    answer = client.post(
        f"/grant-requests/{request.id}/approve", data={"csrf_token": token.group(1)}
    )

    assert answer.status_code == 403
    assert "not_dataset_owner" in answer.text


@pytest.mark.parametrize(
    ("extra", "shown"),
    [
        ({"fields": []}, 'href="#fields"'),
        ({"expires_at": "1390/01/01"}, "expiry must be in the future"),
        ({"expires_at": "soon"}, 'href="#expires_at"'),
        ({"purpose": "x"}, 'href="#purpose"'),
        ({"period_from": "next year"}, 'href="#period_from"'),
        ({"institutions": "IR/UNI/999999"}, "IR/UNI/999999"),
    ],
)
def test_a_request_form_with_mistakes_comes_back_with_messages(
    client: TestClient, world: World, extra: dict[str, Any], shown: str
) -> None:
    _as(client, world.outsider)

    page = _ask(client, **extra)

    assert page.status_code in (404, 422), page.status_code
    assert 'id="form-errors"' in page.text
    assert shown in page.text
    assert "بند ۳ آیین‌نامه تبادل داده" in page.text  # what was typed is kept


def _text(html: str) -> str:
    """The page's visible text (tags and attributes dropped)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_grant_entered_until_a_day_is_shown_until_that_day(
    client: TestClient, world: World, session: Session
) -> None:
    # The date typed in Persian digits on the request form…
    _as(client, world.outsider, "fa")
    assert _ask(client, expires_at="۱۴۰۶/۰۶/۳۱").status_code == 303
    request = session.scalars(select(GrantRequest).order_by(GrantRequest.id.desc())).first()
    assert request is not None
    # …is stored as the end of that day in Tehran (the next midnight there)…
    tehran = request.expires_at.astimezone(TEHRAN)
    assert (tehran.year, tehran.month, tehran.day, tehran.hour) == (2027, 9, 23, 0)
    # …and shown back as that day, on the requester's page…
    mine = _text(client.get("/grants").text)
    assert "۱۴۰۶/۰۶/۳۱" in mine
    assert "۱۴۰۶/۰۷/۰۱" not in mine
    # …on the owner's page of requests to decide, and on the grant once approved.
    _as(client, world.owner, "fa")
    waiting = client.get("/grants")
    assert "۱۴۰۶/۰۶/۳۱" in _text(waiting.text)
    token = _CSRF.search(waiting.text)
    assert token is not None
    approved = client.post(
        f"/grant-requests/{request.id}/approve",
        data={"csrf_token": token.group(1), "expires_at": "۱۴۰۶/۰۶/۳۱"},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    given = _text(client.get("/grants").text)
    assert "۱۴۰۶/۰۶/۳۱" in given
    assert "۱۴۰۶/۰۷/۰۱" not in given
    _as(client, world.outsider, "en")
    assert "2027-09-22" in _text(client.get("/queries").text)


def test_the_grant_pages_show_labels_not_codes(client: TestClient, world: World) -> None:
    _as(client, world.outsider, "fa")
    assert _ask(client).status_code == 303
    _as(client, world.owner, "fa")

    html = client.get("/grants").text
    page = _text(html)

    # Fields by their catalogue titles, the province by its name, the asker by name.
    assert re.search(r"فیلدها: مقطع ?، جنسیت", page)
    assert "degree_level" not in page
    assert "تهران" in page
    assert "استان‌ها ۲۳" not in page
    assert "<bdi>کاربر آزمایشی</bdi>" in html  # the asker's full name, not their username
    assert world.outsider.principal.name not in page
    assert "webconsumer" not in page  # the consumer by its name, not its code


def test_a_coded_field_offers_a_picker_of_labels_and_reads_a_typed_label(
    client: TestClient, world: World
) -> None:
    _as(client, world.consumer, "fa")

    page = client.get(URL)
    picked = _run(
        client,
        {
            "where_field_0": "degree_level",
            "where_op_0": "=",
            "where_value_0": "کارشناسي",  # Arabic yeh, as a keyboard may type it
            "count": "on",
        },
    )
    stranger = _run(
        client,
        {
            "where_field_0": "degree_level",
            "where_op_0": "=",
            "where_value_0": "دکتری",
            "count": "on",
        },
    )

    # One searchable list per coded field, labels in the page's language (numeric codes
    # beside them, which clerks use; word codes such as "phd" are not shown).
    listed = re.search(r'<datalist id="codes-degree_level">(.*?)</datalist>', page.text, re.S)
    assert listed is not None
    assert '<option value="دکتری تخصصی"></option>' in listed.group(1)
    assert '<option value="کارشناسی"></option>' in listed.group(1)
    assert "phd" not in listed.group(1)
    provinces = re.search(r'<datalist id="codes-province">(.*?)</datalist>', page.text, re.S)
    assert provinces is not None
    assert '<option value="تهران">23</option>' in provinces.group(1)
    assert "data-field-select=" in page.text
    assert "js/queries.js" in page.text
    assert client.get("/static/js/queries.js").status_code == 200
    # The typed label is read as its code: ten bachelors in Tehran.
    assert picked.status_code == 200, picked.text[:2000]
    assert "<bdi>۱۰</bdi>" in picked.text
    assert 'list="codes-degree_level"' in picked.text  # the row keeps its picker
    # A value outside the list is an error naming the closest values, never zero rows.
    assert stranger.status_code == 422
    assert "value_not_in_codelist" in stranger.text
    assert "دکتری تخصصی (phd)" in stranger.text


def test_downloads_for_people_carry_titles_labels_and_jalali_dates(
    client: TestClient, world: World, session: Session
) -> None:
    dated = _grant(
        session,
        world.owner,
        "webconsumer",
        fields=["student_number", "gender", "degree_level", "entry_date"],
    )
    _as(client, world.consumer, "fa")
    data = {"csrf_token": _csrf(client), "purpose": PURPOSE, "grant": str(dated)}
    grouped = {**data, "group_by": ["province", "gender"]}

    workbook = client.post(f"{URL}/export", data={**grouped, "export": "xlsx"})
    table = client.post(f"{URL}/export", data={**grouped, "export": "csv"})
    rows_file = client.post(
        f"{URL}/export",
        data={
            **data,
            "select": ["student_number", "degree_level", "entry_date"],
            "export": "xlsx",
        },
    )
    machine = client.post(f"{URL}/export", data={**grouped, "export": "xlsx", "variant": "machine"})

    assert workbook.status_code == 200, workbook.text[:2000]
    [sheet] = load_workbook(io.BytesIO(workbook.content)).worksheets
    assert sheet.title == "افراد آزمایشی"  # the data set's Persian title
    assert sheet.sheet_view.rightToLeft
    head, *body = list(sheet.iter_rows(values_only=True))
    assert list(head) == ["استان موسسه", "کد استان موسسه", "جنسیت", "شمار"]
    assert sorted(body) == [("تهران", "23", "f", 7), ("تهران", "23", "m", 5)]
    text = table.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "استان موسسه,کد استان موسسه,جنسیت,شمار"
    assert "_suppressed" not in text
    [rows_sheet] = load_workbook(io.BytesIO(rows_file.content)).worksheets
    rows_head, first, *_ = list(rows_sheet.iter_rows(values_only=True))
    assert list(rows_head) == [
        "شماره دانشجویی",
        "مقطع",
        "کد مقطع",
        "تاریخ ورود",
        "تاریخ ورود (میلادی)",
    ]
    assert first[3].startswith("۱۴")  # Jalali, in Persian digits
    # The ISO date beside is the same day.
    assert format_jalali(date.fromisoformat(first[4]), persian_digits=True) == first[3]
    # For programs: field names, codes, the sheet as before.
    [raw] = load_workbook(io.BytesIO(machine.content)).worksheets
    raw_head, *raw_body = list(raw.iter_rows(values_only=True))
    assert list(raw_head)[:3] == ["province", "gender", "count"]
    assert {row[0] for row in raw_body} == {"23"}


def test_a_condition_without_a_value_is_named_by_its_fields_title(
    client: TestClient, world: World
) -> None:
    _as(client, world.consumer, "fa")

    page = _run(client, {"where_field_0": "credits", "where_op_0": ">=", "where_value_0": ""})

    assert page.status_code == 422
    assert "شرط ۱ (واحد) مقدار ندارد." in page.text  # the title, in Persian digits
