"""Row counts per slice over the field sets a data set declares (``dargah:rollups``).

A national pivot (students by province × degree level × gender) is a GROUP BY over
millions of rows: seconds on SQLite. The counts change only when a slice is loaded,
so each load applies its changes to its slice's counts, inside the load's transaction
(``CountChanges``: what it inserts counted as it goes, what it closes taken away), in one small
table per declared field set: ``rec_<slug>_v<major>_r<digest>`` with ``_slice``, the
fields and ``_n``. A query that only counts, and groups and filters by a rollup's
fields and the institution's columns, is then answered from those few rows
(``records.query`` compiles it over the rollup table instead of the records) with the
same scope, suppression and audit (decision 0012).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    Table,
    delete,
    func,
    insert,
    inspect,
    select,
    text,
)

from dargah.catalogue.documents import DatasetDocument, version_tuple
from dargah.records.bulk import bulk_insert
from dargah.records.tables import SLICE, RecordTables, field_column, record_tables, table_name

COUNT = "_n"


@dataclass(frozen=True)
class Rollup:
    """One declared field set and its table."""

    fields: tuple[str, ...]
    table: Table


# Built rollup tables by their shape, for the reasons ``records.tables`` keeps its own.
_BUILT: dict[tuple[object, ...], tuple[Rollup, ...]] = {}
_BUILT_MAX = 512


def rollups(document: DatasetDocument) -> tuple[Rollup, ...]:
    """The rollups ``document`` declares, with their tables (not created)."""
    if not document.schema_.rollups:
        return ()
    declared = {name for fields in document.schema_.rollups for name in fields}
    shape = (
        document.id,
        version_tuple(document.version)[0],
        tuple(tuple(fields) for fields in document.schema_.rollups),
        tuple((item.name, item.type) for item in document.schema_.fields if item.name in declared),
    )
    found = _BUILT.get(shape)
    if found is None:
        if len(_BUILT) >= _BUILT_MAX:
            _BUILT.clear()
        found = _BUILT[shape] = _build(document)
    return found


def _build(document: DatasetDocument) -> tuple[Rollup, ...]:
    major = version_tuple(document.version)[0]
    base = table_name(document.id, major)
    found = []
    for declared in document.schema_.rollups:
        fields = tuple(declared)
        # Named by the field set, not its position: versions may add or reorder sets.
        digest = hashlib.sha256(",".join(sorted(fields)).encode()).hexdigest()[:8]
        name = f"{base}_r{digest}"
        table = Table(
            name,
            MetaData(),
            Column(SLICE, Integer, nullable=False),
            *[field_column(document.schema_.field(item)) for item in fields],
            Column(COUNT, BigInteger, nullable=False),
            Index(f"ix_{name}_slice", SLICE),
        )
        found.append(Rollup(fields=fields, table=table))
    return tuple(found)


def _fill(
    connection: Connection,
    rollup: Rollup,
    records: RecordTables,
    slice_id: int | None,
) -> None:
    source = records.current
    dimensions = [source.c[item] for item in rollup.fields]
    query = select(source.c[SLICE], *dimensions, func.count()).group_by(
        source.c[SLICE], *dimensions
    )
    if slice_id is not None:
        query = query.where(source.c[SLICE] == slice_id)
    target = [SLICE, *rollup.fields, COUNT]
    connection.execute(insert(rollup.table).from_select(target, query))


def prepare(connection: Connection, document: DatasetDocument, *, slice_id: int) -> CountChanges:
    """Make the rollup tables ``document`` declares that do not exist yet, and return
    what a load of slice ``slice_id`` uses to keep their counts.

    A table made now (a version declared it after loads had happened) is filled from
    every slice as they are before the load, so the load's changes apply on top and
    it is never partial.
    """
    declared = rollups(document)
    if declared:
        records = record_tables(document)
        inspector = inspect(connection)
        for rollup in declared:
            if not inspector.has_table(rollup.table.name):
                rollup.table.create(connection)
                _fill(connection, rollup, records, None)
    return CountChanges(declared, slice_id)


class CountChanges:
    """How one load changes its slice's counts, applied in the load's transaction.

    Recounting the slice would read every row of it, seconds for a million rows on
    SQLite, even when a re-sent file changed one row in a hundred. The load already
    knows what it changes: the rows it inserts are counted in polars as they go by,
    and the rows it closes are counted in the database, through the keys it closes
    them by, before they move to history. ``apply`` then merges those changes into
    the slice's counts, so they are visible exactly when the rows are.
    """

    def __init__(self, declared: tuple[Rollup, ...], slice_id: int) -> None:
        self._declared = declared
        self._slice_id = slice_id
        self._added: list[list[pl.DataFrame]] = [[] for _ in declared]
        self._closed = False

    def inserted(self, rows: pl.DataFrame) -> None:
        """Count rows about to be inserted (typed, as written)."""
        if not rows.height:
            return
        for rollup, parts in zip(self._declared, self._added, strict=True):
            parts.append(rows.group_by(rollup.fields).len(name=COUNT))
            if len(parts) > _PARTS_KEPT:
                parts[:] = [_summed(parts, rollup.fields)]

    def closing(self, connection: Connection, source: str, parameters: dict[str, object]) -> None:
        """Take away rows about to be closed: ``source`` is the SQL ``FROM`` clause that
        finds them, with the current table as ``c``; the rows must still be there.
        (SQLite; PostgreSQL does it inside the closing statement, ``closing_from``.)"""
        if not self._declared:
            return
        self._closed = True
        # The rows are found once, counted over every field of every set; each set's
        # cells are then summed from those few counts.
        union = sorted({name for rollup in self._declared for name in rollup.fields})
        found = ", ".join(f'c."{name}"' for name in union)
        connection.execute(text(f"DROP TABLE IF EXISTS {_CLOSED_TABLE}"))
        connection.execute(
            text(
                f"CREATE TEMP TABLE {_CLOSED_TABLE} AS SELECT {found}, count(*) AS {COUNT} "
                f"FROM {source} GROUP BY {found}"
            ),
            parameters,
        )
        for rollup in self._declared:
            names = ", ".join(f'"{name}"' for name in rollup.fields)
            connection.execute(
                text(
                    f'INSERT INTO "{rollup.table.name}" ({SLICE}, {names}, {COUNT}) '
                    f"SELECT {int(self._slice_id)}, {names}, -sum({COUNT}) "
                    f"FROM {_CLOSED_TABLE} GROUP BY {names}"
                )
            )
        connection.execute(text(f"DROP TABLE {_CLOSED_TABLE}"))

    def closing_from(self, rows: str) -> list[str]:
        """PostgreSQL: statements that take away rows being closed, read from ``rows``,
        the name of a ``DELETE … RETURNING`` step of the same statement (so the rows
        are found once, by the delete itself)."""
        if not self._declared:
            return []
        self._closed = True
        statements = []
        for rollup in self._declared:
            names = ", ".join(f'"{name}"' for name in rollup.fields)
            statements.append(
                f'INSERT INTO "{rollup.table.name}" ({SLICE}, {names}, {COUNT}) '
                f"SELECT {int(self._slice_id)}, {names}, -count(*) FROM {rows} GROUP BY {names}"
            )
        return statements

    def apply(self, connection: Connection) -> None:
        """Merge the changes into the slice's counts; cells that reach zero go."""
        for rollup, parts in zip(self._declared, self._added, strict=True):
            if not parts and not self._closed:
                continue
            if parts:
                added = _summed(parts, rollup.fields)
                bulk_insert(
                    connection,
                    rollup.table.name,
                    added.select(pl.lit(self._slice_id, dtype=pl.Int64).alias(SLICE), pl.all()),
                )
                parts.clear()
            table = rollup.table
            dimensions = [table.c[name] for name in rollup.fields]
            total = func.sum(table.c[COUNT])
            cells = connection.execute(
                select(*dimensions, total)
                .where(table.c[SLICE] == self._slice_id)
                .group_by(*dimensions)
                .having(total != 0)
            ).all()
            connection.execute(delete(table).where(table.c[SLICE] == self._slice_id))
            if cells:
                connection.execute(
                    insert(table),
                    [
                        {
                            SLICE: self._slice_id,
                            **dict(zip(rollup.fields, cell[:-1], strict=True)),
                            COUNT: int(cell[-1]),
                        }
                        for cell in cells
                    ],
                )
        self._closed = False


_PARTS_KEPT: Final = 32
_CLOSED_TABLE: Final = "_dargah_closed_counts"


def _summed(parts: list[pl.DataFrame], fields: tuple[str, ...]) -> pl.DataFrame:
    return pl.concat(parts).group_by(fields).agg(pl.col(COUNT).sum())


def choose(document: DatasetDocument, names: Sequence[str]) -> Rollup | None:
    """The narrowest rollup holding every field in ``names``, or None."""
    wanted = set(names)
    fitting = [rollup for rollup in rollups(document) if wanted <= set(rollup.fields)]
    return min(fitting, key=lambda rollup: len(rollup.fields), default=None)
