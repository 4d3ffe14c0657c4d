"""Workers that run jobs: a handler registry, the job context, the runner loop.

A domain registers a handler for a job kind when its module is imported::

    from dargah.jobs import runner

    def process_submission(ctx: runner.JobContext) -> dict[str, object] | None:
        for done, total in load_in_chunks(ctx.payload["submission_id"]):
            ctx.check_cancelled()
            ctx.progress(done, total)
        return {"rows": total}

    runner.register("submission.process", process_submission)

A ``Runner`` claims jobs of the registered kinds and runs each in one of its
``concurrency`` threads. While a handler runs, a small heartbeat thread writes the
handler's latest progress and extends the lease, so progress calls never wait on the
database and a handler holding a long write transaction (SQLite's single writer)
cannot make its own worker look dead.

What a handler's outcome becomes:

* it returns a dict (or None): the job succeeded with that result;
* it raises ``JobCancelled`` (``ctx.check_cancelled()`` does) after a cancel request:
  the job is cancelled; during the worker's shutdown: the job is given back untouched;
* it raises ``RetryLater``: another attempt after a delay, while attempts remain;
* it raises a ``DargahError``: the job failed with that error's code and messages
  (the input is wrong; running it again would not help);
* it raises anything else: the job is retried, and fails with ``job_crashed`` when
  its attempts are used up; the traceback goes to the log, not to the caller.

**Contract.** A worker can be killed at any instant. A handler's writes must therefore
be atomic (one transaction, so nothing partial survives) or idempotent (running the job
again gives the same data), because a job whose worker died is run again.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from dargah.config import Settings
from dargah.db.session import Database
from dargah.errors import DargahError
from dargah.jobs import service
from dargah.jobs.models import Job
from dargah.logs import get_logger

_log = get_logger(__name__)

Handler = Callable[["JobContext"], dict[str, Any] | None]

# Progress reaches the database at most this often (the heartbeat thread writes it).
PROGRESS_MIN_INTERVAL = 1.0
# Unexpected failures keep this much exception text for operators.
_DETAIL_MAX = 2000

_registry: dict[str, Handler] = {}
_registry_lock = threading.Lock()


def register(kind: str, handler: Handler) -> Handler:
    """Make ``handler`` run jobs of ``kind`` in every runner of this process.

    Registering the same function again is harmless (a module imported twice); a
    different function for a kind already taken is a programming error.
    """
    with _registry_lock:
        current = _registry.get(kind)
        if current is not None and current is not handler:
            raise ValueError(f"job kind {kind!r} already has a handler: {current!r}")
        _registry[kind] = handler
    return handler


def unregister(kind: str) -> None:
    """Forget the handler of ``kind`` (tests, plugins being unloaded)."""
    with _registry_lock:
        _registry.pop(kind, None)


def registered_handlers() -> dict[str, Handler]:
    """A copy of the registry: job kind → handler."""
    with _registry_lock:
        return dict(_registry)


class JobCancelled(Exception):
    """Raised by a handler (via ``ctx.check_cancelled()``) to stop early."""


class RetryLater(Exception):
    """Raised by a handler whose failure is temporary (a peer down, a lock held).

    The job is attempted again after ``delay`` (the runner's back-off if None) while it
    has attempts left, and fails with ``code`` once they are used up.
    """

    def __init__(
        self, message_fa: str, message_en: str, *, code: str, delay: timedelta | None = None
    ) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_fa = message_fa
        self.message_en = message_en
        self.delay = delay


@dataclass
class _LeaseState:
    """What the handler's thread and the heartbeat thread share about one job."""

    started: float
    done: int = 0
    total: int | None = None
    rows_per_s: float | None = None
    message_fa: str | None = None
    message_en: str | None = None
    last_wake: float = 0.0
    cancel_requested: bool = False
    lost: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    wake: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)


def _rate(done: int, started: float, now: float) -> float:
    """Units per second since ``started`` (monotonic seconds)."""
    return done / max(now - started, 0.001)


