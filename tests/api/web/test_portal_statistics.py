"""The national statistics dashboard through the real app, on both databases: charts and
tables for an HQ user with grants, withheld cells shown as such, CSV by form post with
the CSRF token, the navigation link only for people who may read a pivot, refusals."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dargah.access import grants
from dargah.access.policy import Role
from dargah.access.schemas import GrantCreate
from dargah.audit.models import AuditEntry
from dargah.config import Settings
from dargah.db.session import Database
from support.factories import Actor, make_hq_unit
from support.statistics import ADMIN, frame_of, load_nation

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
NAV_LINK = 'href="/statistics"'


@pytest.fixture
def hq_user(
    session: Session,
    database: Database,
    settings: Settings,
    tmp_path: Path,
    actor: Callable[..., Actor],
) -> Actor:
    """An HQ user with aggregate grants on students and research outputs."""
    load_nation(session, database, settings, tmp_path)
    unit = make_hq_unit(session, code="webstats")
    for dataset in ("students", "research_outputs"):
        grants.create_grant(
            session,
            principal=ADMIN,
            data=GrantCreate.model_validate(
                {
                    "dataset": dataset,
                    "consumer": "webstats",
                    "level": "aggregate",
                    "purpose": "داشبورد",
                    "legal_basis": "بند ۳ آیین‌نامه تبادل داده",
                    "expires_at": datetime.now(UTC) + timedelta(days=30),
                }
            ),
        )
    return actor(Role.HQ, hq_unit=unit)


def _as(client: TestClient, who: Actor, language: str = "fa") -> None:
    client.cookies.set("dargah_session", who.token)
    client.cookies.set("lang", language)


def _reads(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "dataset.queried")
        )
        or 0
    )


def test_an_hq_user_sees_every_pivot_as_a_chart_and_a_table(
    client: TestClient, hq_user: Actor, session: Session
) -> None:
    _as(client, hq_user)
    before = _reads(session)

    page = client.get("/statistics")

    assert page.status_code == 200, page.text[:2000]
    assert 'dir="rtl"' in page.text
    assert NAV_LINK in page.text
    # Four students pivots and the research outputs one, each drawn and tabled.
    assert page.text.count('class="chart__svg"') == 5
    assert page.text.count('class="table query-table"') == 5
    # The latest period is chosen; research outputs are read for its academic year.
    assert re.search(r'<option value="1403-1"\s+selected>۱۴۰۳-۱ \(ملی\)</option>', page.text)
    assert "سال تحصیلی ۱۴۰۳" in page.text
    # By province: Tehran's 60 shown, two cells withheld (no bar), the total from the
    # ungrouped count.
    province = page.text[page.text.index('id="students-by-province"') :]
    province = province[: province.index("</section>")]
    assert province.count('class="chart__bar"') == 1
    assert "تهران" in province
    assert province.count("cell--withheld") == 2
    assert "۱۰۳" in province
    assert "۳ از ۳ موسسهٔ موظف گزارش داده‌اند" in province
    assert (
        'href="/datasets/students/query?group_by=province&amp;as_of=1403-1&amp;grant=' in province
    )
    # Every pivot shown is a read in the audit log.
    assert _reads(session) > before + 5


def test_the_english_page_and_a_chosen_period(client: TestClient, hq_user: Actor) -> None:
    _as(client, hq_user, "en")

    page = client.get("/statistics", params={"period": "1403"})

    assert page.status_code == 200
    assert "National statistics" in page.text
    # Nothing of the students is loaded for the year as such: said per pivot, in words,
    # with a link to the term they hold — never as a raw error code.
    assert "statistics_period_not_loaded" not in page.text
    shown = html.unescape(page.text)
    assert shown.count("'Students' holds no data for 1403. The periods it holds:") == 4
    assert page.text.count('<a href="/statistics?period=1403-1">1403-1</a>') == 4
    assert page.text.count('class="chart__svg"') == 1
    assert "Journal article" in page.text


def test_an_unreadable_period_shows_the_latest_with_a_notice(
    client: TestClient, hq_user: Actor
) -> None:
    _as(client, hq_user, "en")

    page = client.get("/statistics", params={"period": "next spring"})

    assert page.status_code == 200
    assert "cannot be read; the latest is shown" in page.text
    assert page.text.count('class="chart__svg"') == 5


def test_the_csv_download_is_a_form_post_with_the_token(client: TestClient, hq_user: Actor) -> None:
    _as(client, hq_user)
    token = _CSRF.search(client.get("/statistics").text)
    assert token is not None

    download = client.post(
        "/statistics/students-by-province/export",
        data={"csrf_token": token.group(1), "period": "1403-1", "variant": "machine"},
    )

    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    frame = frame_of(download.content)
    assert frame["province_fa"].to_list() == ["تهران", "آذربایجان شرقی", "فارس"]
    assert frame["suppressed"].to_list() == ["false", "true", "true"]
    forged = client.post(
        "/statistics/students-by-province/export", data={"csrf_token": "x", "period": "1403-1"}
    )
    assert forged.status_code == 403

    workbook = client.post(
        "/statistics/students-by-province/export",
        data={
            "csrf_token": token.group(1),
            "period": "1403-1",
            "format": "xlsx",
            "variant": "machine",
        },
    )
    assert workbook.status_code == 200
    assert workbook.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="students-by-province-1403-1.xlsx"' in workbook.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "تهران",
        "آذربایجان شرقی",
        "فارس",
    ]


def test_people_without_access_are_refused_and_see_no_link(
    client: TestClient, hq_user: Actor, actor: Callable[..., Actor], session: Session
) -> None:
    outsider = actor(Role.HQ, hq_unit=make_hq_unit(session, code="webnostats"))
    _as(client, outsider, "en")

    page = client.get("/statistics")

    assert page.status_code == 403
    assert "statistics_none_visible" in page.text
    assert NAV_LINK not in client.get("/").text
    _as(client, actor(Role.OPERATOR), "en")
    assert client.get("/statistics").status_code == 403
    assert NAV_LINK not in client.get("/").text
    _as(client, hq_user)
    assert NAV_LINK in client.get("/").text


def test_the_download_for_people_is_labelled_in_persian_right_to_left(
    client: TestClient, hq_user: Actor
) -> None:
    _as(client, hq_user, "fa")
    token = _CSRF.search(client.get("/statistics").text)
    assert token is not None
    data = {"csrf_token": token.group(1), "period": "1403-1"}

    workbook = client.post(
        "/statistics/students-by-province/export", data={**data, "format": "xlsx"}
    )
    table = client.post("/statistics/students-by-province/export", data=data)

    assert workbook.status_code == 200
    book = load_workbook(io.BytesIO(workbook.content))
    [sheet] = book.worksheets
    assert sheet.title.startswith("دانشجویان")  # the pivot's Persian title, not "data"
    assert sheet.sheet_view.rightToLeft
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ["استان موسسه", "کد استان موسسه", "تعداد"]
    assert [row[0] for row in rows[1:]] == ["تهران", "آذربایجان شرقی", "فارس"]
    assert rows[1][1] == "23"
    assert isinstance(rows[1][2], int)  # a number Excel can sum
    assert rows[2][2] == "پنهان"  # a small cell says it is withheld
    text = table.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "استان موسسه,کد استان موسسه,تعداد"
    assert "province_fa" not in text
    assert "suppressed" not in text
