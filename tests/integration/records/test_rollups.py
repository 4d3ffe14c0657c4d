"""Counts answered from the rollups equal the GROUP BY over the records, on both
databases, after first loads, re-submissions and delta loads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from dargah.access import grants
from dargah.access.policy import Role
from dargah.access.protection import RowLimits
from dargah.access.schemas import GrantCreate
from dargah.audit.models import AuditEntry
from dargah.catalogue import service as catalogue
from dargah.config import Settings
from dargah.db.session import Database
from dargah.members import service as members
from dargah.members.models import Member
from dargah.records import rollups
from dargah.records import service as query_service
from dargah.records import tables as record_tables
from dargah.records.query import QuerySpec, compile_query, rollup_for
from dargah.submissions.models import SubmissionMode
from support.factories import Actor, make_hq_unit, make_institution
from support.queries import HEADER, SLUG, load, row, sync_people

SPECS: list[dict[str, Any]] = [
    {"group_by": ["province", "degree_level", "gender"], "aggregates": [{"fn": "count"}]},
    {"group_by": ["institution_type", "gender"], "aggregates": [{"fn": "count"}]},
    {"group_by": ["institution", "period", "degree_level"], "aggregates": [{"fn": "count"}]},
    {"aggregates": [{"fn": "count", "name": "total"}]},
    {
        "group_by": ["degree_level"],
        "where": [{"field": "gender", "op": "=", "value": "f"}],
        "aggregates": [{"fn": "count"}],
    },
    {
        "group_by": ["city"],
        "where": [
            {"field": "province", "op": "in", "value": ["23"]},
            {"field": "city", "op": "contains", "value": "تهر"},
        ],
        "aggregates": [{"fn": "count"}],
        "order_by": [{"field": "count", "direction": "desc"}],
    },
    {"group_by": ["gender"], "as_of": "1403-1", "aggregates": [{"fn": "count"}]},
    {"aggregates": [{"fn": "count"}], "where": [{"field": "gender", "op": "=", "value": "z"}]},
]


def _answers(session: Session, spec_body: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """The same query read from its rollup and from the records."""
    document = catalogue.as_document(*_active(session))
    spec = QuerySpec.model_validate(spec_body)
    rollup = rollup_for(spec, document)
    assert rollup is not None, spec_body
    limits = RowLimits()
    fast = compile_query(spec, document=document, limits=limits, rollup=rollup)
    slow = compile_query(spec, document=document, limits=limits)
    return (
        [tuple(item) for item in session.execute(fast.statement).all()],
        [tuple(item) for item in session.execute(slow.statement).all()],
    )


def _active(session: Session) -> tuple[Any, Any]:
    dataset = catalogue.get_dataset(session, SLUG)
    version = catalogue.active_version(dataset)
    assert version is not None
    return dataset, version


def _assert_same(session: Session) -> None:
    for body in SPECS:
        fast, slow = _answers(session, body)
        assert fast == slow, body
        assert slow, body  # the comparison saw data


@pytest.fixture
def places(session: Session) -> tuple[Member, Member]:
    sync_people(session)
    near = make_institution(session, code="7401", province="23")
    far = make_institution(session, code="7402", province="03", institution_type="payame_noor")
    session.commit()
    return near, far


def test_rollup_answers_equal_group_by_through_loads_resubmissions_and_deltas(
    session: Session,
    database: Database,
    settings: Settings,
    tmp_path: Path,
    places: tuple[Member, Member],
) -> None:
    near, far = places
    first = [
        row(str(n), gender="f" if n % 3 else "m", level="bachelor" if n < 30 else "master")
        for n in range(1, 41)
    ]
    load(database, settings, tmp_path, institution_id=near.id, lines=first)
    load(
        database,
        settings,
        tmp_path,
        institution_id=far.id,
        lines=[row(str(n), gender="m", city="تبریز") for n in range(101, 120)],
    )
    load(
        database,
        settings,
        tmp_path,
        institution_id=near.id,
        period="1403-2",
        lines=[row(str(n), level="phd") for n in range(1, 9)],
    )
    _assert_same(session)
    before, _ = _answers(session, SPECS[3])

    # A re-submitted snapshot: rows changed, rows gone, rows new.
    again = [row(str(n), gender="m", level="master") for n in range(1, 11)]
    again += [row(str(n), city="کرج") for n in range(20, 55)]
    load(database, settings, tmp_path, institution_id=near.id, lines=again)
    _assert_same(session)
    after, _ = _answers(session, SPECS[3])
    assert after != before

    # A delta: one row changed, one deleted, one added.
    delta = [
        "upsert," + row("20", gender="m", level="phd"),
        "delete," + row("21"),
        "upsert," + row("999", gender="x"),
    ]
    load(
        database,
        settings,
        tmp_path,
        institution_id=near.id,
        lines=delta,
        mode=SubmissionMode.DELTA,
        header="_action," + HEADER,
    )
    _assert_same(session)

    # A snapshot, then the same file re-sent with one line changed and one gone: the
    # re-sent file skips its unchanged lines, and the counts follow what it changes.
    steady = [row(str(n), gender="f" if n % 2 else "m") for n in range(200, 260)]
    load(database, settings, tmp_path, institution_id=far.id, lines=steady)
    _assert_same(session)
    steady[5] = row("205", gender="x", level="phd")
    del steady[7]
    resent = load(database, settings, tmp_path, institution_id=far.id, lines=steady)
    assert (resent.updated, resent.closed, resent.unchanged) == (1, 1, 58)
    _assert_same(session)


def test_a_rollup_made_after_loads_counts_every_slice(
    session: Session,
    database: Database,
    settings: Settings,
    tmp_path: Path,
    places: tuple[Member, Member],
) -> None:
    near, far = places
    load(database, settings, tmp_path, institution_id=near.id, lines=[row("1"), row("2")])
    load(database, settings, tmp_path, institution_id=far.id, lines=[row("3", gender="m")])
    # As if a later version declared the sets: their tables do not exist yet.
    document = catalogue.as_document(*_active(session))
    for rollup in rollups.rollups(document):
        rollup.table.drop(session.connection())
    load(database, settings, tmp_path, institution_id=near.id, lines=[row("1", level="phd")])
    _assert_same(session)


def test_queries_the_rollups_cannot_answer_read_the_records(session: Session) -> None:
    sync_people(session)
    document = catalogue.as_document(*_active(session))
    refused = [
        {"group_by": ["gender"], "aggregates": [{"fn": "avg", "field": "credits"}]},
        {"group_by": ["gender"], "aggregates": [{"fn": "count", "field": "city"}]},
        {"group_by": ["gender", "credits"], "aggregates": [{"fn": "count"}]},
        {
            "group_by": ["gender"],
            "where": [{"field": "credits", "op": ">", "value": 3}],
            "aggregates": [{"fn": "count"}],
        },
        {"group_by": ["gender"], "as_of": "2024-03-20T00:00:00Z"},
        {"select": ["gender"]},
    ]
    for body in refused:
        assert rollup_for(QuerySpec.model_validate(body), document) is None, body
    # The narrowest fitting set is chosen.
    chosen = rollup_for(QuerySpec.model_validate({"group_by": ["gender"]}), document)
    assert chosen is not None
    assert chosen.fields == ("gender", "degree_level")


def test_a_rollup_answer_keeps_the_scope_suppression_and_audit(
    session: Session,
    database: Database,
    settings: Settings,
    tmp_path: Path,
    places: tuple[Member, Member],
    actor: Callable[..., Actor],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    near, far = places
    third = make_institution(session, code="7403", province="23")
    session.commit()
    for institution, lines in (
        (near, [row(str(n), gender="f" if n < 9 else "m") for n in range(1, 12)]),
        (third, [row(str(n), gender="f") for n in range(1, 7)]),
        (far, [row(str(n), gender="m") for n in range(101, 131)]),
    ):
        load(database, settings, tmp_path, institution_id=institution.id, lines=lines)
    owner = actor(Role.HQ, hq_unit=members.get_hq_unit(session, "education"))
    consumer = actor(Role.HQ, hq_unit=make_hq_unit(session, code="rollupreader"))
    grants.create_grant(
        session,
        principal=owner.principal,
        data=GrantCreate.model_validate(
            {
                "dataset": SLUG,
                "consumer": "rollupreader",
                "fields": ["gender", "degree_level"],
                "scope": {"provinces": ["23"]},
                "level": "aggregate",
                "personal": False,
                "purpose": "آمار ملی",
                "legal_basis": "بند ۳ آیین‌نامه تبادل داده",
                "expires_at": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
            }
        ),
    )
    spec = QuerySpec.model_validate(
        {"group_by": ["institution", "gender"], "aggregates": [{"fn": "count"}]}
    )
    assert rollup_for(spec, catalogue.as_document(*_active(session))) is not None

    def ask() -> query_service.QueryAnswer:
        return query_service.run_query(
            session,
            principal=consumer.principal,
            slug=SLUG,
            spec=spec,
            purpose="آمار ملی",
            secret=b"test-secret",
        )

    answer = ask()
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == SLUG).order_by(AuditEntry.seq.desc())
    ).first()
    monkeypatch.setattr(query_service, "rollup_for", lambda *_: None)
    read_from_records = ask()

    # Province 03 is outside the scope. The 3 men of 7401 are a small cell and take the
    # 8 women of their line with them (secondary); 7401/f is then alone in the f line
    # and takes 7403/f.
    cells = {(r[0], r[1]): (r[2], r[3]) for r in answer.rows}
    assert cells == {
        ("7401", "f"): (None, True),
        ("7401", "m"): (None, True),
        ("7403", "f"): (None, True),
    }
    assert answer.rows == read_from_records.rows
    assert entry is not None
    assert entry.action == "dataset.queried"
    assert entry.details["rollup"] is True
    assert entry.details["suppressed_cells"] == 3


def test_declared_indexes_are_made_with_the_records_table(
    session: Session,
    database: Database,
    settings: Settings,
    tmp_path: Path,
    places: tuple[Member, Member],
) -> None:
    load(database, settings, tmp_path, institution_id=places[0].id, lines=[row("1")])

    document = catalogue.as_document(*_active(session))
    name = record_tables.record_tables(document).current.name
    indexes = inspect(session.connection()).get_indexes(name)
    if session.get_bind().dialect.name == "sqlite":
        # On SQLite the declared index is a lookup table (tests/…/test_lookups.py).
        assert indexes == []
        (lookup,) = record_tables.record_tables(document).lookups
        assert inspect(session.connection()).has_table(lookup.table.name)
        return
    assert [index["column_names"] for index in indexes] == [["national_id"]]
