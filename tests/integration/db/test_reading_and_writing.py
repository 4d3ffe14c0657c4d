"""Reads outside any transaction, Core writes in one, and commits that drop caches."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from dargah.audit.models import AuditChainHead
from dargah.db.cache import generation
from dargah.db.engine import make_engine
from dargah.db.schema import upgrade
from dargah.db.session import Database, atomic
from support.factories import make_institution

BOTH = pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def node(fresh_database_url: str) -> Iterator[Database]:
    engine: Engine = make_engine(fresh_database_url)
    upgrade(engine)
    engine.dispose()
    database = Database.from_url(fresh_database_url)
    yield database
    database.engine.dispose()


def _head_seq(database: Database) -> int:
    with database.reading() as connection:
        return int(connection.execute(select(AuditChainHead.last_seq)).scalar_one())


@BOTH
def test_a_read_neither_waits_for_a_writer_nor_sees_what_it_has_not_committed(
    node: Database,
) -> None:
    before = _head_seq(node)
    with node.writing() as writer:
        writer.execute(text("UPDATE audit_chain_head SET last_seq = last_seq + 1000"))
        started = time.monotonic()
        # On SQLite the writer holds the write lock (and this process's turn at it): a
        # read that tried to begin a transaction of its own would wait 30 s for it.
        seen = _head_seq(node)
        assert time.monotonic() - started < 5
        assert seen == before

    assert _head_seq(node) == before + 1000


@BOTH
def test_a_failed_write_is_rolled_back(node: Database) -> None:
    before = _head_seq(node)

    def write_then_fail() -> None:
        with node.writing() as writer:
            writer.execute(text("UPDATE audit_chain_head SET last_seq = last_seq + 1"))
            raise RuntimeError("after the write")

    with pytest.raises(RuntimeError):
        write_then_fail()

    assert _head_seq(node) == before


@BOTH
def test_reads_in_threads_run_while_a_write_is_open(node: Database) -> None:
    reads: list[int] = []

    def read() -> None:
        reads.append(_head_seq(node))

    with node.writing() as writer:
        writer.execute(text("UPDATE audit_chain_head SET last_seq = last_seq + 1"))
        threads = [threading.Thread(target=read) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        assert len(reads) == 4


@pytest.mark.parametrize("fresh_database_url", ["sqlite"], indirect=True)
def test_a_sqlite_connection_lent_in_autocommit_comes_back_without_sqlite3_transactions(
    node: Database,
) -> None:
    # The readiness probe reads in AUTOCOMMIT; the dialect's reset used to hand the
    # connection back with the sqlite3 module's implicit transactions switched on.
    with node.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as probe:
        probe.execute(text("SELECT 1"))
    with node.engine.connect() as connection:
        assert connection.connection.dbapi_connection.isolation_level is None  # type: ignore[union-attr]


def test_a_commit_that_changes_a_table_bumps_its_generation(session: Session) -> None:
    before = generation(["members"]), generation(["grants"])

    with atomic(session):
        make_institution(session)
        assert generation(["members"]) == before[0]  # written, not committed yet

    assert generation(["members"]) > before[0]
    assert generation(["grants"]) == before[1]
