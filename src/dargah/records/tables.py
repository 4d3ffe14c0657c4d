"""The typed tables of one data-set major version, built from its schema.

Each major version gets two tables, in the manner of SQL:2011 system-versioned tables:

- ``rec_<slug>_v<major>`` holds the current rows: the fields as typed columns plus
  ``_slice`` (institution and period), ``_sub`` (the submission that wrote the row, so
  its valid-from) and ``_hash`` (a hash of the row's values, to write only changes);
- ``rec_<slug>_v<major>_h`` holds every earlier state of a row with ``_closed_by``, the
  submission that replaced or closed it (so its valid-to).

The schema's declared indexes (``dargah:indexes``, e.g. a student's national id) are
indexes of the current table on PostgreSQL: a hash index for a single field, which is
looked up by equality and costs a load a third of what a B-tree does, a B-tree for
several fields (decision 0017). On SQLite each is a lookup table
of its own (``rec_<slug>_v<major>_x<digest>``: the fields and the current row's rowid,
without a rowid of its own — the shape of a SQLite index), which a load fills once, in
sorted order, after its rows are written: an index takes a million rows in random
order at several times the cost (decision 0016).

A minor version only adds optional fields, so it adds columns to the same tables.
These tables are made at run time, not by migrations: the catalogue is data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    Float,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    inspect,
    text,
)
from sqlalchemy.types import TypeEngine

from dargah.catalogue.documents import DatasetDocument, version_tuple
from dargah.catalogue.schema import SchemaField

PREFIX = "rec_"
SLICE = "_slice"
SUBMISSION = "_sub"
HASH = "_hash"
CLOSED_BY = "_closed_by"
ROW = "_row"
"""The current row's rowid in a SQLite lookup table."""
SYSTEM_COLUMNS = (SLICE, SUBMISSION, HASH)
_MAX_NAME = 55  # PostgreSQL truncates identifiers at 63 bytes; leave room for suffixes

_COLUMN_TYPES: dict[str, type[TypeEngine[Any]]] = {
    "string": Text,
    "integer": BigInteger,
    "number": Float,
    "boolean": Boolean,
    "date": Date,
}


@dataclass(frozen=True)
class Lookup:
    """A declared index kept as a table on SQLite: its fields, then the row's rowid."""

    table: Table
    fields: tuple[str, ...]
    index: str
    """The name the same index has in the current table on PostgreSQL."""


@dataclass(frozen=True)
class RecordTables:
    """The current and history tables of one data-set major version."""

    current: Table
    history: Table
    fields: tuple[str, ...]
    key: tuple[str, ...]
    lookups: tuple[Lookup, ...] = ()
    """The declared indexes as SQLite lookup tables (unused on PostgreSQL)."""

    @property
    def columns(self) -> tuple[str, ...]:
        """Columns in load order: slice, fields, submission, hash."""
        return (SLICE, *self.fields, SUBMISSION, HASH)


def table_name(slug: str, major: int) -> str:
    """The current table's name; long slugs are shortened with a digest."""
    name = f"{PREFIX}{slug}_v{major}"
    if len(name) > _MAX_NAME:
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        name = f"{name[: _MAX_NAME - 9]}_{digest}"
    return name


def field_column(field: SchemaField) -> Column[Any]:
    """The typed column that stores ``field``."""
    return Column(field.name, _COLUMN_TYPES[field.type]())


def _digest(columns: list[str]) -> str:
    # Named by its columns, so a later minor version finds the ones already made.
    return hashlib.sha256(",".join(columns).encode()).hexdigest()[:8]


def _index_name(table: str, columns: list[str]) -> str:
    # Named by kind as well: a B-tree an earlier release made is then recognised and
    # replaced (``superseded_indexes``).
    kind = "hx" if len(columns) == 1 else "ix"
    return f"{kind}_{table}_{_digest(columns)}"


def _index(table: str, columns: list[str]) -> Index:
    if len(columns) == 1:
        # A single field is looked up by equality (a national id, a code): a hash index
        # takes a million rows in random order for a third of a B-tree's cost.
        return Index(_index_name(table, columns), *columns, postgresql_using="hash")
    return Index(_index_name(table, columns), *columns)


def superseded_indexes(tables: RecordTables) -> tuple[str, ...]:
    """Names of declared indexes as earlier releases made them, now replaced: the
    B-trees on a single field (``ix_…``), before those became hash indexes."""
    # ``lookups`` holds every declared index's fields, whatever the database.
    name = tables.current.name
    return tuple(
        f"ix_{name}_{_digest(list(lookup.fields))}"
        for lookup in tables.lookups
        if len(lookup.fields) == 1
    )


def _lookup(
    metadata: MetaData, table: str, columns: list[str], by_name: dict[str, SchemaField]
) -> Lookup:
    name = f"{table}_x{_digest(columns)[:6]}"
    lookup = Table(
        name,
        metadata,
        *[field_column(by_name[column]) for column in columns],
        Column(ROW, BigInteger, nullable=False),
        PrimaryKeyConstraint(*columns, ROW, name=f"pk_{name}"),
        sqlite_with_rowid=False,
    )
    return Lookup(table=lookup, fields=tuple(columns), index=_index_name(table, columns))


