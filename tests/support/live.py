"""A real portal for browser tests: uvicorn in a thread on a fresh SQLite database, the
check that Debian's Chromium and the built front-end assets are there, and the one
place that launches Chromium (``launch_chromium``; tests/e2e/conftest.py's ``browser``
fixture is its only caller, and a unit test keeps it so)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from dargah.app import create_app
from dargah.config import Settings
from dargah.db.engine import make_engine
from dargah.db.schema import upgrade
from dargah.db.session import Database
from dargah.web.templating import STATIC_DIR

# Debian's Chromium; DARGAH_CHROMIUM points elsewhere (the guard test points it at
# nothing to see the browser tests skip).
CHROMIUM = Path(os.environ.get("DARGAH_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER_VARIABLE = "DARGAH_REQUIRE_BROWSER"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FONT_FILE = STATIC_DIR / "vendor" / "vazirmatn" / "Vazirmatn-Variable.woff2"


def require_browser() -> None:
    """Skip with a visible reason without Chromium or Playwright (fail when
    ``DARGAH_REQUIRE_BROWSER=1``, as in CI); fail when the assets are not built."""
    required = os.environ.get(REQUIRE_BROWSER_VARIABLE) == "1"
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


@contextmanager
def launch_chromium() -> Iterator[Any]:
    """Headless Chromium, closed afterwards; ``require_browser`` decides first, so a
    machine without it skips (or fails, when required) before anything is launched."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def log_in(page: Any, base_url: str, username: str, password: str) -> Any:
    """Log ``page`` in through the login form and wait for the home page; returns it."""
    page.goto(f"{base_url}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base_url}/")
    return page


@contextmanager
def live_portal(tmp_path: Path, seed: Callable[[Database, Settings, Path], None]) -> Iterator[str]:
    """A migrated SQLite node filled by ``seed``, served on a free loopback port; yields
    its base URL and stops the server afterwards."""
    url = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(environment="test", database_url=url, log_format="console")
    database = Database.from_url(url)
    try:
        seed(database, settings, tmp_path)
    finally:
        database.engine.dispose()
    app = create_app(settings)
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
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        listener.close()
        app.state.database.engine.dispose()
