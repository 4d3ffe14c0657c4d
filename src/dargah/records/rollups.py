"""Row counts per slice over the field sets a data set declares (``dargah:rollups``).

A national pivot (students by province × degree level × gender) is a GROUP BY over
millions of rows: seconds on SQLite. The counts change only when a slice is loaded,
so each load replaces its slice's counts, inside the load's transaction, in one small
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
)

from dargah.catalogue.documents import DatasetDocument, version_tuple
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


def refresh_slice(connection: Connection, document: DatasetDocument, *, slice_id: int) -> None:
    """Replace slice ``slice_id``'s counts in every rollup of ``document``.

    Runs in the load's transaction, after its rows are written, so the counts are
    visible exactly when the rows are. A rollup table made now (a version declared it
    after loads had happened) is filled from every slice, so it is never partial.
    """
    declared = rollups(document)
    if not declared:
        return
    records = record_tables(document)
    inspector = inspect(connection)
    for rollup in declared:
        if not inspector.has_table(rollup.table.name):
            rollup.table.create(connection)
            _fill(connection, rollup, records, None)
            continue
        connection.execute(delete(rollup.table).where(rollup.table.c[SLICE] == slice_id))
        _fill(connection, rollup, records, slice_id)


def choose(document: DatasetDocument, names: Sequence[str]) -> Rollup | None:
    """The narrowest rollup holding every field in ``names``, or None."""
    wanted = set(names)
    fitting = [rollup for rollup in rollups(document) if wanted <= set(rollup.fields)]
    return min(fitting, key=lambda rollup: len(rollup.fields), default=None)
