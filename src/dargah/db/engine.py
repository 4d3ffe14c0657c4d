"""Engine construction for the two supported databases, SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 30_000
# An execution option: statements on this connection run outside any transaction.
_OUTSIDE_TRANSACTION = "dargah_outside_transaction"


def make_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> Engine:
    """Create an engine with the settings each database needs to be safe and fast."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, echo=echo, pool_size=pool_size)
    return create_engine(
        url,
        echo=echo,
        # Statement parameters (national ids, secrets' digests) stay out of errors
        # and logs; the statement itself is enough to find the bug.
        hide_parameters=True,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        future=True,
    )


def read_engine(engine: Engine) -> Engine:
    """``engine`` for reads outside any transaction: each statement commits on its own.

    PostgreSQL: the driver's autocommit, so no BEGIN and ROLLBACK round trips. SQLite:
    its connections run without the sqlite3 module's transaction handling anyway, and
    ``_on_begin`` is told not to begin one — no turn at the write lock. (SQLAlchemy's
    AUTOCOMMIT level would do the same there, plus a PRAGMA each time a connection goes
    back to the pool.)
    """
    if engine.dialect.name == "sqlite":
        return engine.execution_options(**{_OUTSIDE_TRANSACTION: True})
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def _sqlite_engine(url: str, *, echo: bool, pool_size: int) -> Engine:
    parsed = make_url(url)
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # SQLAlchemy pools connections to a file (QueuePool); in memory, one per thread.
    in_memory = not database or database == ":memory:" or parsed.query.get("mode") == "memory"
    engine = create_engine(
        url,
        echo=echo,
        # Statement parameters (national ids, secrets' digests) stay out of errors
        # and logs; the statement itself is enough to find the bug.
        hide_parameters=True,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        # As many connections kept as for PostgreSQL: a connection opened past the pool
        # is closed again on return, and opening one runs the PRAGMAs below.
        **({} if in_memory else {"pool_size": pool_size, "max_overflow": pool_size}),
        future=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module, which would otherwise
        # start transactions lazily and break SAVEPOINT handling.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    # Threads of this process take turns at SQLite's write lock here, woken as soon as
    # it is free, instead of in SQLite's busy handler, which sleeps up to 100 ms between
    # tries: with every read audited (a write), that sleeping capped a worker at about a
    # hundred requests a second. Other processes still queue on busy_timeout. A thread
    # that already holds a transaction and opens another waits at most the same timeout,
    # then falls back to SQLite's own waiting, so nothing can hang here for good.
    writer = threading.Lock()
    held = "dargah_write_turn"

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT" or options.get(_OUTSIDE_TRANSACTION):
            return  # probes, schema checks and ``read_engine`` read outside any transaction
        connection.info[held] = writer.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        # IMMEDIATE takes the write lock up front: a deferred transaction that reads and
        # then writes can fail at once with SQLITE_BUSY instead of waiting its turn.
        # Readers in WAL mode are never blocked by it; writers queue on busy_timeout.
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _end(connection)
            raise

    def _end(connection: Any) -> None:
        if connection.info.pop(held, False):
            writer.release()

    event.listen(engine, "commit", _end)
    event.listen(engine, "rollback", _end)

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        # A connection lent out with isolation_level="AUTOCOMMIT" (reads, probes) comes
        # back with the sqlite3 module's own transaction handling switched on again (the
        # dialect's reset); take it away again before the next use.
        dbapi_connection.isolation_level = None

    return engine
