"""The portal in real Chromium: log in, search in Persian with Arabic letters, open a page.

A real uvicorn server runs in a background thread on a fresh, migrated SQLite database
(``support.live.live_portal``); Playwright drives Debian's Chromium through the shared
``new_page`` fixture (tests/e2e/conftest.py), which skips with a reason without it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dargah.access.policy import Role
from dargah.config import Settings
from dargah.db.session import Database
from support.factories import PASSWORD, make_institution, make_person
from support.live import live_portal

pytestmark = pytest.mark.e2e

SCREENSHOT = Path("/tmp/portal.png")  # noqa: S108 - a fixed place to look at the result
USERNAME = "e2e.operator"
TARGET_NAME = "دانشگاه علوم پزشکی کردستان"


def _seed(database: Database, settings: Settings, tmp_path: Path) -> None:
    with database.session() as session:
        make_person(session, Role.OPERATOR, username=USERNAME)
        make_institution(session, code="7001", name_fa=TARGET_NAME, province="12")
        make_institution(session, code="7002", name_fa="دانشگاه کردستان", province="12")
        make_institution(session, code="7003", name_fa="دانشگاه رازی کرمانشاه", province="05")


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    with live_portal(tmp_path, _seed) as url:
        yield url


def test_log_in_and_find_an_institution_typed_with_arabic_letters(
    new_page: Callable[..., Any], base_url: str
) -> None:
    from playwright.sync_api import expect

    page = new_page()
    fonts: list[tuple[str, int]] = []
    page.on(
        "response",
        lambda response: (
            fonts.append((response.url, response.status))
            if response.url.split("?")[0].endswith(".woff2")
            else None
        ),
    )

    # An anonymous visit lands on the login form, which returns to the list.
    page.goto(f"{base_url}/members")
    assert "/login?next=" in page.url
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "fa"
    page.fill("#username", USERNAME)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/members")

    # Typed on an Arabic keyboard layout: ي and ك instead of ی and ک.
    page.fill("#q", "پزشكي كردستان")
    page.press("#q", "Enter")
    page.wait_for_url("**/members?q=*")
    results = page.locator("table.table tbody tr")
    expect(results).to_have_count(1)
    page.get_by_role("link", name=TARGET_NAME).click()
    page.wait_for_url(f"{base_url}/members/IR/UNI/7001")
    expect(page.locator("h1")).to_have_text(TARGET_NAME)
    assert page.get_attribute("html", "dir") == "rtl"

    # Vazirmatn came from the portal itself and is the face in use.
    page.evaluate("document.fonts.ready.then(() => true)")
    loaded = page.evaluate(
        "[...document.fonts].some(f => f.family.includes('Vazirmatn') && f.status === 'loaded')"
    )
    assert loaded, "Vazirmatn was not loaded"
    served = [url for url, status in fonts if "/static/vendor/vazirmatn/" in url and status == 200]
    assert served, f"the font was not served from /static: {fonts}"
    assert all(url.startswith(base_url) for url, _ in fonts)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
