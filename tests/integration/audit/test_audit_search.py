"""Searching the audit log: filters, newest first, stable pages, and itself audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dargah.access.policy import Principal, Role
from dargah.audit.events import AuditAction
from dargah.audit.models import AuditEntry
from dargah.audit.service import (
    MAX_PAGE_SIZE,
    EntryFilter,
    entry_filter,
    get_entry,
    record,
    search_entries,
)
from dargah.errors import InvalidInput, NotFound

AUDITOR = Principal(kind="person", role=Role.AUDITOR, name="auditor1")
OPERATOR = Principal(
    kind="person", role=Role.OPERATOR, name="operator1", member_identifier="IR/GOV/MSRT"
)


def _seed(session: Session) -> list[AuditEntry]:
    """Twelve entries of three kinds by two actors; every third reads personal data."""
    with session.begin():
        return [
            record(
                session,
                principal=OPERATOR if number % 2 else AUDITOR,
                action=(
                    AuditAction.MEMBER_CREATED,
                    AuditAction.PERSON_READ,
                    AuditAction.API_KEY_REVOKED,
                )[number % 3],
                entity_type="member",
                entity_id=f"IR/UNI/{1000 + number % 4}",
                personal_data=number % 3 == 1,
            )
            for number in range(12)
        ]


def _seqs(entries: object) -> list[int]:
    return [entry.seq for entry in entries]  # type: ignore[attr-defined]


def _last_entry(session: Session) -> AuditEntry:
    entry = session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
    assert entry is not None
    return entry


def test_search_returns_newest_first(session: Session) -> None:
    seeded = _seed(session)

    page = search_entries(session, principal=AUDITOR, limit=5)

    assert _seqs(page.items) == sorted(_seqs(seeded), reverse=True)[:5]
    assert page.next_cursor == page.items[-1].seq


def test_pages_cover_everything_once_even_while_entries_arrive(session: Session) -> None:
    seeded = _seed(session)
    wanted = EntryFilter(actions=(AuditAction.MEMBER_CREATED, AuditAction.PERSON_READ))
    expected = [e.seq for e in reversed(seeded) if e.action != AuditAction.API_KEY_REVOKED]

    seen: list[int] = []
    cursor = None
    while True:
        page = search_entries(session, principal=AUDITOR, filters=wanted, limit=3, cursor=cursor)
        seen += _seqs(page.items)
        _seed(session)  # newer entries must not shift the pages already started
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert seen[: len(expected)] == expected
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize(
    ("filters", "matches"),
    [
        (
            entry_filter(actions=["person.read"]),
            lambda e: e.action == "person.read",
        ),
        (
            entry_filter(actions=["member.created,api_key.revoked"]),
            lambda e: e.action in {"member.created", "api_key.revoked"},
        ),
        (entry_filter(actor="operator1"), lambda e: e.actor == "operator1"),
        (entry_filter(member="IR/GOV/MSRT"), lambda e: e.member == "IR/GOV/MSRT"),
        (entry_filter(entity_id=" IR/UNI/1002 "), lambda e: e.entity_id == "IR/UNI/1002"),
        (entry_filter(personal_data=True), lambda e: e.personal_data),
        (entry_filter(personal_data=False), lambda e: not e.personal_data),
        (
            entry_filter(actions=["person.read"], actor="auditor1"),
            lambda e: e.action == "person.read" and e.actor == "auditor1",
        ),
    ],
    ids=["action", "actions", "actor", "member", "entity", "pii", "no-pii", "combined"],
)
def test_filters_select_exactly_the_matching_entries(
    session: Session, filters: EntryFilter, matches: object
) -> None:
    seeded = _seed(session)

    page = search_entries(session, principal=AUDITOR, filters=filters, limit=MAX_PAGE_SIZE)

    expected = [e.seq for e in reversed(seeded) if matches(e)]  # type: ignore[operator]
    assert expected
    assert _seqs(page.items)[: len(expected)] == expected
    assert all(matches(e) for e in page.items)  # type: ignore[operator]


def test_the_time_window_includes_from_and_excludes_to(session: Session) -> None:
    seeded = _seed(session)
    middle = seeded[6]

    later = search_entries(
        session, principal=AUDITOR, filters=entry_filter(since=middle.at), limit=MAX_PAGE_SIZE
    )
    earlier = search_entries(
        session, principal=AUDITOR, filters=entry_filter(until=middle.at), limit=MAX_PAGE_SIZE
    )

    assert middle.seq in _seqs(later.items)
    assert all(entry.at >= middle.at for entry in later.items)
    assert middle.seq not in _seqs(earlier.items)
    assert all(entry.at < middle.at for entry in earlier.items)


def test_a_time_without_zone_is_utc() -> None:
    naive = datetime(2024, 3, 20, 5, 0)  # noqa: DTZ001 (what a person types)

    filters = entry_filter(since=naive)

    assert filters.since == datetime(2024, 3, 20, 5, 0, tzinfo=UTC)


def test_searching_is_audited_with_the_filters(session: Session) -> None:
    _seed(session)
    before = session.scalar(select(func.max(AuditEntry.seq)))
    session.commit()

    page = search_entries(
        session,
        principal=AUDITOR,
        filters=entry_filter(actions=["person.read"], personal_data=True),
        limit=2,
        purpose="بازرسی دوره‌ای",
    )

    entry = _last_entry(session)
    assert entry.seq == (before or 0) + 1
    assert entry.action == AuditAction.AUDIT_SEARCHED.value
    assert entry.actor == "auditor1"
    assert entry.purpose == "بازرسی دوره‌ای"
    assert entry.details == {
        "filters": {"actions": ["person.read"], "personal_data": True},
        "limit": 2,
        "cursor": None,
        "returned": len(page.items),
    }
    assert entry.seq not in _seqs(page.items)


def test_reading_one_entry_is_audited(session: Session) -> None:
    seeded = _seed(session)

    entry = get_entry(session, principal=AUDITOR, seq=seeded[3].seq)

    assert entry.seq == seeded[3].seq
    audit = _last_entry(session)
    assert audit.action == AuditAction.AUDIT_SEARCHED.value
    assert (audit.entity_type, audit.entity_id) == ("audit_entry", str(seeded[3].seq))


def test_an_unknown_entry_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound) as caught:
        get_entry(session, principal=AUDITOR, seq=10**9)

    assert caught.value.code == "audit_entry_not_found"


def test_an_unknown_action_code_is_refused_by_name() -> None:
    with pytest.raises(InvalidInput) as caught:
        entry_filter(actions=["member.created", "member.deleted"])

    assert caught.value.code == "audit_action_unknown"
    assert "member.deleted" in caught.value.message_en
    assert "member.deleted" in caught.value.message_fa
    assert caught.value.details["unknown"] == ["member.deleted"]


def test_an_inverted_time_window_is_refused() -> None:
    start = datetime(2024, 3, 20, tzinfo=UTC)

    with pytest.raises(InvalidInput) as caught:
        entry_filter(since=start, until=start - timedelta(seconds=1))

    assert caught.value.code == "audit_time_range_inverted"


@pytest.mark.parametrize(
    ("limit", "cursor", "code"),
    [
        (0, None, "audit_limit_out_of_range"),
        (MAX_PAGE_SIZE + 1, None, "audit_limit_out_of_range"),
        (10, 0, "audit_cursor_invalid"),
    ],
)
def test_bad_paging_is_refused_and_not_audited(
    session: Session, limit: int, cursor: int | None, code: str
) -> None:
    before = session.scalar(select(func.count()).select_from(AuditEntry))

    with pytest.raises(InvalidInput) as caught:
        search_entries(session, principal=AUDITOR, limit=limit, cursor=cursor)

    assert caught.value.code == code
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_an_inverted_window_built_by_hand_is_refused_too(session: Session) -> None:
    start = datetime(2024, 3, 20, tzinfo=UTC)

    with pytest.raises(InvalidInput):
        search_entries(
            session, principal=AUDITOR, filters=EntryFilter(since=start, until=start.replace(day=1))
        )
