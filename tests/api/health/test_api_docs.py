"""/docs works on an intranet: Swagger UI comes from the node itself, never a CDN."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from dargah.api.docs import SWAGGER_UI_ASSETS

_ABSOLUTE = re.compile(r"(?:https?:)?//", re.IGNORECASE)


class _References(HTMLParser):
    """Every URL the page makes the browser load: src= and href= attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls.extend(value for name, value in attrs if name in {"src", "href"} and value)


def _references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return parser.urls


def test_docs_names_no_other_host(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    urls = _references(response.text)
    assert len(urls) == 3  # the script, the stylesheet, the icon
    assert all(url.startswith(f"{SWAGGER_UI_ASSETS}/") for url in urls), urls
    # Not in an attribute either: the start-up script, a validator badge, anything.
    assert not _ABSOLUTE.search(response.text), response.text
    assert "url: '/openapi.json'" in response.text
    assert '"validatorUrl": null' in response.text


def test_every_asset_the_docs_page_loads_is_served(client: TestClient) -> None:
    kinds = {".js": "javascript", ".css": "text/css", ".png": "image/png"}
    for url in _references(client.get("/docs").text):
        asset = client.get(url)
        assert asset.status_code == 200, f"{url} answered {asset.status_code}: run `make assets`"
        suffix = url.split("?")[0].rsplit("/", 1)[-1]
        expected = next(kind for end, kind in kinds.items() if suffix.endswith(end))
        assert expected in asset.headers["content-type"]
        assert len(asset.content) > 0


def test_the_docs_page_may_load_nothing_from_another_host(client: TestClient) -> None:
    policy = client.get("/docs").headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["script-src"].startswith("'self' 'sha256-")
    assert not _ABSOLUTE.search(policy)
    assert "unsafe-inline" not in directives["script-src"]


def test_no_cdn_page_is_left_behind(client: TestClient) -> None:
    # FastAPI's own CDN pages are turned off, not merely shadowed.
    assert client.get("/redoc").status_code == 404
    assert client.get("/docs/oauth2-redirect").status_code == 404
    spec = client.get("/openapi.json").json()
    assert "/docs" not in spec["paths"]
