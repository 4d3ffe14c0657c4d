"""The query builder and the grant flow in real Chromium on a live portal: an HQ user
builds a grouped count, sees the table and the chart and downloads the CSV; another
asks for a grant, the owner approves it, and the asker's query then runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from dargah.access import grants
from dargah.access.policy import Role, cli_principal
from dargah.access.schemas import GrantCreate
from dargah.config import Settings
from dargah.db.session import Database
from dargah.members import service as members
from support.factories import PASSWORD, make_hq_unit, make_institution, make_person
from support.live import live_portal, log_in
from support.queries import SLUG, load, row, sync_people

pytestmark = pytest.mark.e2e

OWNER = "e2e.education"
CONSUMER = "e2e.consumer"
OUTSIDER = "e2e.outsider"
SCREENSHOT = Path("/tmp/portal-query.png")  # noqa: S108 - a fixed place to look at the result


def _seed(database: Database, settings: Settings, tmp_path: Path) -> None:
    with database.session() as session:
        sync_people(session)
        institution = make_institution(session, code="7601", province="23")
        session.commit()
        institution_id = institution.id
        make_person(
            session, Role.HQ, hq_unit=members.get_hq_unit(session, "education"), username=OWNER
        )
        make_person(
            session, Role.HQ, hq_unit=make_hq_unit(session, code="e2econsumer"), username=CONSUMER
        )
        make_person(
            session, Role.HQ, hq_unit=make_hq_unit(session, code="e2eoutsider"), username=OUTSIDER
        )
    lines = [row(str(n), gender="f" if n < 9 else "m") for n in range(1, 16)]
    load(database, settings, tmp_path, institution_id=institution_id, lines=lines)
    with database.session() as session:
        grants.create_grant(
            session,
            principal=cli_principal("e2e"),
            data=GrantCreate.model_validate(
                {
                    "dataset": SLUG,
                    "consumer": "e2econsumer",
                    "fields": ["gender", "degree_level", "credits"],
                    "level": "rows",
                    "purpose": "آمار پذیرش",
                    "legal_basis": "بند ۳ آیین‌نامه تبادل داده",
                    "expires_at": datetime.now(UTC) + timedelta(days=30),
                }
            ),
        )


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    with live_portal(tmp_path, _seed) as url:
        yield url


def _logged_in(new_page: Callable[..., Any], base_url: str, username: str) -> Any:
    return log_in(new_page(), base_url, username, PASSWORD)


def _grouped_count(page: Any, purpose: str) -> None:
    page.check("input[name=group_by][value=gender]")
    page.fill("#purpose", purpose)
    page.click("button[name=go][value=run]")
    page.wait_for_selector("table.query-table")


def test_a_grouped_count_shows_table_and_chart_and_downloads(
    new_page: Callable[..., Any], base_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page = _logged_in(new_page, base_url, CONSUMER)
    page.click("a[href='/queries']")
    page.click(f"a[href^='/datasets/{SLUG}/query']")
    assert page.get_attribute("html", "dir") == "rtl"

    _grouped_count(page, "آمار جنسیتی پذیرش")

    expect(page.locator("table.query-table tbody tr")).to_have_count(2)
    expect(page.locator("svg.chart__svg rect.chart__bar")).to_have_count(2)
    expect(page.locator("table.query-table")).to_contain_text("۸")  # eight women
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    with page.expect_download() as started:
        page.click("button[name=export][value=csv]")
    saved = tmp_path / "answer.csv"
    started.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8-sig").splitlines()
    # The download for people: column titles in Persian, no withheld flag column.
    assert lines[0] == "جنسیت,شمار"
    assert "f,8" in lines
    assert "m,7" in lines


def test_a_grant_is_asked_for_approved_and_used(
    new_page: Callable[..., Any], base_url: str
) -> None:
    from playwright.sync_api import expect

    asker = _logged_in(new_page, base_url, OUTSIDER)
    asker.goto(f"{base_url}/catalogue/datasets/{SLUG}")
    asker.click(f"a[href='/datasets/{SLUG}/grant-request']")
    asker.check("input[name=fields][value=gender]")
    asker.check("input[name=fields][value=degree_level]")
    asker.fill("#purpose", "آمار جنسیتی برای گزارش سالانه")
    asker.fill("#legal_basis", "بند ۳ آیین‌نامه تبادل داده")
    asker.click("form.form button.button--primary[type=submit]")
    asker.wait_for_url("**/grants?notice=requested")
    expect(asker.locator("section[aria-labelledby=mine]")).to_contain_text("آمار جنسیتی")

    owner = _logged_in(new_page, base_url, OWNER)
    owner.goto(f"{base_url}/grants")
    owner.click("form[action$='/approve'] button[type=submit]")
    owner.wait_for_url("**/grants?notice=approved")
    # The consumer by its name; its code is only the name's tooltip.
    given = owner.locator("section[aria-labelledby=given]")
    expect(given.locator("[title=e2eoutsider]")).to_have_count(1)
    expect(given).not_to_contain_text("e2eoutsider")

    asker.goto(f"{base_url}/datasets/{SLUG}/query")
    _grouped_count(asker, "آمار جنسیتی برای گزارش سالانه")
    expect(asker.locator("svg.chart__svg rect.chart__bar")).to_have_count(2)
