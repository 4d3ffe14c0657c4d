"""Every portal page answers a bad address with an HTML error page in the page's
language, never problem+json: a walk over the portal's GET routes with an integer in
their path, each given ``abc`` and a number no row has."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from dargah.access.policy import Role
from support.factories import Actor


def _int_routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """``(path, parameter)`` of the portal's GET routes with an integer path parameter."""
    for route in app.routes:
        for context in getattr(route, "effective_route_contexts", lambda: ())():
            path = context.path
            if path.startswith(("/api/", "/healthz", "/readyz", "/metrics")):
                continue
            if "GET" not in (context.methods or ()):
                continue
            for param in context.dependant.path_params:
                if param.field_info.annotation is int:
                    yield path, param.name


def test_the_walk_finds_the_portal_pages(app: FastAPI) -> None:
    paths = {path for path, _ in _int_routes(app)}
    assert "/submissions/{submission_id}" in paths
    assert "/submissions/{submission_id}/receipt" in paths


def test_a_bad_address_is_an_html_page_in_the_page_language(
    app: FastAPI, client: TestClient, actor: Callable[..., Actor]
) -> None:
    client.cookies.set("dargah_session", actor(Role.ADMIN).token)
    for path, name in _int_routes(app):
        for language, title in (("fa", "درخواست معتبر نیست"), ("en", "The request is not valid")):
            client.cookies.set("lang", language)
            response = client.get(path.replace("{" + name + "}", "abc"))
            assert response.status_code == 422, path
            assert response.headers["content-type"].startswith("text/html"), path
            assert title in response.text, path
        client.cookies.set("lang", "fa")
        missing = client.get(path.replace("{" + name + "}", "987654321"))
        assert missing.status_code in (404, 409, 422), path
        assert missing.headers["content-type"].startswith("text/html"), path


@pytest.mark.parametrize("path", ["/api/v1/submissions/abc"])
def test_the_api_keeps_problem_json(
    client: TestClient, actor: Callable[..., Actor], path: str
) -> None:
    response = client.get(path, headers={"Authorization": f"Bearer {actor(Role.ADMIN).token}"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