# Built tables by their shape. Every query needs them, and building two Table objects
# of a dozen columns costs milliseconds; reusing the same objects also lets
# SQLAlchemy reuse its compiled statements. Safe across workers: a shape never changes
# meaning, and the tables themselves are only ever read from these objects.
_BUILT: dict[tuple[object, ...], RecordTables] = {}
_BUILT_MAX = 512


def record_tables(document: DatasetDocument) -> RecordTables:
    """The tables of the document's major version (not created; see ``ensure``)."""
    shape = (
        document.id,
        version_tuple(document.version)[0],
        tuple((item.name, item.type) for item in document.schema_.fields),
        tuple(document.natural_key),
        tuple(tuple(columns) for columns in document.schema_.indexes),
    )
    found = _BUILT.get(shape)
    if found is None:
        if len(_BUILT) >= _BUILT_MAX:
            _BUILT.clear()
        found = _BUILT[shape] = _build(document)
    return found


def _build(document: DatasetDocument) -> RecordTables:
    major = version_tuple(document.version)[0]
    name = table_name(document.id, major)
    metadata = MetaData()
    key = list(document.natural_key)
    fields = list(document.schema_.fields)
    current = Table(
        name,
        metadata,
        Column(SLICE, Integer, nullable=False),
        *[field_column(field) for field in fields],
        Column(SUBMISSION, Integer, nullable=False),
        Column(HASH, BigInteger, nullable=False),
        PrimaryKeyConstraint(SLICE, *key, name=f"pk_{name}"),
        *(_index(name, columns) for columns in document.schema_.indexes),
    )
    history = Table(
        f"{name}_h",
        metadata,
        Column(SLICE, Integer, nullable=False),
        *[field_column(field) for field in fields],
        Column(SUBMISSION, Integer, nullable=False),
        Column(HASH, BigInteger, nullable=False),
        Column(CLOSED_BY, Integer, nullable=False),
        Index(f"ix_{name}_h_key", SLICE, *key),
    )
    by_name = {field.name: field for field in fields}
    return RecordTables(
        current=current,
        history=history,
        fields=tuple(field.name for field in fields),
        key=tuple(key),
        lookups=tuple(
            _lookup(metadata, name, list(columns), by_name) for columns in document.schema_.indexes
        ),
    )


def ensure(connection: Connection, tables: RecordTables) -> None:
    """Create the tables, or add the columns a newer minor version brought.

    Runs inside the caller's transaction. On PostgreSQL an advisory lock keeps two
    workers from creating the same table at once; SQLite serialises writers anyway.
    On SQLite the declared indexes are lookup tables: made and filled from the rows
    already there when missing, and an index of the same fields made by an earlier
    release is dropped. On PostgreSQL a B-tree an earlier release made on a single
    field is replaced by the hash index.
    """
    sqlite = connection.dialect.name == "sqlite"
    if not sqlite:
        connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": tables.current.name}
        )
    inspector = inspect(connection)
    lookup_indexes = {lookup.index for lookup in tables.lookups} if sqlite else set()
    for table in (tables.current, tables.history):
        if not inspector.has_table(table.name):
            table.create(connection)
            for index in table.indexes:
                if index.name in lookup_indexes:
                    connection.execute(text(f'DROP INDEX "{index.name}"'))
            continue
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present:
                kind = column.type.compile(dialect=connection.dialect)
                connection.execute(
                    text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}')
                )
        indexed = {index["name"] for index in inspector.get_indexes(table.name)}
        if table is tables.current:
            for superseded in superseded_indexes(tables):
                if superseded in indexed:
                    connection.execute(text(f'DROP INDEX "{superseded}"'))
        for index in table.indexes:
            if index.name in lookup_indexes:
                if index.name in indexed:
                    connection.execute(text(f'DROP INDEX "{index.name}"'))
            elif index.name not in indexed:
                index.create(connection)
    if sqlite:
        for lookup in tables.lookups:
            if not inspector.has_table(lookup.table.name):
                lookup.table.create(connection)
                fill_lookup(connection, tables.current.name, lookup, None)


def fill_lookup(
    connection: Connection,
    current: str,
    lookup: Lookup,
    rowids: list[tuple[int, int]] | None,
) -> None:
    """Enter the current rows in rowid ranges ``rowids`` (all rows when None) into a
        SQLite lookup table, in its own order: a B-tree filled in order touches each page
        once. Rows with a null in an indexed field are left out: a lookup table is used only
    for queries with a condition on each of its fields that no null meets."""
    if rowids == []:
        return
    names = ", ".join(f'"{name}"' for name in lookup.fields)
    present = " AND ".join(f'"{name}" IS NOT NULL' for name in lookup.fields)
    where = f"({present})"
    if rowids is not None:
        ranges = " OR ".join(f"rowid BETWEEN {int(low)} AND {int(high)}" for low, high in rowids)
        where = f"({ranges}) AND {where}"
    connection.execute(
        text(
            f'INSERT INTO "{lookup.table.name}" ({names}, "{ROW}") '
            f'SELECT {names}, rowid FROM "{current}" WHERE {where} ORDER BY {names}, rowid'
        )
    )


def exists(connection: Connection, tables: RecordTables) -> bool:
    """Whether the current table has been created."""
    return has_table(connection, tables.current.name)


def has_table(connection: Connection, name: str) -> bool:
    """Whether table ``name`` exists, as this connection's transaction sees it."""
    return inspect(connection).has_table(name)
