"""A worker killed with SIGKILL in the middle of loading a submission leaves nothing of
it visible; the job is reclaimed and the submission loads whole on the next attempt."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, table, text

from dargah.access.policy import cli_principal
from dargah.config import Settings
from dargah.db.base import utcnow
from dargah.db.schema import upgrade
from dargah.db.session import Database, atomic
from dargah.jobs.models import Job
from dargah.jobs.runner import Runner, registered_handlers
from dargah.persian.identifiers import national_id_check_digit
from dargah.submissions import service
from dargah.submissions.models import Submission
from support.catalogue import sync_test_students
from support.factories import make_institution
from support.workers import wait_for, worker_process

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
            sync_test_students(session, principal=ADMIN)
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


@pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_submission_killed_mid_load_leaves_nothing_and_loads_whole_later(
    real_database: Database, tmp_path: Path
) -> None:
    submission_id, job_id = _queue_submission(real_database)
    marker = tmp_path / "one-batch"
    url = real_database.engine.url.render_as_string(hide_password=False)
    with worker_process(
        SCRIPT,
        database_url=url,
        log=tmp_path / "worker.log",
        lease_seconds=LEASE_SECONDS,
        DARGAH_TEST_MARKER=str(marker),
    ) as worker:
        wait_for(marker.exists, 120, "the worker to load its first batch")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(30)
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
    wait_for(lambda: utcnow() > expires, 10, "the lease to expire")
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
