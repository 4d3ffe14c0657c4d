"""Writing a polars frame into a table the fastest way each database offers.

``COPY`` of CSV on PostgreSQL; ``executemany`` of plain tuples on SQLite, with the
columns that hold one value for every row written as literals.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from typing import Any, Final

import polars as pl
from sqlalchemy import Connection

from dargah.records.tables import SLICE, SUBMISSION

_BATCH: Final = 50_000
_ROWS_PER_CALL: Final = 10_000
"""SQLite rows per ``executemany``: their Python values exist all at once."""
LOAD_CACHE_KIB: Final = 65_536
"""SQLite page cache of a connection while it loads (KiB; SQLite's default is 2 MiB)."""


@contextlib.contextmanager
def load_cache(connection: Connection, kib: int = LOAD_CACHE_KIB) -> Iterator[None]:
    """A larger SQLite page cache for the duration of a load.

    Rows arrive in key order, but a secondary index (a student's national id) takes
    them in random order: with SQLite's 2 MiB cache each insert then reads and later
    spills a page of that index, which more than doubles the cost of the insert. A
    cache that holds the indexes of a million-row slice keeps them in memory; it is
    given back (pages freed) when the load ends. PostgreSQL has its shared buffers.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    raw: Any = connection.connection.dbapi_connection
    before = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        # A connection broken by the load's failure goes back to the pool to be dropped.
        with contextlib.suppress(sqlite3.Error):
            raw.execute(f"PRAGMA cache_size = {int(before)}")


_SYSTEM_CONSTANTS: Final = frozenset({SLICE, SUBMISSION})


def bulk_insert(connection: Connection, table: str, frame: pl.DataFrame) -> None:
    """Insert a frame whose columns are named as the table's, the fastest way per database."""
    # The driver's own connection: COPY (psycopg) is not part of the DB-API.
    raw: Any = connection.connection.dbapi_connection
    names = ", ".join(f'"{name}"' for name in frame.columns)
    if connection.dialect.name == "postgresql":
        with (
            raw.cursor() as pg_cursor,
            pg_cursor.copy(f'COPY "{table}" ({names}) FROM STDIN (FORMAT csv)') as copy,
        ):
            for offset in range(0, frame.height, _BATCH):
                part = frame.slice(offset, _BATCH)
                copy.write(part.write_csv(include_header=False, null_value=""))
        return
    # sqlite3 binds str/int/float/None natively; dates go as ISO text like SQLAlchemy's.
    # Integer columns that hold one value (the slice, the submission) are written as
    # literals: every bound value costs a Python object and a bind per row.
    constant = {
        name: int(frame[name][0])
        for name, kind in frame.schema.items()
        if kind == pl.Int64 and name in _SYSTEM_CONSTANTS and frame[name].n_unique() == 1
    }
    plain = frame.drop(list(constant)).with_columns(
        [pl.col(name).cast(pl.String) for name, kind in frame.schema.items() if kind == pl.Date]
    )
    names = ", ".join(f'"{name}"' for name in (*constant, *plain.columns))
    values = ", ".join([*(str(value) for value in constant.values()), *("?" * plain.width)])
    cursor: Any = raw.cursor()
    try:
        for offset in range(0, plain.height, _ROWS_PER_CALL):
            part = plain.slice(offset, _ROWS_PER_CALL)
            # Rows zipped from whole columns: each column is made into Python values in
            # one call, about a quarter faster than polars' row iterator.
            cursor.executemany(
                f'INSERT INTO "{table}" ({names}) VALUES ({values})',
                zip(*(part[name].to_list() for name in part.columns), strict=True),
            )
    finally:
        cursor.close()
