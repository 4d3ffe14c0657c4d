"""Integers a caller types are bounded: an id or page past what the database holds,
zero or a negative number is a clear 4xx, never a 500 from the driver.

The test walks every route of the app, so a route added later with a bare ``int``
parameter is caught without anyone remembering to list it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from dargah.access.policy import Role
from dargah.members.models import Member
from support.factories import Actor

# Past 2**64 (SQLite's driver raises OverflowError), past BIGINT, the first past
# PostgreSQL's INTEGER ids (NumericValueOutOfRange), and the two no id can have.
HOSTILE = ["36893488147419103232", str(2**63), str(2**31), "0", "-1"]
_PARAMETER = re.compile(r"{([a-z_]+)(:path)?}")
_OTHER_PARAMETERS = {
    "language": "fa",
    "slug": "students",
    "member_class": "UNI",
    "member_code": "1001",
}


@dataclass(frozen=True)
class _IntegerRoute:
    path: str
    method: str
    path_ints: list[str]
    query_ints: list[str]


def _is_integer(annotation: object) -> bool:
    return annotation is int or annotation == (int | None)


def _integer_routes(app: FastAPI) -> Iterator[_IntegerRoute]:
    """Every route and method taking an integer in its path, and every GET taking one in
    its query string."""
    for route in app.routes:
        for context in getattr(route, "effective_route_contexts", lambda: ())():
            dependant = context.dependant
            path_ints = [
                p.name for p in dependant.path_params if _is_integer(p.field_info.annotation)
            ]
            query_ints = [
                p.name for p in dependant.query_params if _is_integer(p.field_info.annotation)
            ]
            for method in sorted(context.methods or ()):
                if path_ints or (query_ints and method == "GET"):
                    yield _IntegerRoute(
                        context.path, method, path_ints, query_ints if method == "GET" else []
                    )


def _url(route: _IntegerRoute, value: str) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in route.path_ints:
            return value
        # A real-looking value for the other parameters: the integer is the one tried.
        return _OTHER_PARAMETERS.get(name, "x")

    return _PARAMETER.sub(fill, route.path)


@pytest.fixture
def admin(actor: Callable[..., Actor]) -> Actor:
    return actor(Role.ADMIN)


def test_the_walk_finds_the_integer_routes(app: FastAPI) -> None:
    """Guards the walk itself: if it found nothing the test below would prove nothing."""
    paths = {route.path for route in _integer_routes(app) if route.path_ints}
    assert "/api/v1/submissions/{submission_id}" in paths
    assert "/submissions/{submission_id}" in paths
    assert any(route.query_ints for route in _integer_routes(app))
    assert len(paths) >= 10


def test_every_integer_in_a_path_or_query_declares_its_bounds(app: FastAPI) -> None:
    """The class of defect, not its instances: an integer parameter without ``le`` lets
    any number through to the driver (the handler below is only the safety net)."""
    unbounded = []
    for route in app.routes:
        for context in getattr(route, "effective_route_contexts", lambda: ())():
            dependant = context.dependant
            for param in [*dependant.path_params, *dependant.query_params]:
                if not _is_integer(param.field_info.annotation):
                    continue
                bounds = {type(item).__name__ for item in param.field_info.metadata}
                if "Le" not in bounds or not bounds & {"Ge", "Gt"}:
                    unbounded.append(f"{context.path} {param.name}")
    assert not unbounded, "\n".join(sorted(set(unbounded)))


@pytest.mark.parametrize("value", HOSTILE)
def test_no_integer_in_a_path_or_query_is_a_server_error(
    client: TestClient, app: FastAPI, admin: Actor, value: str
) -> None:
    failures: list[str] = []
    api_headers = {"Authorization": f"Bearer {admin.token}", "Dargah-Purpose": "audit"}
    for route in _integer_routes(app):
        url = _url(route, value)
        params = dict.fromkeys(route.query_ints, value)
        if route.path.startswith("/api/"):
            client.cookies.clear()
            response = client.request(route.method, url, params=params, headers=api_headers)
        else:
            client.cookies.set("dargah_session", admin.token)
            response = client.request(route.method, url, params=params, follow_redirects=False)
        if response.status_code >= 500:
            failures.append(f"{route.method} {url} {params} -> {response.status_code}")
        elif response.status_code == 422 and route.path.startswith("/api/"):
            body = response.json()
            if not (body.get("message_fa") and body.get("message_en")):
                failures.append(f"{route.method} {url}: 422 without both messages")
    client.cookies.clear()
    assert not failures, "\n".join(failures)


def test_an_id_past_the_range_names_the_parameter(client: TestClient, admin: Actor) -> None:
    response = client.get(
        "/api/v1/submissions/36893488147419103232",
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_request"
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("submission_id", "less_than_equal")
    ]


def _overflowing_route(app: FastAPI, session: Session, path: str) -> None:
    def overflowing() -> None:
        session.execute(select(Member.id).where(Member.id == 36893488147419103232)).all()

    app.add_api_route(path, overflowing)


def test_a_number_the_driver_refuses_is_a_422_not_a_500(
    app: FastAPI, client: TestClient, session: Session, admin: Actor
) -> None:
    """The safety net under the declared bounds: whatever reaches the driver with a
    number too large for its column is the caller's error, in both languages."""
    _overflowing_route(app, session, "/api/v1/overflowing")
    api = client.get("/api/v1/overflowing", headers={"Authorization": f"Bearer {admin.token}"})
    assert api.status_code == 422
    assert api.headers["content-type"] == "application/problem+json"
    assert api.json()["code"] == "value_out_of_range"
    assert api.json()["message_fa"]
    assert api.json()["message_en"]


def test_the_portal_shows_the_driver_refusal_as_a_page(
    app: FastAPI, client: TestClient, session: Session, admin: Actor
) -> None:
    _overflowing_route(app, session, "/overflowing")
    client.cookies.set("dargah_session", admin.token)
    page = client.get("/overflowing")
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert "حد مجاز" in page.text


@pytest.mark.parametrize("grant", ["۱۲۳۴۵۶۷۸۹۰۱۲۳۴۵۶۷۸۹۰۱", "²", "12abc"])
def test_a_portal_grant_that_is_no_id_is_refused_plainly(
    client: TestClient, actor: Callable[..., Actor], grant: str
) -> None:
    client.cookies.set("dargah_session", actor(Role.HQ).token)
    response = client.get("/datasets/students/query", params={"grant": grant})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "«شمارهٔ مجوز» باید شماره‌ای از ۱ تا ۲٬۱۴۷٬۴۸۳٬۶۴۷ باشد." in response.text
