"""/docs in real Chromium with the internet cut off: Swagger UI draws the API from the
node's own files, and the page asks no other host for anything."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dargah.config import Settings
from dargah.db.session import Database
from support.live import live_portal

pytestmark = pytest.mark.e2e

SCREENSHOT = Path("/tmp/portal-api-docs.png")  # noqa: S108 - a fixed place to look at the result


def _nothing(database: Database, settings: Settings, tmp_path: Path) -> None:
    """/docs needs no data and no login."""


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    with live_portal(tmp_path, _nothing) as url:
        yield url


def test_swagger_ui_draws_the_api_with_no_internet(
    new_page: Callable[..., Any], base_url: str
) -> None:
    from playwright.sync_api import expect

    page = new_page()
    elsewhere: list[str] = []
    problems: list[str] = []

    def only_this_node(route: Any) -> None:
        # An intranet: every other host is unreachable.
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_node)
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{base_url}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Dargah")
    # The operations are drawn from /openapi.json: the API's tags and a known route.
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    expect(page.locator("[data-path='/api/v1/members']").first).to_be_attached()
    page.screenshot(path=str(SCREENSHOT), full_page=False)
    assert elsewhere == [], f"/docs asked other hosts: {elsewhere}"
    assert problems == [], f"the page reported errors (a blocked asset or script?): {problems}"
