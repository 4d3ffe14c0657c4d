"""`dargah worker` and `dargah jobs` against a real, migrated database on both backends."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from dargah.access.policy import cli_principal
from dargah.cli import worker as worker_command
from dargah.cli.main import app
from dargah.config import get_settings
from dargah.db.schema import upgrade
from dargah.db.session import Database
from dargah.errors import InvalidInput
from dargah.jobs import runner, service
from dargah.jobs.models import Job

pytestmark = pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)
KIND = "test.cli_square"


def dargah(*args: str) -> tuple[int, str]:
    """Run `dargah ARGS…`; exit code and everything it printed."""
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def square(ctx: runner.JobContext) -> dict[str, Any]:
    number = ctx.payload["n"]
    if number < 0:
        raise InvalidInput("عدد منفی است.", "The number is negative.", code="invalid_input")
    ctx.progress(1, 1)
    return {"square": number * number}


@pytest.fixture
def node(fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A migrated database the CLI is configured to use, with the test handler."""
    monkeypatch.setenv("DARGAH_DATABASE_URL", fresh_database_url)
    monkeypatch.setattr(worker_command, "configure_logging", lambda **_: None)
    get_settings.cache_clear()
    database = Database.from_url(fresh_database_url)
    upgrade(database.engine)
    runner.register(KIND, square)
    yield database
    runner.unregister(KIND)
    database.engine.dispose()
    get_settings.cache_clear()


def _enqueue(database: Database, number: int) -> str:
    with database.session() as session:
        job = service.enqueue(
            session, kind=KIND, payload={"n": number}, principal=cli_principal("test")
        )
        return job.id


def _job(database: Database, job_id: str) -> Job:
    with database.session() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def test_worker_once_runs_what_is_due_and_exits(node: Database) -> None:
    good, bad = _enqueue(node, 7), _enqueue(node, -1)

    code, output = dargah("worker", "--once", "--kind", KIND)

    assert code == 0, output
    assert "jobs run: 2" in output
    assert _job(node, good).result == {"square": 49}
    failed = _job(node, bad)
    assert (failed.status, failed.error_code) == ("failed", "invalid_input")


def test_worker_refuses_a_kind_it_has_no_handler_for(node: Database) -> None:
    code, output = dargah("worker", "--once", "--kind", "no.such.kind")

    assert code == 2
    assert "no.such.kind" in output


def test_jobs_list_show_retry_and_cancel(node: Database) -> None:
    failed = _enqueue(node, -1)
    queued = _enqueue(node, 3)
    with node.session() as session:
        claimed = service.claim(session, worker_id="cli-test", kinds=[KIND])
        assert claimed is not None
        assert claimed.id == failed
        service.fail(
            session,
            failed,
            worker_id="cli-test",
            code="worker_lost",
            message_fa="از دست رفت",
            message_en="Lost",
            retry=False,
        )

    code, output = dargah("jobs", "list", "--status", "failed")
    assert code == 0
    assert failed in output
    assert queued not in output

    code, output = dargah("jobs", "show", failed)
    assert code == 0
    shown = json.loads(output)
    assert (shown["status"], shown["error"]["code"], shown["payload"]) == (
        "failed",
        "worker_lost",
        {"n": -1},
    )

    assert dargah("jobs", "retry", failed)[0] == 0
    assert _job(node, failed).status == "queued"
    code, output = dargah("jobs", "retry", failed)
    assert code == 2
    assert "job_state" in output

    assert dargah("jobs", "cancel", queued)[0] == 0
    assert _job(node, queued).status == "cancelled"
    code, output = dargah("jobs", "show", "00000000-0000-0000-0000-000000000000")
    assert code == 2
    assert "job_not_found" in output
