"""Declared indexes: PostgreSQL indexes of the records table (a hash index for a single
field, decision 0017); SQLite lookup tables that every load keeps equal to the current
rows, and that queries bounding their fields go through (decision 0016)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from dargah.access.protection import RowLimits
from dargah.catalogue import service as catalogue
from dargah.catalogue.documents import DatasetDocument
from dargah.config import Settings
from dargah.db.session import Database
from dargah.members.models import Member
from dargah.records import tables as record_tables
from dargah.records.query import QuerySpec, compile_query
from dargah.submissions.models import SubmissionMode
from support.factories import make_institution
from support.queries import HEADER, NATIONAL_IDS, SLUG, load, row, sync_people


@pytest.fixture
def places(session: Session) -> tuple[Member, Member]:
    sync_people(session)
    first = make_institution(session, code="7501", province="23")
    second = make_institution(session, code="7502", province="03")
    session.commit()
    return first, second


Send = Callable[..., object]


@pytest.fixture
def send(database: Database, settings: Settings, tmp_path: Path) -> Send:
    """Submit lines for an institution through the real path (``support.queries.load``)."""

    def submit(member: Member, lines: list[str], **options: Any) -> object:
        return load(database, settings, tmp_path, institution_id=member.id, lines=lines, **options)

    return submit


def _rows(first: int, last: int) -> list[str]:
    return [row(str(number)) for number in range(first, last + 1)]


def _document(session: Session) -> DatasetDocument:
    dataset = catalogue.get_dataset(session, SLUG)
    version = catalogue.active_version(dataset)
    assert version is not None
    return catalogue.as_document(dataset, version)


def _sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _assert_lookup_is_current(session: Session) -> None:
    """The lookup table holds exactly the current rows with a national id (SQLite), or
    the records table has the index (PostgreSQL)."""
    tables = record_tables.record_tables(_document(session))
    (lookup,) = tables.lookups
    current = tables.current.name
    indexes = inspect(session.connection()).get_indexes(current)
    if not _sqlite(session):
        # A single field: a hash index (decision 0017), and no B-tree beside it.
        assert [index["column_names"] for index in indexes] == [["national_id"]]
        assert indexes[0]["dialect_options"]["postgresql_using"] == "hash"
        return
    assert indexes == []  # the index is the lookup table, not part of the records table
    held = session.execute(text(f'SELECT national_id, _row FROM "{lookup.table.name}"')).all()  # noqa: S608
    rows = session.execute(
        text(f'SELECT national_id, rowid FROM "{current}" WHERE national_id IS NOT NULL')  # noqa: S608
    ).all()
    assert sorted(held) == sorted(rows)
    assert len(held) == len(set(held))


def _line(number: str, national_id: str, **fields: Any) -> str:
    """A row whose national id is chosen, not derived from its number."""
    parts = row(number, **fields).split(",")
    parts[1] = national_id
    return ",".join(parts)


def test_lookup_follows_first_loads_resubmissions_and_deltas(
    session: Session, send: Send, places: tuple[Member, Member]
) -> None:
    first, second = places
    send(first, _rows(1, 12))
    send(second, _rows(1, 6))
    _assert_lookup_is_current(session)

    # A snapshot again: row 3 gets another national id, row 4 loses its own, rows
    # 10-12 go, 13 and 14 arrive, the rest are unchanged.
    again = [row(str(n)) for n in range(1, 10) if n not in (3, 4)]
    again += [_line("3", NATIONAL_IDS[4]), _line("4", ""), row("13"), row("14")]
    send(first, again)
    _assert_lookup_is_current(session)

    # A delta: one row changed, one deleted, one added.
    delta = [
        "upsert," + _line("2", NATIONAL_IDS[0], city="کرج"),
        "delete," + row("5"),
        "upsert," + row("77"),
    ]
    send(second, delta, mode=SubmissionMode.DELTA, header="_action," + HEADER)
    _assert_lookup_is_current(session)

    # Another period: a slice of its own, the same table.
    send(first, _rows(1, 3), period="1403-2")
    _assert_lookup_is_current(session)


QUERIES: list[dict[str, Any]] = [
    {"where": [{"field": "national_id", "op": "=", "value": NATIONAL_IDS[1]}]},
    {"where": [{"field": "national_id", "op": "in", "value": NATIONAL_IDS[2:4]}]},
    {"where": [{"field": "national_id", "op": "between", "value": NATIONAL_IDS[:2]}]},
    {"where": [{"field": "national_id", "op": ">=", "value": NATIONAL_IDS[3]}]},
    {
        "where": [
            {"field": "national_id", "op": "=", "value": NATIONAL_IDS[1]},
            {"field": "gender", "op": "=", "value": "f"},
        ]
    },
    {
        "where": [{"field": "national_id", "op": "=", "value": NATIONAL_IDS[1]}],
        "group_by": ["institution"],
        "aggregates": [{"fn": "count"}],
    },
    {"where": [{"field": "national_id", "op": "=", "value": NATIONAL_IDS[1]}], "as_of": "1403-1"},
    # Not through the lookup: a null is not in it, and != or contains need every row.
    {"where": [{"field": "national_id", "op": "is_null"}]},
    {"where": [{"field": "national_id", "op": "!=", "value": NATIONAL_IDS[1]}]},
    {"where": [{"field": "national_id", "op": "contains", "value": "123"}]},
]


@pytest.mark.parametrize("body", QUERIES, ids=range(len(QUERIES)))
def test_queries_through_the_lookup_answer_as_the_records_do(
    session: Session, send: Send, places: tuple[Member, Member], body: dict[str, Any]
) -> None:
    first, second = places
    send(first, _rows(1, 12))
    send(second, [*_rows(1, 5), _line("6", "")])
    document = _document(session)
    selected = {} if "group_by" in body else {"select": ["student_number", "national_id"]}
    spec = QuerySpec.model_validate({**selected, **body})
    plain = compile_query(spec, document=document, limits=RowLimits())
    (lookup,) = record_tables.record_tables(document).lookups
    present = [lookup.table.name] if _sqlite(session) else []
    through = compile_query(spec, document=document, limits=RowLimits(), lookups=present)
    expected = session.execute(plain.statement, dict(plain.parameters)).all()
    answered = session.execute(through.statement, dict(through.parameters)).all()
    assert sorted(map(tuple, answered)) == sorted(map(tuple, expected))
    assert expected or body["where"][0]["op"] == "is_null" or "as_of" in body
    if not _sqlite(session):
        return
    plan = " ".join(
        str(item[-1])
        for item in session.execute(text(f"EXPLAIN QUERY PLAN {_sql(session, through)}"))
    )
    uses = lookup.table.name in plan
    assert uses == (body["where"][0]["op"] in {"=", "in", "between", ">="}), plan


@pytest.mark.parametrize("op", ["=", "in"])
def test_postgresql_answers_equality_lookups_from_the_hash_index(
    session: Session, send: Send, places: tuple[Member, Member], op: str
) -> None:
    if _sqlite(session):
        pytest.skip("SQLite goes through its lookup table (tested above)")
    send(places[0], _rows(1, 12))
    tables = record_tables.record_tables(_document(session))
    (lookup,) = tables.lookups
    condition = "= :one" if op == "=" else "IN (:one, :two)"
    # Twelve rows are read faster whole; with that way closed, the index must serve.
    session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = " ".join(
        str(item[0])
        for item in session.execute(
            text(
                f'EXPLAIN SELECT student_number FROM "{tables.current.name}" '  # noqa: S608
                f"WHERE national_id {condition}"
            ),
            {"one": NATIONAL_IDS[1], "two": NATIONAL_IDS[2]},
        )
    )
    assert lookup.index.startswith("hx_")
    assert lookup.index in plan, plan


def _sql(session: Session, compiled: Any) -> str:
    """The statement's SQL with its values written in, for EXPLAIN."""
    statement = compiled.statement.params(dict(compiled.parameters))
    dialect = session.get_bind().dialect
    return str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def test_a_records_table_with_the_earlier_index_gets_the_current_layout(
    session: Session, send: Send, places: tuple[Member, Member]
) -> None:
    """SQLite: the B-tree in the records table gives way to a lookup table (decision
    0016); PostgreSQL: the B-tree on the national id to a hash index (decision 0017)."""
    send(places[0], _rows(1, 8))
    tables = record_tables.record_tables(_document(session))
    (lookup,) = tables.lookups
    (earlier,) = record_tables.superseded_indexes(tables)
    connection = session.connection()
    # The layout of an earlier release: a B-tree in the records table, no lookup table.
    if _sqlite(session):
        connection.execute(text(f'DROP TABLE "{lookup.table.name}"'))
    else:
        connection.execute(text(f'DROP INDEX "{lookup.index}"'))
    connection.execute(text(f'CREATE INDEX "{earlier}" ON "{tables.current.name}" (national_id)'))
    record_tables.ensure(connection, tables)
    _assert_lookup_is_current(session)
    send(places[0], _rows(3, 10))
    _assert_lookup_is_current(session)
