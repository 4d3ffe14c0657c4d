"""Probes, metrics, and the problem+json contract for errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from dargah.access.policy import Role
from dargah.app import SchemaBehindError, create_app
from dargah.config import Settings
from dargah.db.engine import make_engine
from dargah.db.session import Database


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "schema": "ok"}


def test_every_response_carries_a_request_id(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "abc12345-trace"})
    assert response.headers["x-request-id"] == "abc12345-trace"
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id\n"})
    assert generated.headers["x-request-id"] != "bad id\n"
    assert len(generated.headers["x-request-id"]) == 32


def test_metrics_for_loopback_only(app: FastAPI, client: TestClient) -> None:
    client.get("/healthz")
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert "dargah_http_requests_total" in metrics.text
    with TestClient(app, client=("10.1.2.3", 40000)) as remote:
        refused = remote.get("/metrics")
    assert refused.status_code == 401
    assert refused.json()["code"] == "metrics_forbidden"


def test_unknown_route_is_a_problem_not_html(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "route_not_found"
    assert body["message_fa"]
    assert body["message_en"]
    assert body["request_id"] == response.headers["x-request-id"]


def test_broken_json_is_a_422_problem(
    client: TestClient, as_role: Callable[..., dict[str, str]]
) -> None:
    headers = {**as_role(Role.OPERATOR), "content-type": "application/json"}
    response = client.post("/api/v1/members", content=b'{"code": ', headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"


def test_english_detail_on_request(client: TestClient) -> None:
    response = client.get("/api/v1/members", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response.status_code == 401
    assert response.json()["detail"] == response.json()["message_en"]
    persian = client.get("/api/v1/members")
    assert persian.json()["detail"] == persian.json()["message_fa"]


def test_an_unexpected_failure_is_a_500_problem_without_internals(app: FastAPI) -> None:
    @app.get("/api/v1/_explode", include_in_schema=False)
    def explode() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        response = test_client.get("/api/v1/_explode")
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert response.json()["request_id"] == response.headers["x-request-id"]
    assert len(response.headers.get_list("x-request-id")) == 1
    assert "secret internals" not in response.text


def test_openapi_lists_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/v1/members" in spec["paths"]
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize("backend", ["sqlite"])
def test_server_refuses_a_database_whose_schema_is_behind(backend: str, tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/behind.sqlite3"
    database = Database.from_engine(make_engine(url))
    with pytest.raises(SchemaBehindError, match="dargah db upgrade"):
        create_app(Settings(environment="test", database_url=url), database=database)
    database.engine.dispose()
