"""The runner on a real, committing database of each backend: handlers' outcomes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from dargah.access.policy import Principal, Role, cli_principal
from dargah.config import Settings
from dargah.db.schema import upgrade
from dargah.db.session import Database, atomic
from dargah.errors import InvalidInput
from dargah.jobs import service
from dargah.jobs.models import Job
from dargah.jobs.runner import JobCancelled, JobContext, RetryLater, Runner

BACKENDS = pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)
SUBMITTER = Principal(kind="person", role=Role.INSTITUTION, name="uni.staff", person_id=7)


@pytest.fixture
def real_database(fresh_database_url: str) -> Iterator[Database]:
    database = Database.from_url(fresh_database_url)
    upgrade(database.engine)
    yield database
    database.engine.dispose()


def _settings(database: Database) -> Settings:
    return Settings(
        environment="test",
        database_url=database.engine.url.render_as_string(hide_password=False),
        jobs_in_process=False,
    )


def _runner(database: Database, handlers: dict[str, Any], **kwargs: Any) -> Runner:
    return Runner(
        database,
        _settings(database),
        handlers=handlers,
        lease=kwargs.pop("lease", timedelta(seconds=2)),
        poll_interval=0.05,
        **kwargs,
    )


def _enqueue(database: Database, kind: str, payload: dict[str, Any], **kwargs: Any) -> str:
    with database.session() as session:
        job = service.enqueue(session, kind=kind, payload=payload, principal=SUBMITTER, **kwargs)
        return job.id


def _job(database: Database, job_id: str) -> Job:
    with database.session() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


@BACKENDS
def test_a_handler_result_and_progress_are_recorded(real_database: Database) -> None:
    def count(ctx: JobContext) -> dict[str, Any]:
        total = ctx.payload["rows"]
        for done in range(0, total + 1, 100):
            ctx.progress(done, total, message_fa="بارگذاری", message_en="Loading")
        return {"loaded": total, "attempt": ctx.attempt}

    job_id = _enqueue(real_database, "test.count", {"rows": 1000})

    assert _runner(real_database, {"test.count": count}).run_once() == 1

    job = _job(real_database, job_id)
    assert job.status == "succeeded"
    assert job.result == {"loaded": 1000, "attempt": 1}
    assert (job.progress_done, job.progress_total, job.progress_percent) == (1000, 1000, 100.0)
    assert job.rows_per_s is not None
    assert job.rows_per_s > 0
    assert job.message_en == "Loading"


@BACKENDS
def test_a_crashing_handler_is_retried_then_failed_with_the_error_kept(
    real_database: Database,
) -> None:
    calls: list[int] = []

    def crash(ctx: JobContext) -> None:
        calls.append(ctx.attempt)
        raise RuntimeError("disk on fire")

    job_id = _enqueue(real_database, "test.crash", {}, max_attempts=2)
    runner = _runner(real_database, {"test.crash": crash})

    runner.run_once()
    assert _job(real_database, job_id).status == "queued"  # waits out its back-off
    with real_database.session() as session, atomic(session):
        session.execute(text("UPDATE jobs SET run_after = created_at"))
    runner.run_once()

    job = _job(real_database, job_id)
    assert calls == [1, 2]
    assert (job.status, job.attempts, job.error_code) == ("failed", 2, "job_crashed")
    assert job.error_message_fa
    assert job.error_detail == "RuntimeError: disk on fire"


@BACKENDS
def test_a_domain_error_fails_the_job_at_once_with_its_code(real_database: Database) -> None:
    def refuse(_ctx: JobContext) -> None:
        raise InvalidInput(
            "فایل خالی است.",
            "The file has no rows.",
            code="file_empty",
            errors=[{"row": 1, "code": "required"}],
        )

    job_id = _enqueue(real_database, "test.refuse", {})
    _runner(real_database, {"test.refuse": refuse}).run_once()

    job = _job(real_database, job_id)
    assert (job.status, job.attempts, job.error_code) == ("failed", 1, "file_empty")
    assert (job.error_message_fa, job.error_message_en) == (
        "فایل خالی است.",
        "The file has no rows.",
    )
    assert job.error_detail is not None
    assert '"row": 1' in job.error_detail


@BACKENDS
def test_retry_later_waits_the_delay_the_handler_asks_for(real_database: Database) -> None:
    def busy(_ctx: JobContext) -> None:
        raise RetryLater("بعداً", "Later", code="peer_down", delay=timedelta(minutes=3))

    job_id = _enqueue(real_database, "test.busy", {})
    _runner(real_database, {"test.busy": busy}).run_once()

    job = _job(real_database, job_id)
    assert (job.status, job.error_code) == ("queued", "peer_down")
    assert job.heartbeat_at is not None
    assert timedelta(minutes=2) < job.run_after - job.heartbeat_at <= timedelta(minutes=3)


@BACKENDS
def test_an_operator_cancels_a_running_job(real_database: Database) -> None:
    started = threading.Event()

    def patient(ctx: JobContext) -> None:
        started.set()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            ctx.check_cancelled()
            time.sleep(0.02)

    job_id = _enqueue(real_database, "test.patient", {})
    runner = _runner(real_database, {"test.patient": patient}, lease=timedelta(seconds=1))
    thread = threading.Thread(target=runner.run_once)
    thread.start()
    assert started.wait(10)
    with real_database.session() as session:
        service.cancel_job(session, principal=cli_principal("ops"), job_id=job_id)
    thread.join(20)

    assert not thread.is_alive()
    assert _job(real_database, job_id).status == "cancelled"


@BACKENDS
def test_stopping_a_worker_gives_its_job_back_untouched(real_database: Database) -> None:
    started = threading.Event()

    def patient(ctx: JobContext) -> None:
        started.set()
        while True:
            ctx.check_cancelled()
            time.sleep(0.02)

    job_id = _enqueue(real_database, "test.patient", {})
    runner = _runner(real_database, {"test.patient": patient})
    stop = threading.Event()
    thread = threading.Thread(target=runner.run_forever, args=(stop,))
    thread.start()
    assert started.wait(10)
    stop.set()
    thread.join(20)

    job = _job(real_database, job_id)
    assert not thread.is_alive()
    assert (job.status, job.attempts, job.lease_owner) == ("queued", 0, None)


@BACKENDS
def test_a_handler_that_outlives_its_lease_is_stopped_and_its_result_discarded(
    real_database: Database,
) -> None:
    """A zombie: its lease is taken over while it runs; its later reports fail."""
    taken_over = threading.Event()
    outcome: list[str] = []

    def slow(ctx: JobContext) -> dict[str, Any]:
        assert taken_over.wait(10)
        time.sleep(0.5)  # let the heartbeat thread meet the lost lease
        try:
            for done in range(100):
                ctx.progress(done, 100)
                time.sleep(0.05)
        except service.LeaseLost:
            outcome.append("stopped")
            raise
        return {"zombie": True}

    job_id = _enqueue(real_database, "test.slow", {})
    runner = _runner(real_database, {"test.slow": slow})
    thread = threading.Thread(target=runner.run_once)
    thread.start()
    deadline = time.monotonic() + 10
    while _job(real_database, job_id).status != "running" and time.monotonic() < deadline:
        time.sleep(0.02)
    # Another worker decides the lease is gone (as if this worker's clock had stalled).
    with real_database.session() as session:
        session.execute(text("UPDATE jobs SET lease_expires_at = created_at"))
        session.commit()
        service.reclaim_expired(session)
    with real_database.session() as session, atomic(session):
        session.execute(text("UPDATE jobs SET run_after = created_at"))
    with real_database.session() as session:
        successor = service.claim(session, worker_id="successor")
    assert successor is not None
    taken_over.set()
    thread.join(20)

    job = _job(real_database, job_id)
    assert outcome == ["stopped"]
    assert (job.status, job.lease_owner, job.result) == ("running", "successor", None)


@BACKENDS
def test_cancelled_is_what_a_handler_raises_to_stop(real_database: Database) -> None:
    def give_up(_ctx: JobContext) -> None:
        raise JobCancelled("nothing to do")

    job_id = _enqueue(real_database, "test.give_up", {})
    _runner(real_database, {"test.give_up": give_up}).run_once()

    assert _job(real_database, job_id).status == "cancelled"
