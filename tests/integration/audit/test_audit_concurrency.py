"""Concurrent writers chain one after another: no gaps, no forks, nothing lost."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from dargah.access.policy import Principal, Role
from dargah.audit.events import AuditAction
from dargah.audit.models import AuditEntry
from dargah.audit.service import record
from dargah.audit.verify import ChainReport, verify_chain
from dargah.db.engine import make_engine
from dargah.db.schema import upgrade

WRITERS = 4
ENTRIES_EACH = 25


@pytest.fixture
def migrated_engine(fresh_database_url: str) -> Iterator[Engine]:
    engine = make_engine(fresh_database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def _writer(sessions: sessionmaker[Session], number: int, start: threading.Barrier) -> None:
    principal = Principal(kind="person", role=Role.OPERATOR, name=f"writer{number}")
    start.wait()
    for index in range(ENTRIES_EACH):
        with sessions() as session, session.begin():
            record(
                session,
                principal=principal,
                action=AuditAction.MEMBER_UPDATED,
                entity_type="member",
                entity_id=f"IR/UNI/{number}",
                details={"writer": number, "index": index},
            )


def _verify_until_done(sessions: sessionmaker[Session], done: threading.Event) -> list[ChainReport]:
    """Verify again and again while the writers run: it must never cry wolf."""
    reports = []
    while not done.is_set():
        with sessions() as session, session.begin():
            reports.append(verify_chain(session, batch_size=7))
    return reports


@pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)
def test_concurrent_writers_build_one_gapless_chain(migrated_engine: Engine) -> None:
    sessions = sessionmaker(bind=migrated_engine, expire_on_commit=False)
    start = threading.Barrier(WRITERS)
    done = threading.Event()

    with ThreadPoolExecutor(max_workers=WRITERS + 1) as pool:
        verifier = pool.submit(_verify_until_done, sessions, done)
        writers = [pool.submit(_writer, sessions, number, start) for number in range(WRITERS)]
        try:
            for writer in writers:
                writer.result(timeout=300)
        finally:
            done.set()
        reports_during = verifier.result(timeout=300)

    with sessions() as session:
        rows = session.execute(select(AuditEntry.seq, AuditEntry.actor)).all()
        final = verify_chain(session)

    total = WRITERS * ENTRIES_EACH
    assert sorted(row.seq for row in rows) == list(range(1, total + 1))
    for number in range(WRITERS):
        assert sum(row.actor == f"writer{number}" for row in rows) == ENTRIES_EACH
    assert final.ok, final.first_problem
    assert (final.entries_checked, final.head_seq) == (total, total)
    assert reports_during
    assert all(report.ok for report in reports_during), [
        report.first_problem for report in reports_during if not report.ok
    ]
