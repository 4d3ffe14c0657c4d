"""Several workers on one queue never run a job twice (SKIP LOCKED on PostgreSQL,
BEGIN IMMEDIATE on SQLite)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from dargah.access.policy import cli_principal
from dargah.config import Settings
from dargah.db.schema import upgrade
from dargah.db.session import Database
from dargah.jobs import service
from dargah.jobs.models import Job
from dargah.jobs.runner import JobContext, Runner

JOBS = 50
PRINCIPAL = cli_principal("producer")


@pytest.fixture
def queue(fresh_database_url: str) -> Iterator[Database]:
    """A migrated, committing database with ``JOBS`` queued jobs."""
    database = Database.from_url(fresh_database_url, pool_size=12)
    upgrade(database.engine)
    with database.session() as session:
        for number in range(JOBS):
            service.enqueue(session, kind="test.work", payload={"n": number}, principal=PRINCIPAL)
    yield database
    database.engine.dispose()


@pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)
def test_concurrent_claims_never_hand_out_a_job_twice(queue: Database) -> None:
    workers = 4
    start = threading.Barrier(workers)

    def claim_all(number: int) -> list[str]:
        claimed = []
        start.wait()
        while True:
            with queue.session() as session:
                job = service.claim(session, worker_id=f"claimer-{number}")
            if job is None:
                return claimed
            claimed.append(job.id)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(claim_all, range(workers)))

    every = [job_id for result in results for job_id in result]
    assert len(every) == JOBS
    assert len(set(every)) == JOBS
    with queue.session() as session:
        rows = session.execute(select(Job.status, Job.attempts, Job.lease_owner)).all()
    assert {(status, attempts) for status, attempts, _ in rows} == {("running", 1)}
    assert Counter(owner for _, _, owner in rows) == {
        f"claimer-{number}": len(result) for number, result in enumerate(results) if result
    }


@pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)
def test_two_runners_process_every_job_exactly_once(queue: Database) -> None:
    processed: list[int] = []
    lock = threading.Lock()

    def work(ctx: JobContext) -> dict[str, Any]:
        with lock:
            processed.append(ctx.payload["n"])
        ctx.progress(1, 1)
        return {"n": ctx.payload["n"], "worker": ctx.worker_id}

    settings = Settings(
        environment="test",
        database_url=queue.engine.url.render_as_string(hide_password=False),
        jobs_in_process=False,
    )
    runners = [
        Runner(
            queue,
            settings,
            worker_id=f"runner-{index}",
            concurrency=2,
            handlers={"test.work": work},
            lease=timedelta(seconds=30),
            poll_interval=0.05,
        )
        for index in range(2)
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(lambda runner: runner.run_once(), runners))

    assert sum(counts) == JOBS
    assert sorted(processed) == list(range(JOBS))
    with queue.session() as session:
        jobs = session.scalars(select(Job)).all()
    assert {(job.status, job.attempts) for job in jobs} == {("succeeded", 1)}
    assert sorted(job.result["n"] for job in jobs if job.result) == list(range(JOBS))