class JobContext:
    """What a handler gets: the job's data, progress reporting, cancellation, the DB."""

    def __init__(
        self,
        *,
        job: Job,
        database: Database,
        settings: Settings,
        worker_id: str,
        state: _LeaseState,
        stopping: threading.Event,
    ) -> None:
        self.job_id: str = job.id
        self.kind: str = job.kind
        self.payload: dict[str, Any] = dict(job.payload or {})
        self.attempt: int = job.attempts
        self.max_attempts: int = job.max_attempts
        self.institution_id: int | None = job.institution_id
        self.created_by: str = job.created_by
        self.created_by_name: str = job.created_by_name
        self.database = database
        self.settings = settings
        self.worker_id = worker_id
        self._state = state
        self._stopping = stopping

    def progress(
        self,
        done: int,
        total: int | None = None,
        *,
        message_fa: str | None = None,
        message_en: str | None = None,
    ) -> None:
        """Report ``done`` of ``total`` rows (or other units); cheap to call often.

        Rows per second are computed from the start of this attempt. The numbers reach
        the database within about a second. Raises ``LeaseLost`` once the job has been
        taken from this worker, so a zombie handler stops at its next report.
        """
        state = self._state
        now = time.monotonic()
        with state.lock:
            if state.lost:
                raise service.LeaseLost(self.job_id, self.worker_id)
            state.done = done
            state.total = total
            state.rows_per_s = _rate(done, state.started, now)
            if message_fa is not None:
                state.message_fa = message_fa
            if message_en is not None:
                state.message_en = message_en
            due = now - state.last_wake >= PROGRESS_MIN_INTERVAL
            if due:
                state.last_wake = now
        if due:
            state.wake.set()

    def cancelled(self) -> bool:
        """True when an operator asked to cancel, or the worker is shutting down."""
        return self._state.cancel_requested or self._stopping.is_set() or self._state.lost

    def check_cancelled(self) -> None:
        """Raise ``JobCancelled`` when ``cancelled()``; call it between chunks of work."""
        if self._state.lost:
            raise service.LeaseLost(self.job_id, self.worker_id)
        if self.cancelled():
            raise JobCancelled(self.job_id)


class _Heartbeat(threading.Thread):
    """Writes a running job's progress and extends its lease, off the handler's thread."""

    def __init__(
        self,
        *,
        database: Database,
        job_id: str,
        worker_id: str,
        state: _LeaseState,
        lease: timedelta,
    ) -> None:
        super().__init__(name=f"dargah-heartbeat-{job_id[:8]}", daemon=True)
        self._database = database
        self._job_id = job_id
        self._worker_id = worker_id
        self._state = state
        self._lease = lease
        self._interval = max(lease.total_seconds() / 4, 0.05)

    def run(self) -> None:
        state = self._state
        while not state.stop.is_set():
            state.wake.wait(self._interval)
            state.wake.clear()
            if state.stop.is_set():
                return
            with state.lock:
                done, total, rate = state.done, state.total, state.rows_per_s
                message_fa, message_en = state.message_fa, state.message_en
            try:
                with self._database.session() as session:
                    cancel = service.heartbeat(
                        session,
                        self._job_id,
                        worker_id=self._worker_id,
                        done=done,
                        total=total,
                        rows_per_s=rate,
                        message_fa=message_fa,
                        message_en=message_en,
                        lease=self._lease,
                    )
            except service.LeaseLost:
                _log.warning("job lease lost", job_id=self._job_id, worker=self._worker_id)
                with state.lock:
                    state.lost = True
                return
            except Exception:
                # A busy or briefly unreachable database: try again at the next beat.
                _log.warning("job heartbeat failed", job_id=self._job_id, exc_info=True)
                continue
            if cancel:
                state.cancel_requested = True

    def finish(self) -> None:
        """Stop beating and wait for the thread."""
        self._state.stop.set()
        self._state.wake.set()
        self.join()


