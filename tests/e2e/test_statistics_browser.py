"""The national statistics dashboard in real Chromium on a live portal: an HQ user with
a grant follows the navigation link and sees the charts, right to left."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from dargah.access import grants
from dargah.access.policy import Role
from dargah.access.schemas import GrantCreate
from dargah.config import Settings
from dargah.db.session import Database
from support.factories import PASSWORD, make_hq_unit, make_person
from support.live import live_portal, log_in
from support.statistics import ADMIN, load_nation

pytestmark = pytest.mark.e2e

USER = "e2e.statistics"
SCREENSHOT = Path("/tmp/portal-statistics.png")  # noqa: S108 - a fixed place to look at the result


def _seed(database: Database, settings: Settings, tmp_path: Path) -> None:
    with database.session() as session:
        load_nation(session, database, settings, tmp_path)
        unit = make_hq_unit(session, code="e2estatistics")
        grants.create_grant(
            session,
            principal=ADMIN,
            data=GrantCreate.model_validate(
                {
                    "dataset": "students",
                    "consumer": unit.code,
                    "level": "aggregate",
                    "purpose": "داشبورد",
                    "legal_basis": "بند ۳ آیین‌نامه تبادل داده",
                    "expires_at": datetime.now(UTC) + timedelta(days=30),
                }
            ),
        )
        make_person(session, Role.HQ, hq_unit=unit, username=USER)


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    with live_portal(tmp_path, _seed) as url:
        yield url


def test_an_hq_user_opens_the_dashboard_and_sees_the_charts(
    new_page: Callable[..., Any], base_url: str
) -> None:
    from playwright.sync_api import expect

    page = log_in(new_page(), base_url, USER, PASSWORD)

    page.click("a[href='/statistics']")

    assert page.get_attribute("html", "dir") == "rtl"
    expect(page.locator("svg.chart__svg")).to_have_count(4)
    province = page.locator("#students-by-province")
    expect(province.locator("rect.chart__bar")).to_have_count(1)
    expect(province.locator(".chart__label").first).to_have_text("تهران")
    # The label sits inside the drawing, right of its bar (right to left).
    label = province.locator(".chart__label").first.bounding_box()
    bar = province.locator("rect.chart__bar").first.bounding_box()
    chart = province.locator("svg.chart__svg").bounding_box()
    assert label["x"] + label["width"] <= chart["x"] + chart["width"] + 1
    assert label["x"] >= bar["x"] + bar["width"]
    page.screenshot(path=str(SCREENSHOT), full_page=True)
