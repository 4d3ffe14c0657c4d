"""Every demo login walks its pages in Chromium at 1366 px, the width of the ministry's
common office screens: each page it may open answers, nothing runs off the page's
edge, and the Persian text has no code, field id, English word or Latin number where a
label belongs (``support.ui_text``). Then each role does what its home says it must:
an HQ clerk queries with a value picked in Persian and downloads the answer, an
auditor opens an audit entry, an operator adds a system, an administrator issues its
key (shown once), an institution's clerk pages through its submissions.

The demo is the real one (``support.demo_server``): what a newcomer sees after
``make demo``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any

import pytest

from dargah.demo import DEMO_PASSWORD
from support.demo_server import DemoGateway
from support.live import log_in
from support.ui_text import VISIBLE_TEXT_JS, leaks

pytestmark = pytest.mark.e2e

WIDTH = 1366
# The pages each demo login reaches from its navigation.
WALK: dict[str, tuple[str, ...]] = {
    "admin": ("/", "/members", "/members?page=2", "/people", "/keys", "/systems", "/audit"),
    "operator": ("/", "/members?page=2", "/submissions", "/submissions?page=2", "/grants"),
    "ut.staff": ("/", "/submissions", "/keys", "/systems", "/queries", "/statistics"),
    "pnu.tehran": ("/", "/submissions", "/catalogue"),
    "hq.education": ("/", "/grants", "/queries", "/statistics", "/catalogue"),
    "hq.research": ("/", "/queries", "/statistics", "/catalogue?q=دانشجویان پزشکی"),
    "auditor": ("/", "/audit", "/people", "/grants"),
    "nix.liaison": ("/", "/grants", "/queries", "/catalogue?q=هیئت علمی زن"),
}


def _log_in(new_page: Callable[..., Any], base_url: str, username: str) -> Any:
    return log_in(new_page(width=WIDTH), base_url, username, DEMO_PASSWORD)


def _reads_well(page: Any, where: str) -> None:
    """The page fits the screen and reads as Persian throughout."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{where}: {overflow} px wider than the screen"
    assert page.get_attribute("html", "dir") == "rtl", where
    found = leaks(page.evaluate(VISIBLE_TEXT_JS))
    assert not found, f"{where}: codes or English where labels belong: {sorted(set(found))}"


@pytest.mark.parametrize("username", sorted(WALK))
def test_each_role_walks_its_pages(
    new_page: Callable[..., Any], demo_gateway: DemoGateway, username: str
) -> None:
    page = _log_in(new_page, demo_gateway.url, username)
    for path in WALK[username]:
        response = page.goto(f"{demo_gateway.url}{path}")
        assert response is not None
        assert response.status == 200, f"{username} {path}: {response.status}"
        _reads_well(page, f"{username} {path}")


def test_an_hq_clerk_queries_with_a_persian_value_and_downloads_it(
    new_page: Callable[..., Any], demo_gateway: DemoGateway
) -> None:
    from playwright.sync_api import expect

    page = _log_in(new_page, demo_gateway.url, "hq.research")
    page.goto(f"{demo_gateway.url}/datasets/students/query")
    page.check("input[name=group_by][value=gender]")
    page.select_option("#where_field_0", "degree_level")
    # Picked from the list the field offers, as a clerk reads it: its Persian label.
    options = page.locator("datalist#codes-degree_level option")
    labels = [options.nth(i).get_attribute("value") for i in range(options.count())]
    assert "دکتری تخصصی" in labels
    page.fill("#where_value_0", "دکتری تخصصی")
    page.fill("#purpose", "آمار دانشجویان دکتری به تفکیک جنسیت")
    page.click("button[name=go][value=run]")
    page.wait_for_selector("table.query-table")
    expect(page.locator("table.query-table tbody tr")).to_have_count(2)
    _reads_well(page, "hq.research query answer")

    with page.expect_download() as started:
        page.click("button[name=export][value=csv]")
    text = started.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    # For people: Persian titles, the label first with its code beside it.
    assert rows[0][0] == "جنسیت", rows[0]
    assert "شمار" in rows[0]
    assert {row[0] for row in rows[1:]} == {"زن", "مرد"}


def test_an_auditor_opens_an_entry_of_the_log(
    new_page: Callable[..., Any], demo_gateway: DemoGateway
) -> None:
    page = _log_in(new_page, demo_gateway.url, "auditor")
    page.goto(f"{demo_gateway.url}/audit")
    page.locator("a[href^='/audit/']").first.click()
    page.wait_for_url("**/audit/*")
    assert page.locator("h1").count() == 1
    _reads_well(page, "auditor audit entry")


def test_an_operator_adds_a_system_and_an_admin_issues_its_key(
    new_page: Callable[..., Any], demo_gateway: DemoGateway
) -> None:
    from playwright.sync_api import expect

    operator = _log_in(new_page, demo_gateway.url, "operator")
    operator.goto(f"{demo_gateway.url}/systems/new")
    _reads_well(operator, "operator new system")
    operator.fill("#member", "IR/UNI/1001")
    operator.fill("#code", "walk-archive")
    operator.fill("#name_fa", "سامانهٔ بایگانی اسناد")
    operator.select_option("#role", "producer")
    operator.click("form.form button.button--primary[type=submit]")
    operator.wait_for_url(re.compile(r"/systems\?member=.+&notice=created"))
    expect(operator.locator("body")).to_contain_text("IR/UNI/1001/walk-archive")
    _reads_well(operator, "operator systems after adding one")

    admin = _log_in(new_page, demo_gateway.url, "admin")
    admin.goto(f"{demo_gateway.url}/keys/new")
    _reads_well(admin, "admin new key")
    admin.select_option("#system", "IR/UNI/1001/walk-archive")
    admin.fill("#name", "کلید سامانهٔ بایگانی")
    admin.click("form.form button.button--primary[type=submit]")
    expect(admin.locator("#key-secret")).to_have_count(1)
    secret = admin.locator("#key-secret").text_content() or ""
    assert secret.startswith("dgk_")
    _reads_well(admin, "admin key issued")
    # Shown once: the keys list names the key, never its secret.
    admin.goto(f"{demo_gateway.url}/keys")
    listing = admin.content()
    assert "walk-archive" in listing
    assert secret.split("_", 2)[2] not in listing


@pytest.mark.parametrize(
    ("username", "dataset"),
    [("hq.research", "mobility"), ("nix.liaison", "faculty")],  # an HQ unit, a peer agency
)
def test_a_grant_asked_until_a_day_is_shown_until_that_day(
    new_page: Callable[..., Any], demo_gateway: DemoGateway, username: str, dataset: str
) -> None:
    from playwright.sync_api import expect

    page = _log_in(new_page, demo_gateway.url, username)
    page.goto(f"{demo_gateway.url}/datasets/{dataset}/grant-request")
    _reads_well(page, f"{username} grant request form")
    page.locator("input[name=fields]").first.check()
    page.fill("#purpose", "آمار سالانه برای گزارش به مرکز ملی تبادل اطلاعات")
    page.fill("#legal_basis", "بند ۳ آیین‌نامهٔ تبادل داده")
    page.fill("#expires_at", "۱۴۰۶/۰۶/۳۱")  # typed in Persian digits, as the hint shows
    page.click("form.form button.button--primary[type=submit]")
    page.wait_for_url("**/grants?notice=requested")
    mine = page.locator("section[aria-labelledby=mine]")
    expect(mine).to_contain_text("۱۴۰۶/۰۶/۳۱")
    expect(mine).not_to_contain_text("۱۴۰۶/۰۷/۰۱")
    _reads_well(page, f"{username} grants after asking")