def new_worker_id() -> str:
    """A worker identity unique across hosts and restarts: ``host:pid:random``."""
    host = socket.gethostname()[:60] or "host"
    return f"{host}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Runner:
    """Claims and runs jobs in ``concurrency`` threads of this process.

    ``handlers`` defaults to the process-wide registry (read at every claim, so
    handlers registered after the runner started are picked up).
    """

    def __init__(
        self,
        database: Database,
        settings: Settings,
        worker_id: str | None = None,
        concurrency: int = 1,
        *,
        handlers: Mapping[str, Handler] | None = None,
        lease: timedelta | None = None,
        poll_interval: float | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.database = database
        self.settings = settings
        self.worker_id = worker_id or new_worker_id()
        self.concurrency = concurrency
        self.lease = lease or timedelta(seconds=settings.jobs_lease_seconds)
        self.poll_interval = poll_interval or settings.jobs_poll_seconds
        self._handlers = handlers
        self._reclaim_every = max(min(self.lease.total_seconds() / 4, 30.0), 0.05)
        self._last_reclaim = float("-inf")
        self._reclaim_lock = threading.Lock()
        self._stop = threading.Event()

    @property
    def slot_ids(self) -> list[str]:
        """The worker id of each thread; a job's ``lease_owner`` is one of these."""
        if self.concurrency == 1:
            return [self.worker_id]
        return [f"{self.worker_id}/{slot}" for slot in range(self.concurrency)]

    def handlers(self) -> dict[str, Handler]:
        """The handlers this runner uses now."""
        return dict(self._handlers) if self._handlers is not None else registered_handlers()

    def run_once(self) -> int:
        """Run due jobs until none is left; return how many were run.

        Expired leases are reclaimed first, so ``dargah worker --once`` from cron also
        recovers jobs of dead workers.
        """
        self.reclaim(force=True)
        return self._run_slots(self._stop, once=True)

    def run_forever(self, stop_event: threading.Event) -> None:
        """Poll for jobs until ``stop_event`` is set; running jobs finish first.

        Handlers see ``ctx.cancelled()`` turn true when the stop is asked for; one
        that raises ``JobCancelled`` then gives its job back to the queue untouched.
        """
        self._run_slots(stop_event, once=False)

    def _run_slots(self, stop_event: threading.Event, *, once: bool) -> int:
        if self.concurrency == 1:
            return self._slot(self.worker_id, stop_event, once=once)
        counts: list[int] = []

        def slot(slot_id: str) -> None:
            counts.append(self._slot(slot_id, stop_event, once=once))

        threads = [
            threading.Thread(
                target=slot, args=(slot_id,), name=f"dargah-job-slot-{index}", daemon=True
            )
            for index, slot_id in enumerate(self.slot_ids)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sum(counts)

    def _slot(self, slot_id: str, stop_event: threading.Event, *, once: bool) -> int:
        ran = 0
        while not stop_event.is_set():
            try:
                self.reclaim()
                job = self._claim(slot_id)
            except Exception:
                _log.exception("job claim failed", worker=slot_id)
                if once:
                    break
                stop_event.wait(self.poll_interval)
                continue
            if job is None:
                if once:
                    break
                stop_event.wait(self.poll_interval)
                continue
            self._execute(job, slot_id, stop_event)
            ran += 1
        return ran

    def _claim(self, slot_id: str) -> Job | None:
        kinds = list(self.handlers())
        if not kinds:
            return None
        with self.database.session() as session:
            return service.claim(session, worker_id=slot_id, kinds=kinds, lease=self.lease)

    def reclaim(self, *, force: bool = False) -> list[Job]:
        """Recover jobs of dead workers (rate-limited unless ``force``)."""
        with self._reclaim_lock:
            now = time.monotonic()
            if not force and now - self._last_reclaim < self._reclaim_every:
                return []
            self._last_reclaim = now
        with self.database.session() as session:
            jobs = service.reclaim_expired(session, exclude_owners=self.slot_ids)
        for job in jobs:
            _log.warning(
                "job reclaimed from a lost worker", job_id=job.id, kind=job.kind, status=job.status
            )
        return jobs

    def _execute(self, job: Job, slot_id: str, stop_event: threading.Event) -> None:
        log = _log.bind(job_id=job.id, kind=job.kind, attempt=job.attempts, worker=slot_id)
        handler = self.handlers().get(job.kind)
        if handler is None:  # unregistered between the claim and now
            self._finish(log, partial(service.release, job_id=job.id, worker_id=slot_id))
            return
        state = _LeaseState(started=time.monotonic())
        context = JobContext(
            job=job,
            database=self.database,
            settings=self.settings,
            worker_id=slot_id,
            state=state,
            stopping=stop_event,
        )
        beat = _Heartbeat(
            database=self.database, job_id=job.id, worker_id=slot_id, state=state, lease=self.lease
        )
        beat.start()
        log.info("job started")
        try:
            outcome = self._call(handler, context, state, stop_event, log)
        finally:
            beat.finish()
        if outcome is not None:
            self._finish(log, outcome)

    def _call(
        self,
        handler: Handler,
        context: JobContext,
        state: _LeaseState,
        stop_event: threading.Event,
        log: Any,
    ) -> Callable[[Session], object] | None:
        """Run the handler; return the write that records its outcome."""
        job_id, worker_id = context.job_id, context.worker_id
        try:
            result = handler(context)
            if result is not None and not isinstance(result, dict):
                raise TypeError(f"a job handler returns a dict or None, not {type(result)}")
            json.dumps(result)  # refuse what the JSON column could not store
        except service.LeaseLost:
            log.warning("job handler stopped: lease lost")
            return None
        except JobCancelled:
            if state.cancel_requested or not stop_event.is_set():
                log.info("job cancelled")
                return partial(service.mark_cancelled, job_id=job_id, worker_id=worker_id)
            log.info("job given back: worker stopping")
            return partial(service.release, job_id=job_id, worker_id=worker_id)
        except RetryLater as exc:
            log.info("job will be retried", code=exc.code)
            return partial(
                service.fail,
                job_id=job_id,
                worker_id=worker_id,
                code=exc.code,
                message_fa=exc.message_fa,
                message_en=exc.message_en,
                retry=True,
                delay=exc.delay,
            )
        except DargahError as exc:
            log.info("job failed", code=exc.code)
            return partial(
                service.fail,
                job_id=job_id,
                worker_id=worker_id,
                code=exc.code,
                message_fa=exc.message_fa,
                message_en=exc.message_en,
                retry=False,
                detail=json.dumps(exc.errors[:50], ensure_ascii=False) if exc.errors else None,
            )
        except Exception as exc:
            log.exception("job handler crashed")
            return partial(
                service.fail,
                job_id=job_id,
                worker_id=worker_id,
                code="job_crashed",
                message_fa="کار با خطای پیش‌بینی‌نشده متوقف شد؛ شناسهٔ کار را به پشتیبانی بدهید.",
                message_en="The job stopped on an unexpected error; quote the job id to support.",
                retry=True,
                detail=f"{type(exc).__name__}: {exc}"[:_DETAIL_MAX],
            )
        with state.lock:
            done, total = state.done, state.total
            message_fa, message_en = state.message_fa, state.message_en
        rate = _rate(done, state.started, time.monotonic()) if done else None
        log.info("job succeeded")
        return partial(
            service.complete,
            job_id=job_id,
            worker_id=worker_id,
            result=result,
            done=done,
            total=total,
            rows_per_s=rate,
            message_fa=message_fa,
            message_en=message_en,
        )

    def _finish(self, log: Any, write: Callable[[Session], object]) -> None:
        try:
            with self.database.session() as session:
                write(session)
        except service.LeaseLost:
            # Another worker took the job over after our lease ran out; its word counts.
            log.warning("job outcome discarded: lease lost")
        except Exception:
            # The lease will run out and the job be reclaimed; nothing else to do here.
            log.exception("job outcome could not be recorded")


class BackgroundWorker:
    """A runner on a daemon thread inside the web process (the embedded setup)."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=runner.run_forever, args=(self._stop,), name="dargah-jobs", daemon=True
        )

    def start(self) -> BackgroundWorker:
        """Start polling; returns self."""
        self._thread.start()
        _log.info("in-process job worker started", worker=self.runner.worker_id)
        return self

    @property
    def alive(self) -> bool:
        """True while the worker thread runs."""
        return self._thread.is_alive()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the runner to stop and wait up to ``timeout`` seconds for running jobs.

        A job still running after that keeps its lease until it expires; another
        worker (or this node after a restart) then reclaims it.
        """
        self._stop.set()
        self._thread.join(timeout)
        if self._thread.is_alive():
            _log.warning("in-process job worker still busy at shutdown")


def start_background_worker(database: Database, settings: Settings) -> BackgroundWorker:
    """Start the in-process worker of ``dargah serve`` (``jobs_in_process``)."""
    runner = Runner(database, settings, concurrency=settings.jobs_concurrency)
    return BackgroundWorker(runner).start()
