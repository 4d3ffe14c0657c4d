"""A worker killed with SIGKILL in the middle of loading a submission leaves nothing of
it visible; the job is reclaimed and the submission loads whole on the next attempt."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, table, text

from dargah.access.policy import cli_principal
from dargah.catalogue import service as catalogue
from dargah.config import Settings
from dargah.db.base import utcnow
from dargah.db.schema import upgrade
from dargah.db.session import Database, atomic
from dargah.jobs.models import Job
from dargah.jobs.runner import Runner, registered_handlers
from dargah.persian.identifiers import national_id_check_digit
from dargah.submissions import service
from dargah.submissions.models import Submission
from support.catalogue import LEVELS, dataset_document
from support.factories import make_institution

SCRIPT = Path(__file__).with_name("killable_submission_worker.py")
LEASE_SECONDS = 2
ROWS = 200
ADMIN = cli_principal("killed-load-test")
TABLE = "rec_test_students_v1"


@pytest.fixture
def real_database(fresh_database_url: str) -> Iterator[Database]:
    database = Database.from_url(fresh_database_url)
    upgrade(database.engine)
    yield database
    database.engine.dispose()


def _body() -> bytes:
    lines = ["student_number,national_id,degree_level,entry_date,graduation_date"]
    for number in range(1, ROWS + 1):
        first9 = f"{number + 5000:09d}"
        national_id = first9 + str(national_id_check_digit(first9))
        lines.append(f"{number},{national_id},bachelor,1400/07/01,")
    return ("\n".join(lines) + "\n").encode()


def _queue_submission(database: Database) -> tuple[int, str]:
    with database.session() as session:
        with atomic(session):
            catalogue.sync_builtin(
                session,
                principal=ADMIN,
                code_list_documents=[LEVELS],
                dataset_documents=[dataset_document()],
            )
            institution = make_institution(session, code="7301")
        submission = service.create_submission(
            session,
            principal=ADMIN,
            dataset_slug="test_students",
            institution_id=institution.id,
            period="1403-1",
            filename="students.csv",
        )
        service.append_chunk(session, submission, principal=ADMIN, offset=0, data=_body())
        service.complete_upload(session, submission, principal=ADMIN)
        job_id = service.enqueue_processing(session, submission, principal=ADMIN)
        return submission.id, job_id


def _read(database: Database, query: object) -> list[tuple[object, ...]]:
    # Outside a transaction: on SQLite a session would queue behind the hung writer.
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return [tuple(row) for row in connection.execute(query)]  # type: ignore[call-overload]


def _visible_rows(database: Database) -> int:
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if not inspect(connection).has_table(TABLE):
            return 0
        return int(connection.scalar(select(func.count()).select_from(table(TABLE))) or 0)


def _wait_for(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(predicate) and predicate():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_submission_killed_mid_load_leaves_nothing_and_loads_whole_later(
    real_database: Database, tmp_path: Path
) -> None:
    submission_id, job_id = _queue_submission(real_database)
    marker = tmp_path / "one-batch"
    url = real_database.engine.url.render_as_string(hide_password=False)
    env = {
        **os.environ,
        "DARGAH_DATABASE_URL": url,
        "DARGAH_JOBS_LEASE_SECONDS": str(LEASE_SECONDS),
        "DARGAH_JOBS_POLL_SECONDS": "0.1",
        "DARGAH_LOG_FORMAT": "console",
        "DARGAH_TEST_MARKER": str(marker),
    }
    env.pop("DARGAH_CONFIG_FILE", None)
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
        [sys.executable, str(SCRIPT)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        _wait_for(marker.exists, 120, "the worker to load its first batch")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(30)
        log.close()
    assert worker.returncode == -signal.SIGKILL

    # Nothing of the load is visible: not a row, not even the table it made.
    assert _visible_rows(real_database) == 0
    status = _read(real_database, select(Submission.status).where(Submission.id == submission_id))
    assert status == [("processing",)]

    # Once the lease runs out another worker reclaims the job and loads the whole file.
    settings = Settings(environment="test", database_url=url, jobs_in_process=False)
    successor = Runner(
        real_database,
        settings,
        worker_id="successor",
        handlers={"submission.process": registered_handlers()["submission.process"]},
        lease=timedelta(seconds=LEASE_SECONDS),
        poll_interval=0.05,
    )
    (expires,) = _read(real_database, select(Job.lease_expires_at).where(Job.id == job_id))[0]
    _wait_for(lambda: utcnow() > expires, 10, "the lease to expire")
    assert [job.id for job in successor.reclaim(force=True)] == [job_id]
    with real_database.session() as session, atomic(session):
        session.execute(text("UPDATE jobs SET run_after = created_at"))  # skip the back-off
    assert successor.run_once() == 1

    done = _read(real_database, select(Job.status, Job.attempts).where(Job.id == job_id))
    assert done == [("succeeded", 2)]
    final = _read(
        real_database,
        select(Submission.status, Submission.inserted).where(Submission.id == submission_id),
    )
    assert final == [("accepted", ROWS)]
    assert _visible_rows(real_database) == ROWS
