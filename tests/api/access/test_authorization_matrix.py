"""Deny by default: every route is guarded, and each role reaches only its families.

The expected matrix is written out here as the specification, independently of the
policy table in ``access/policy.py``, so a change to either shows up as a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from starlette.routing import Mount, Route

from dargah.access.policy import Role
from dargah.api.deps import PUBLIC_ROUTES, permission_of
from support.factories import Actor, make_agency, make_institution, make_system, make_system_key

# family: (method, path, json body, extra headers)
FAMILIES: dict[str, tuple[str, str, dict[str, Any] | None, dict[str, str]]] = {
    "members:read": ("GET", "/api/v1/members", None, {}),
    "members:write": (
        "POST",
        "/api/v1/members",
        {
            "code": "9901",
            "name_fa": "موسسه ماتریس",
            "institution_type": "non_profit",
            "province": "23",
        },
        {},
    ),
    "systems:write": (
        "POST",
        "/api/v1/members/IR/UNI/9900/systems",
        {"code": "matrix", "name_fa": "سامانه ماتریس"},
        {},
    ),
    "keys:manage": ("GET", "/api/v1/keys", None, {}),
    "people:read": ("GET", "/api/v1/people", None, {"Dargah-Purpose": "authorization-test"}),
    "people:write": (
        "POST",
        "/api/v1/people",
        {
            "username": "matrix.person",
            "full_name": "شخص ماتریس",
            "role": "hq",
            "password": "Matrix-Password-42",
            "hq_unit": "no-such-unit",
        },
        {},
    ),
    "audit:read": ("GET", "/api/v1/audit/entries", None, {}),
    "catalogue:read": ("GET", "/api/v1/datasets", None, {}),
    "catalogue:write": (
        "POST",
        "/api/v1/datasets/no_such_dataset/versions",
        {"schema": {"fields": [], "primaryKey": []}},
        {},
    ),
    "catalogue:approve": ("POST", "/api/v1/datasets/no_such_dataset/versions/1.0/approve", {}, {}),
    "jobs:read": ("GET", "/api/v1/jobs", None, {}),
    "jobs:manage": ("POST", "/api/v1/jobs/no-such-job/retry", {}, {}),
    "submissions:read": ("GET", "/api/v1/submissions", None, {}),
    "submissions:write": (
        "POST",
        "/api/v1/submissions",
        {"dataset": "no_such_dataset", "period": "1403-1"},
        {},
    ),
    "grants:read": ("GET", "/api/v1/grants", None, {}),
    "grants:manage": ("POST", "/api/v1/grants/999999/revoke", {"reason": "ماتریس"}, {}),
    "grants:request": (
        "POST",
        "/api/v1/grant-requests",
        {
            "dataset": "no_such_dataset",
            "purpose": "ماتریس",
            "legal_basis": "ماتریس",
            "expires_at": "2999-01-01T00:00:00Z",
        },
        {},
    ),
    "query": ("POST", "/api/v1/datasets/no_such_dataset/query", {"purpose": "ماتریس"}, {}),
    "self": ("GET", "/api/v1/auth/me", None, {}),
}

ALLOWED: dict[str, set[str]] = {
    "admin": set(FAMILIES),
    "operator": {
        "members:read",
        "members:write",
        "systems:write",
        "keys:manage",
        "people:read",
        "people:write",
        "catalogue:read",
        "catalogue:write",
        "jobs:read",
        "jobs:manage",
        "submissions:read",
        "submissions:write",
        "grants:read",
        "self",
    },
    "institution": {
        "members:read",
        "catalogue:read",
        "keys:manage",
        "jobs:read",
        "submissions:read",
        "submissions:write",
        "query",
        "self",
    },
    "hq": {
        "members:read",
        "catalogue:read",
        "catalogue:approve",
        "jobs:read",
        "grants:read",
        "grants:manage",
        "grants:request",
        "query",
        "self",
    },
    "auditor": {
        "members:read",
        "catalogue:read",
        "people:read",
        "audit:read",
        "jobs:read",
        "grants:read",
        "self",
    },
    "agency": {
        "members:read",
        "catalogue:read",
        "jobs:read",
        "grants:read",
        "grants:request",
        "query",
        "self",
    },
}


@pytest.fixture
def callers(session: Session, actor: Callable[..., Actor]) -> dict[str, Actor]:
    make_institution(session, code="9900")
    agency = make_agency(session, code="MATRIX", role="cluster14_peer")
    return {
        "admin": actor(Role.ADMIN),
        "operator": actor(Role.OPERATOR),
        "institution": actor(Role.INSTITUTION),
        "hq": actor(Role.HQ),
        "auditor": actor(Role.AUDITOR),
        "agency": make_system_key(session, make_system(session, agency, code="peer")),
    }


def _call(client: TestClient, family: str, token: str | None) -> int:
    method, path, body, extra = FAMILIES[family]
    headers = dict(extra)
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.request(method, path, json=body, headers=headers).status_code


def test_every_role_reaches_exactly_its_families(
    client: TestClient, callers: dict[str, Actor]
) -> None:
    mismatches = []
    for role, caller in callers.items():
        for family in FAMILIES:
            status = _call(client, family, caller.token)
            allowed = family in ALLOWED[role]
            if allowed and status in (401, 403):
                mismatches.append(f"{role} refused {family} ({status})")
            if not allowed and status != 403:
                mismatches.append(f"{role} reached {family} ({status})")
    assert mismatches == []


def test_anonymous_callers_get_401_everywhere(client: TestClient) -> None:
    for family in FAMILIES:
        assert _call(client, family, None) == 401, family


def test_a_made_up_token_gets_401(client: TestClient) -> None:
    for token in ("dgk_000000000000_" + "x" * 43, "dgs_forged", "not-a-key"):
        assert _call(client, "members:read", token) == 401


def _dependency_calls(dependant: Any) -> list[Callable[..., Any]]:
    calls: list[Callable[..., Any]] = []
    stack = [dependant]
    while stack:
        current = stack.pop()
        if current.call is not None:
            calls.append(current.call)
        stack.extend(current.dependencies)
    return calls


def _endpoints(app: FastAPI) -> list[tuple[str, set[str], Any]]:
    """(path, methods, dependant) of every endpoint, through included routers too.

    FastAPI keeps included routers as wrappers exposing ``effective_route_contexts``;
    any route of a type this walk does not know fails the test rather than hiding.
    """
    found: list[tuple[str, set[str], Any]] = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            found.append((route.path, set(route.methods), route.dependant))
        elif hasattr(route, "effective_route_contexts"):
            for context in route.effective_route_contexts():
                found.append((context.path, set(context.methods or ()), context.dependant))
        elif isinstance(route, Route | Mount):
            found.append((route.path, set(getattr(route, "methods", None) or ()), None))
        else:
            pytest.fail(f"route of unknown type {type(route).__name__}")
    return found


def _unguarded(app: FastAPI) -> list[str]:
    return [
        f"{sorted(methods)} {path}"
        for path, methods, dependant in _endpoints(app)
        if path not in PUBLIC_ROUTES
        and (
            dependant is None
            or not any(permission_of(call) for call in _dependency_calls(dependant))
        )
    ]


def test_the_walk_catches_an_unguarded_route(app: FastAPI) -> None:
    router = APIRouter()

    @router.get("/forgotten")
    def forgotten() -> dict[str, str]:
        return {}

    app.include_router(router, prefix="/api/v1")
    assert _unguarded(app) == ["['GET'] /api/v1/forgotten"]


def test_every_route_names_a_permission_or_is_public(app: FastAPI) -> None:
    endpoints = _endpoints(app)
    paths = {path for path, _, _ in endpoints}
    assert {"/api/v1/members", "/api/v1/audit/entries", "/members", "/login"} <= paths
    assert _unguarded(app) == []
