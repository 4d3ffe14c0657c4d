"""Writing a polars frame into a table the fastest way each database offers.

``COPY`` of CSV on PostgreSQL; ``executemany`` of plain tuples on SQLite, with the
columns that hold one value for every row written as literals.
"""

from __future__ import annotations

from typing import Any, Final

import polars as pl
from sqlalchemy import Connection

from dargah.records.tables import SLICE, SUBMISSION

_BATCH: Final = 50_000
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
        for offset in range(0, plain.height, _BATCH):
            cursor.executemany(
                f'INSERT INTO "{table}" ({names}) VALUES ({values})',
                plain.slice(offset, _BATCH).iter_rows(),
            )
    finally:
        cursor.close()
