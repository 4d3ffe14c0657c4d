"""The portal in real Chromium: log in, search in Persian with Arabic letters, open a page.

A real uvicorn server runs in a background thread on a fresh, migrated SQLite database;
Playwright drives Debian's Chromium (``playwright install`` cannot download browsers
here). Without /usr/bin/chromium the test is skipped with a reason, unless
``DARGAH_REQUIRE_BROWSER=1`` makes a missing browser a failure.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from dargah.access.policy import Role
from dargah.app import create_app
from dargah.config import Settings
from dargah.db.engine import make_engine
from dargah.db.schema import upgrade
from dargah.db.session import Database
from dargah.web.templating import STATIC_DIR
from support.factories import PASSWORD, make_institution, make_person

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FONT_FILE = STATIC_DIR / "vendor" / "vazirmatn" / "Vazirmatn-Variable.woff2"
SCREENSHOT = Path("/tmp/portal.png")  # noqa: S108 - a fixed place to look at the result
USERNAME = "e2e.operator"
TARGET_NAME = "دانشگاه علوم پزشکی کردستان"


def _require_browser() -> None:
    required = os.environ.get("DARGAH_REQUIRE_BROWSER") == "1"
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is not installed"
    if problem is not None:
        if required:
            pytest.fail(f"browser test required (DARGAH_REQUIRE_BROWSER=1) but {problem}")
        pytest.skip(f"browser test skipped: {problem}")
    if not FONT_FILE.exists():
        pytest.fail(
            f"the portal's front-end assets are not built ({FONT_FILE} is missing): "
            "run `make assets` (make test builds them first)"
        )


@dataclass(frozen=True)
class LiveNode:
    """A running portal: where to reach it."""

    base_url: str


def _seed(url: str) -> None:
    database = Database.from_url(url)
    try:
        with database.session() as session:
            make_person(session, Role.OPERATOR, username=USERNAME)
            make_institution(session, code="7001", name_fa=TARGET_NAME, province="12")
            make_institution(session, code="7002", name_fa="دانشگاه کردستان", province="12")
            make_institution(session, code="7003", name_fa="دانشگاه رازی کرمانشاه", province="05")
    finally:
        database.engine.dispose()


@pytest.fixture
def live_node(tmp_path: Path) -> Iterator[LiveNode]:
    """A uvicorn server on a free loopback port, stopped at teardown."""
    _require_browser()
    url = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    _seed(url)
    app = create_app(Settings(environment="test", database_url=url, log_format="console"))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, ws="none", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the portal server did not start")
        time.sleep(0.05)
    try:
        yield LiveNode(base_url=f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        listener.close()
        app.state.database.engine.dispose()


def test_log_in_and_find_an_institution_typed_with_arabic_letters(live_node: LiveNode) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
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
            page.goto(f"{live_node.base_url}/members")
            assert "/login?next=" in page.url
            assert page.get_attribute("html", "dir") == "rtl"
            assert page.get_attribute("html", "lang") == "fa"
            page.fill("#username", USERNAME)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{live_node.base_url}/members")

            # Typed on an Arabic keyboard layout: ي and ك instead of ی and ک.
            page.fill("#q", "پزشكي كردستان")
            page.press("#q", "Enter")
            page.wait_for_url("**/members?q=*")
            results = page.locator("table.table tbody tr")
            expect(results).to_have_count(1)
            page.get_by_role("link", name=TARGET_NAME).click()
            page.wait_for_url(f"{live_node.base_url}/members/IR/UNI/7001")
            expect(page.locator("h1")).to_have_text(TARGET_NAME)
            assert page.get_attribute("html", "dir") == "rtl"

            # Vazirmatn came from the portal itself and is the face in use.
            page.evaluate("document.fonts.ready.then(() => true)")
            loaded = page.evaluate(
                "[...document.fonts].some(f => f.family.includes('Vazirmatn')"
                " && f.status === 'loaded')"
            )
            assert loaded, "Vazirmatn was not loaded"
            served = [
                url for url, status in fonts if "/static/vendor/vazirmatn/" in url and status == 200
            ]
            assert served, f"the font was not served from /static: {fonts}"
            assert all(url.startswith(live_node.base_url) for url, _ in fonts)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
        finally:
            browser.close()
