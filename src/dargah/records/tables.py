"""The typed tables of one data-set major version, built from its schema.

Each major version gets two tables, in the manner of SQL:2011 system-versioned tables:

- ``rec_<slug>_v<major>`` holds the current rows: the fields as typed columns plus
  ``_slice`` (institution and period), ``_sub`` (the submission that wrote the row, so
  its valid-from) and ``_hash`` (a hash of the row's values, to write only changes);
- ``rec_<slug>_v<major>_h`` holds every earlier state of a row with ``_closed_by``, the
  submission that replaced or closed it (so its valid-to).

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
class RecordTables:
    """The current and history tables of one data-set major version."""

    current: Table
    history: Table
    fields: tuple[str, ...]
    key: tuple[str, ...]

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


def _index(table: str, columns: list[str]) -> Index:
    # Named by its columns, so a later minor version finds the ones already made.
    digest = hashlib.sha256(",".join(columns).encode()).hexdigest()[:8]
    return Index(f"ix_{table}_{digest}", *columns)


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
    return RecordTables(
        current=current,
        history=history,
        fields=tuple(field.name for field in fields),
        key=tuple(key),
    )


def ensure(connection: Connection, tables: RecordTables) -> None:
    """Create the tables, or add the columns a newer minor version brought.

    Runs inside the caller's transaction. On PostgreSQL an advisory lock keeps two
    workers from creating the same table at once; SQLite serialises writers anyway.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": tables.current.name}
        )
    inspector = inspect(connection)
    for table in (tables.current, tables.history):
        if not inspector.has_table(table.name):
            table.create(connection)
            continue
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present:
                kind = column.type.compile(dialect=connection.dialect)
                connection.execute(
                    text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}')
                )
        indexed = {index["name"] for index in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in indexed:
                index.create(connection)


def exists(connection: Connection, tables: RecordTables) -> bool:
    """Whether the current table has been created."""
    return has_table(connection, tables.current.name)


def has_table(connection: Connection, name: str) -> bool:
    """Whether table ``name`` exists, as this connection's transaction sees it."""
    return inspect(connection).has_table(name)
