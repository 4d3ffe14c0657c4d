"""The browser for every test in tests/e2e, from one place.

Each test here asks for ``browser`` or ``new_page``; none launches Chromium itself (a
unit test, tests/unit/architecture/test_browser_tests.py, walks these files to keep it
so). Whether Chromium is there is decided before any other fixture of the test runs:
without it a test is skipped with the reason, or fails when
``DARGAH_REQUIRE_BROWSER=1`` (as in .ci/run).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from support.live import launch_chromium, require_browser

VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(autouse=True)
def _browser_available() -> None:
    """Skip (or fail) before the test's other fixtures seed a database or start a
    server: autouse fixtures run first."""
    require_browser()


@pytest.fixture
def browser() -> Iterator[Any]:
    """A headless Chromium for this test, closed afterwards."""
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture
def new_page(browser: Any) -> Callable[..., Any]:
    """Open a page in a fresh browser context (its own cookies): ``new_page()`` or
    ``new_page(width=1366)``."""

    def make(*, width: int = VIEWPORT["width"], height: int = VIEWPORT["height"]) -> Any:
        return browser.new_context(viewport={"width": width, "height": height}).new_page()

    return make
