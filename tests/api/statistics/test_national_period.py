"""The dashboard opens on the latest *national* period, with its coverage shown (issue
13, point 10), on both databases, with loads crafted through the submission path.

Five state universities must report students. Three reported 1402-2, four reported
1403-1, and one university sent a five-row file for 1403-2 early. 1403-2 is the latest
period anyone loaded, but one of four is under half of the period most reported, so the
national view must open on 1403-1: 4 of the 5 institutions due (80 %).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from dargah.access import grants
from dargah.access.policy import Role
from dargah.access.schemas import GrantCreate
from dargah.config import Settings
from dargah.db.session import Database
from support.factories import Actor, make_hq_unit, make_institution
from support.statistics import ADMIN, send_students, sync_national_catalogue

CODES = ("8301", "8302", "8303", "8304", "8305")
LOADS = {
    "1402-2": ("8301", "8302", "8303"),
    "1403-1": ("8301", "8302", "8303", "8304"),
    "1403-2": ("8305",),
}


@pytest.fixture
def reader(
    session: Session,
    database: Database,
    settings: Settings,
    tmp_path: Path,
    actor: Callable[..., Actor],
) -> Actor:
    """An HQ user holding an aggregate grant on students, after the loads above."""
    sync_national_catalogue(session)
    institutions = {code: make_institution(session, code=code) for code in CODES}
    session.commit()
    for period, senders in LOADS.items():
        for code in senders:
            size = 5 if period == "1403-2" else 12
            send_students(database, settings, tmp_path, institutions[code], period, size)
    unit = make_hq_unit(session, code="natperiod")
    grants.create_grant(
        session,
        principal=ADMIN,
        data=GrantCreate.model_validate(
            {
                "dataset": "students",
                "consumer": "natperiod",
                "level": "aggregate",
                "purpose": "داشبورد آمار ملی",
                "legal_basis": "بند ۳ آیین‌نامه تبادل داده",
                "expires_at": datetime.now(UTC) + timedelta(days=30),
            }
        ),
    )
    return actor(Role.HQ, hq_unit=unit)


def _get(client: TestClient, who: Actor, path: str, **params: str) -> Any:
    response = client.get(
        f"/api/v1/statistics{path}",
        params=params,
        headers={"Authorization": f"Bearer {who.token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_the_api_defaults_to_the_latest_national_period(client: TestClient, reader: Actor) -> None:
    listing = _get(client, reader, "")
    assert listing["periods"] == ["1402-2", "1403-1", "1403-2"]
    assert listing["default_period"] == "1403-1"
    assert listing["national_share"] == 0.5
    pivot = listing["pivots"][0]
    assert pivot["reporting"] == {"1402-2": 3, "1403-1": 4, "1403-2": 1}
    assert pivot["national_periods"] == ["1402-2", "1403-1"]
    assert (pivot["latest_period"], pivot["latest_loaded_period"]) == ("1403-1", "1403-2")

    answer = _get(client, reader, "/students-by-province")
    assert answer["period"] == "1403-1"
    assert answer["total"] == 48
    assert answer["national"] is True
    assert answer["national_period"] == "1403-1"
    assert answer["coverage"] == {
        "institutions_reporting": 4,
        "institutions_expected": 5,
        "expected_reporting": 4,
        "most_reporting": 4,
        "reporting": 4,
        "of": 5,
        "share": 0.8,
    }
    assert [item["period"] for item in answer["periods"]] == ["1403-2", "1403-1", "1402-2"]


def test_the_early_period_is_read_when_asked_and_said_not_national(
    client: TestClient, reader: Actor
) -> None:
    answer = _get(client, reader, "/students-by-province", period="۱۴۰۳-۲")
    assert answer["period"] == "1403-2"
    assert answer["national"] is False
    assert answer["national_period"] == "1403-1"
    assert answer["coverage"]["reporting"] == 1
    assert answer["coverage"]["share"] == 0.2


def test_a_period_the_data_set_lacks_names_the_periods_it_holds_in_persian(
    client: TestClient, reader: Actor
) -> None:
    response = client.get(
        "/api/v1/statistics/students-by-province",
        params={"period": "1401-1"},
        headers={"Authorization": f"Bearer {reader.token}"},
    )
    assert response.status_code == 404
    problem = response.json()
    assert problem["code"] == "statistics_period_not_loaded"
    assert "۱۴۰۱-۱" in problem["message_fa"]
    assert "۱۴۰۳-۲، ۱۴۰۳-۱، ۱۴۰۲-۲" in problem["message_fa"]
    assert not re.search(r"[0-9]", problem["message_fa"])
    assert problem["details"]["links"][1] == {
        "period": "1403-1",
        "url": "/api/v1/statistics/students-by-province?period=1403-1",
    }


def _page(client: TestClient, who: Actor, **params: str) -> str:
    client.cookies.set("dargah_session", who.token)
    client.cookies.set("lang", "fa")
    response = client.get("/statistics", params=params)
    assert response.status_code == 200, response.text
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text)))


def test_the_dashboard_opens_on_the_national_period_with_its_coverage(
    client: TestClient, reader: Actor
) -> None:
    shown = _page(client, reader)

    assert "چه کسانی دورهٔ ۱۴۰۳-۱ را گزارش داده‌اند" in shown
    assert "دانشجویان : ۴ از ۵ موسسهٔ موظف گزارش داده‌اند (۸۰٪) ملی" in shown
    assert "۴۸" in shown  # the national total, not the early upload's 5
    assert "این دوره هنوز ملی نیست" not in shown


def test_the_early_period_is_marked_not_national_with_a_link_back(
    client: TestClient, reader: Actor
) -> None:
    client.cookies.set("dargah_session", reader.token)
    page = client.get("/statistics", params={"period": "1403-2"}).text
    shown = _page(client, reader, period="1403-2")

    assert "۱ از ۵ موسسهٔ موظف گزارش داده‌اند (۲۰٪)" in shown
    assert "این دوره هنوز ملی نیست (کمتر از ۵۰٪ موسسه‌های پرگزارش‌ترین دوره" in shown
    assert '<a href="/statistics?period=1403-1">آخرین دورهٔ ملی: ۱۴۰۳-۱</a>' in page


def test_a_period_no_pivot_holds_is_said_in_persian_with_links_not_an_error_card(
    client: TestClient, reader: Actor
) -> None:
    client.cookies.set("dargah_session", reader.token)
    page = client.get("/statistics", params={"period": "۱۴۰۱-۱"}).text
    shown = _page(client, reader, period="1401-1")

    assert "statistics_period_not_loaded" not in page
    assert shown.count("«دانشجویان» برای دورهٔ ۱۴۰۱-۱ داده‌ای ندارد. دوره‌هایی که دارد:") == 4
    assert page.count('<a href="/statistics?period=1403-1">۱۴۰۳-۱</a>') == 4
    assert page.count('<a href="/statistics?period=1403-2">۱۴۰۳-۲</a>') == 4
