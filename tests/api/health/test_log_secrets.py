"""No secret reaches the log: not a caller's API key or session, not a password in a
crashing function's locals, not a statement's parameters in a database error."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from dargah.access.policy import Role
from dargah.logs import REDACTED, configure_logging, redact_text
from support.factories import Actor

PASSWORD_IN_LOCALS = "Hunter2-Never-Logged"
NATIONAL_ID_PARAMETER = "0012345679"


@pytest.fixture
def log_lines(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], list[dict[str, object]]]]:
    """The JSON lines the node writes to stderr while the test runs."""
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    configure_logging(level="INFO", fmt="json")

    def lines() -> list[dict[str, object]]:
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    yield lines
    # The next tests log to the real stderr again.
    logging.getLogger().handlers[:] = []
    monkeypatch.undo()
    configure_logging(level="INFO", fmt="console")


def _crashing_routes(app: FastAPI, session: Session) -> None:
    def crash_with_a_password_in_locals() -> None:
        password = PASSWORD_IN_LOCALS  # noqa: F841 - the local a traceback would show
        raise RuntimeError("something broke")

    def crash_in_the_database() -> None:
        # A real driver error on both databases whose statement carries a personal
        # value as its parameter (SQLAlchemy would print it after the message).
        with session.begin_nested():
            session.execute(
                text("SELECT 1 FROM no_such_table WHERE national_id = :national_id"),
                {"national_id": NATIONAL_ID_PARAMETER},
            ).all()

    app.add_api_route("/api/v1/crash", crash_with_a_password_in_locals)
    app.add_api_route("/api/v1/crash-db", crash_in_the_database)


def test_redact_text_keeps_a_key_prefix_and_drops_the_rest() -> None:
    assert redact_text("used dgk_ab12cd_s3cr3t-Value_x now") == f"used dgk_ab12cd_{REDACTED} now"
    assert redact_text("cookie dgs_AbC-123_xyz") == f"cookie dgs_{REDACTED}"
    assert redact_text("Authorization: Bearer abc.def.ghi") == f"Authorization: Bearer {REDACTED}"
    assert redact_text("نام کاربری: admin") == "نام کاربری: admin"


def test_a_crash_logs_its_traceback_without_secrets(
    app: FastAPI,
    client: TestClient,
    session: Session,
    institution_key: Actor,
    actor: Callable[..., Actor],
    log_lines: Callable[[], list[dict[str, object]]],
) -> None:
    _crashing_routes(app, session)
    person = actor(Role.ADMIN)
    with TestClient(app, raise_server_exceptions=False, client=("127.0.0.1", 50000)) as crashing:
        bearer = crashing.get(
            "/api/v1/crash", headers={"Authorization": f"Bearer {institution_key.token}"}
        )
        crashing.cookies.set("dargah_session", person.token)
        cookie = crashing.get("/api/v1/crash-db")
    assert bearer.status_code == 500
    assert bearer.json()["code"] == "internal_error"
    assert cookie.status_code == 500

    lines = log_lines()
    written = json.dumps(lines, ensure_ascii=False)
    crashes = [line for line in lines if line.get("event") == "unhandled_error"]
    assert len(crashes) == 2, written
    # One line per error, naming the request, as the 500's body does.
    assert crashes[0]["request_id"] == bearer.json()["request_id"]
    # The traceback is there, as frames (file, line, function), for whoever debugs it.
    frames = crashes[0]["exception"][0]["frames"]  # type: ignore[index]
    assert any(frame["name"] == "crash_with_a_password_in_locals" for frame in frames)
    # And nothing secret: not the key, not the session, not the local, not the parameter.
    secret_part = institution_key.token.split("_", 2)[2]
    for secret in (secret_part, person.token, PASSWORD_IN_LOCALS, NATIONAL_ID_PARAMETER):
        assert secret not in written, secret
    assert any("no_such_table" in json.dumps(line) for line in crashes)
