"""The job queue's pure parts: progress arithmetic, back-off, owners, the registry and
the context a handler sees (no database is touched)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from dargah.access.policy import Principal, Role, cli_principal
from dargah.config import Settings
from dargah.db.session import Database
from dargah.jobs import runner, service
from dargah.jobs.models import Job
from dargah.jobs.runner import JobCancelled, JobContext, _LeaseState


@pytest.mark.parametrize(
    ("done", "total", "percent"),
    [(0, None, None), (5, 0, None), (250, 1000, 25.0), (1, 3, 33.3), (1500, 1000, 100.0)],
)
def test_percent_is_bounded_and_unknown_without_a_total(
    done: int, total: int | None, percent: float | None
) -> None:
    assert service.percent_of(done, total) == percent


def test_retries_back_off_exponentially_up_to_ten_minutes() -> None:
    delays = [service.retry_delay(attempt) for attempt in (1, 2, 3, 4, 50)]
    assert delays == [
        timedelta(seconds=5),
        timedelta(seconds=10),
        timedelta(seconds=20),
        timedelta(seconds=40),
        timedelta(minutes=10),
    ]


def test_owner_keys_are_stable_identities_not_names() -> None:
    person = Principal(kind="person", role=Role.HQ, name="renamed.user", person_id=12)
    system = Principal(
        kind="system",
        role=Role.INSTITUTION,
        name="IR/UNI/1001/golestan#abc",
        system_identifier="IR/UNI/1001/golestan",
    )
    assert service.owner_key(person) == "person:12"
    assert service.owner_key(system) == "system:IR/UNI/1001/golestan"
    assert service.owner_key(cli_principal("root")) == "cli:cli:root"


def test_a_kind_has_one_handler() -> None:
    def first(_ctx: JobContext) -> None:
        return None

    def second(_ctx: JobContext) -> None:
        return None

    runner.register("test.unit_kind", first)
    try:
        runner.register("test.unit_kind", first)  # importing a module twice is fine
        with pytest.raises(ValueError, match="already has a handler"):
            runner.register("test.unit_kind", second)
        assert runner.registered_handlers()["test.unit_kind"] is first
    finally:
        runner.unregister("test.unit_kind")
    assert "test.unit_kind" not in runner.registered_handlers()


def _context(stopping: threading.Event | None = None) -> tuple[JobContext, _LeaseState]:
    job = Job(
        id="00000000-0000-0000-0000-000000000001",
        kind="test.unit",
        payload={"a": 1},
        attempts=1,
        max_attempts=3,
        created_by="person:1",
        created_by_name="someone",
    )
    state = _LeaseState(started=time.monotonic() - 2.0)
    context = JobContext(
        job=job,
        database=Database.from_url("sqlite://"),
        settings=Settings(environment="test"),
        worker_id="w",
        state=state,
        stopping=stopping or threading.Event(),
    )
    return context, state


def test_progress_computes_the_rate_and_wakes_the_heartbeat_at_most_once_a_second() -> None:
    context, state = _context()

    context.progress(1000, 4000, message_en="Validating")
    assert state.wake.is_set()
    state.wake.clear()
    context.progress(2000, 4000)

    assert not state.wake.is_set()  # too soon after the last wake-up
    assert (state.done, state.total, state.message_en) == (2000, 4000, "Validating")
    assert state.rows_per_s is not None
    assert 900 < state.rows_per_s < 1001  # about 2000 rows in about 2 seconds


def test_a_context_whose_lease_is_lost_stops_the_handler() -> None:
    context, state = _context()
    state.lost = True

    with pytest.raises(service.LeaseLost):
        context.progress(1, 2)
    with pytest.raises(service.LeaseLost):
        context.check_cancelled()


def test_cancelled_on_request_or_when_the_worker_stops() -> None:
    stopping = threading.Event()
    context, _state = _context(stopping)
    assert not context.cancelled()
    context.check_cancelled()

    stopping.set()
    assert context.cancelled()
    with pytest.raises(JobCancelled):
        context.check_cancelled()

    other, other_state = _context()
    other_state.cancel_requested = True
    assert other.cancelled()
    assert other.payload == {"a": 1}


def test_the_embedded_setup_runs_jobs_in_process_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().jobs_in_process is True
    monkeypatch.setenv("DARGAH_JOBS_IN_PROCESS", "false")
    monkeypatch.setenv("DARGAH_JOBS_CONCURRENCY", "4")
    settings = Settings()
    assert (settings.jobs_in_process, settings.jobs_concurrency) == (False, 4)


def test_a_runner_needs_at_least_one_slot() -> None:
    with pytest.raises(ValueError, match="concurrency"):
        runner.Runner(Database.from_url("sqlite://"), Settings(environment="test"), concurrency=0)
