"""Group commit: concurrent entries chained in shared transactions, none lost, none
returned before it is committed, the chain as verifiable as one written entry by entry."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, select
from sqlalchemy.orm import Session

from dargah.access.policy import Principal, Role
from dargah.audit import group
from dargah.audit.events import AuditAction
from dargah.audit.group import GroupCommit
from dargah.audit.models import AuditEntry
from dargah.audit.service import draft, record
from dargah.audit.verify import verify_chain
from dargah.db.engine import make_engine
from dargah.db.schema import upgrade
from dargah.db.session import Database, atomic
from dargah.errors import ServiceUnavailable

pytestmark = pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)

THREADS = 8
EACH = 25


@pytest.fixture
def node(fresh_database_url: str) -> Iterator[Database]:
    engine: Engine = make_engine(fresh_database_url)
    upgrade(engine)
    engine.dispose()
    database = Database.from_url(fresh_database_url, pool_size=THREADS + 2)
    yield database
    database.engine.dispose()


def _reader(number: int) -> Principal:
    return Principal(kind="system", role=Role.HQ, name=f"reader{number}")


def _draft(number: int, index: int) -> dict[str, Any]:
    return draft(
        principal=_reader(number),
        action=AuditAction.DATASET_QUERIED,
        entity_type="dataset",
        entity_id="students",
        purpose="آمار ملی",
        personal_data=True,
        details={"reader": number, "index": index, "rows": 1},
    )


def _entries(database: Database) -> list[Any]:
    with database.reading() as connection:
        return list(
            connection.execute(
                select(AuditEntry.seq, AuditEntry.actor, AuditEntry.details).order_by(
                    AuditEntry.seq
                )
            ).all()
        )


def _verify(database: Database) -> Any:
    with database.session() as session:
        return verify_chain(session)


def test_concurrent_entries_are_all_chained_once_and_the_chain_verifies(node: Database) -> None:
    log = GroupCommit(node)
    start = threading.Barrier(THREADS + 1)

    def reader(number: int) -> list[int]:
        start.wait()
        return [log.append(_draft(number, index)) for index in range(EACH)]

    def other_writer() -> None:
        # Entries written the ordinary way, one per transaction, between the batches.
        start.wait()
        for index in range(10):
            with node.session() as session, atomic(session):
                record(
                    session,
                    principal=_reader(99),
                    action=AuditAction.MEMBER_UPDATED,
                    details={"index": index},
                )

    with ThreadPoolExecutor(max_workers=THREADS + 1) as pool:
        writer = pool.submit(other_writer)
        results = [pool.submit(reader, number) for number in range(THREADS)]
        numbers = [future.result(timeout=300) for future in results]
        writer.result(timeout=300)

    rows = _entries(node)
    assert [row.seq for row in rows] == list(range(1, THREADS * EACH + 10 + 1))
    returned = [seq for each in numbers for seq in each]
    assert len(set(returned)) == THREADS * EACH
    by_seq = {row.seq: row for row in rows}
    for number, seqs in enumerate(numbers):
        # Each caller got back the number of its own entry.
        assert [by_seq[seq].details["index"] for seq in seqs] == list(range(EACH))
        assert {by_seq[seq].actor for seq in seqs} == {f"reader{number}"}
    report = _verify(node)
    assert report.ok, report.first_problem
    assert report.head_seq == THREADS * EACH + 10


def test_entries_waiting_together_are_written_in_one_transaction(
    node: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = GroupCommit(node)
    writing = threading.Event()
    release = threading.Event()
    batches: list[int] = []
    append_drafts = group.append_drafts

    def slow_first_batch(connection: Connection, drafts: Any, **kwargs: Any) -> Any:
        batches.append(len(drafts))
        if len(batches) == 1:
            writing.set()
            release.wait(timeout=30)
        return append_drafts(connection, drafts, **kwargs)

    monkeypatch.setattr(group, "append_drafts", slow_first_batch)
    with ThreadPoolExecutor(max_workers=6) as pool:
        first = pool.submit(log.append, _draft(0, 0))
        assert writing.wait(timeout=30)
        later = [pool.submit(log.append, _draft(number, 0)) for number in range(1, 6)]
        while len(log._queue) < 5:  # the five wait behind the first batch
            threading.Event().wait(0.01)
        release.set()
        seqs = [first.result(timeout=60), *(future.result(timeout=60) for future in later)]

    assert batches == [1, 5]
    assert sorted(seqs) == list(range(1, 7))
    assert _verify(node).ok


def test_nothing_is_returned_before_its_transaction_commits(node: Database) -> None:
    log = GroupCommit(node)
    committed: list[int] = []

    @event.listens_for(node.engine, "commit")
    def _seen(_connection: Any) -> None:
        committed.append(len(committed) + 1)

    seq = log.append(_draft(1, 0))

    assert committed  # the transaction had committed when append returned
    with Session(node.engine) as session:  # a connection of its own sees it
        assert session.scalar(select(AuditEntry.seq).where(AuditEntry.seq == seq)) == seq


def test_a_failed_batch_fails_every_request_in_it_and_writes_nothing(
    node: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = GroupCommit(node)
    log.append(_draft(0, 0))
    append_drafts = group.append_drafts

    def broken(connection: Connection, drafts: Any, **kwargs: Any) -> Any:
        append_drafts(connection, drafts, **kwargs)
        raise OSError("disk full")

    monkeypatch.setattr(group, "append_drafts", broken)
    with pytest.raises(ServiceUnavailable) as failed:
        log.append(_draft(1, 0))
    assert failed.value.code == "audit_unavailable"
    assert failed.value.status == 503
    monkeypatch.setattr(group, "append_drafts", append_drafts)

    assert [row.seq for row in _entries(node)] == [1]
    assert log.append(_draft(2, 0)) == 2
    assert _verify(node).ok


def test_a_batch_waits_for_the_entries_of_reads_under_way(
    node: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = GroupCommit(node, linger=30)
    batches: list[int] = []
    append_drafts = group.append_drafts

    def counted(connection: Connection, drafts: Any, **kwargs: Any) -> Any:
        batches.append(len(drafts))
        return append_drafts(connection, drafts, **kwargs)

    monkeypatch.setattr(group, "append_drafts", counted)
    reading, read = threading.Event(), threading.Event()

    def slow_reader() -> int:
        with log.expecting() as append:
            reading.set()
            assert read.wait(timeout=30)
            return append(_draft(1, 0))

    with ThreadPoolExecutor(max_workers=2) as pool:
        slow = pool.submit(slow_reader)
        assert reading.wait(timeout=30)
        quick = pool.submit(log.append, _draft(0, 0))  # waits for the slow read's entry
        threading.Event().wait(0.2)
        assert not quick.done()
        read.set()
        assert sorted([quick.result(timeout=30), slow.result(timeout=30)]) == [1, 2]

    assert batches == [2]


def test_a_read_that_ends_without_an_entry_holds_nobody_up(node: Database) -> None:
    log = GroupCommit(node, linger=30)
    reading, failed = threading.Event(), threading.Event()

    def failing_reader() -> None:
        with log.expecting():
            reading.set()
            assert failed.wait(timeout=30)
            raise LookupError("no such data set")

    with ThreadPoolExecutor(max_workers=2) as pool:
        doomed = pool.submit(failing_reader)
        assert reading.wait(timeout=30)
        waiting = pool.submit(log.append, _draft(0, 0))
        threading.Event().wait(0.2)
        assert not waiting.done()  # waiting for the read's entry
        started = time.monotonic()
        failed.set()
        assert waiting.result(timeout=30) == 1
        assert time.monotonic() - started < 10  # not the 30 s it would wait at most
        with pytest.raises(LookupError):
            doomed.result(timeout=30)

    started = time.monotonic()
    assert log.append(_draft(0, 1)) == 2  # alone: no wait at all
    assert time.monotonic() - started < 10
