"""A worker process killed with SIGKILL mid-job leaves nothing partial; the job is
reclaimed when its lease runs out and succeeds on the next attempt."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from dargah.access.policy import cli_principal
from dargah.config import Settings
from dargah.db.base import utcnow
from dargah.db.schema import upgrade
from dargah.db.session import Database, atomic
from dargah.jobs import service
from dargah.jobs.models import Job
from dargah.jobs.runner import JobContext, Runner
from support.workers import wait_for, worker_process

SCRIPT = Path(__file__).with_name("killable_worker.py")
LEASE_SECONDS = 2


@pytest.fixture
def real_database(fresh_database_url: str) -> Iterator[Database]:
    database = Database.from_url(fresh_database_url)
    upgrade(database.engine)
    with database.session() as session, atomic(session):
        session.execute(text("CREATE TABLE job_test_rows (job_id VARCHAR(36), n INTEGER)"))
    yield database
    database.engine.dispose()


def _job(database: Database, job_id: str) -> Job:
    # Read outside a transaction: on SQLite a session would queue behind the write
    # lock the hanging worker holds (every transaction there begins IMMEDIATE).
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        row = connection.execute(select(Job.__table__).where(Job.id == job_id)).one()
    return Job(**row._mapping)


def _rows(database: Database, job_id: str) -> int:
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        count = connection.scalar(
            text("SELECT count(*) FROM job_test_rows WHERE job_id = :job"), {"job": job_id}
        )
    return int(count or 0)


def _load_rows(ctx: JobContext) -> dict[str, int]:
    """What the job should do: all 200 rows, in one transaction."""
    with ctx.database.session() as session, atomic(session):
        for number in range(200):
            session.execute(
                text("INSERT INTO job_test_rows (job_id, n) VALUES (:job, :n)"),
                {"job": ctx.job_id, "n": number},
            )
    ctx.progress(200, 200)
    return {"rows": 200}


@pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_worker_killed_mid_job_leaves_no_partial_data(
    real_database: Database, tmp_path: Path
) -> None:
    marker = tmp_path / "inside"
    with real_database.session() as session:
        job_id = service.enqueue(
            session,
            kind="test.hang",
            payload={"marker": str(marker)},
            principal=cli_principal("test"),
        ).id
    url = real_database.engine.url.render_as_string(hide_password=False)
    log = tmp_path / "worker.log"
    with worker_process(SCRIPT, database_url=url, log=log, lease_seconds=LEASE_SECONDS) as worker:
        wait_for(marker.exists, 120, "the worker to reach the middle of its transaction")
        running = _job(real_database, job_id)
        assert running.status == "running"
        assert running.lease_owner is not None
        if real_database.engine.dialect.name == "postgresql":
            # The heartbeat thread reports progress while the handler's transaction is
            # open (on SQLite it waits for the single write lock instead).
            wait_for(lambda: _job(real_database, job_id).progress_done == 100, 10, "the progress")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(30)

    assert worker.returncode == -signal.SIGKILL
    # The killed transaction left nothing behind; the job still names the dead worker.
    assert _rows(real_database, job_id) == 0
    orphan = _job(real_database, job_id)
    assert (orphan.status, orphan.attempts) == ("running", 1)
    assert orphan.lease_expires_at is not None

    # Once the lease runs out another worker reclaims the job and runs it again.
    settings = Settings(environment="test", database_url=url, jobs_in_process=False)
    successor = Runner(
        real_database,
        settings,
        worker_id="successor",
        handlers={"test.hang": _load_rows},
        lease=timedelta(seconds=LEASE_SECONDS),
        poll_interval=0.05,
    )
    wait_for(lambda: utcnow() > orphan.lease_expires_at, 10, "the lease to expire")
    reclaimed = successor.reclaim(force=True)
    assert [job.id for job in reclaimed] == [job_id]
    retrying = _job(real_database, job_id)
    assert (retrying.status, retrying.error_code) == ("queued", "worker_lost")
    with real_database.session() as session, atomic(session):
        session.execute(text("UPDATE jobs SET run_after = created_at"))  # skip the back-off

    assert successor.run_once() == 1

    done = _job(real_database, job_id)
    assert (done.status, done.attempts, done.error_code) == ("succeeded", 2, None)
    assert done.result == {"rows": 200}
    assert _rows(real_database, job_id) == 200
