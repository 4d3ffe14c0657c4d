"""Writing, searching and verifying the audit log.

``record`` appends inside the caller's transaction, so an action and its audit entry
commit together or not at all. ``search_entries``, ``get_entry`` and
``verify_audit_log`` are outermost operations: each owns its transaction and audits
itself, because reading the audit log is an event worth recording too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Select, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from dargah.access.policy import Principal
from dargah.audit.chain import HASHED_FIELDS, entry_hash
from dargah.audit.events import AuditAction
from dargah.audit.models import AuditChainHead, AuditEntry
from dargah.audit.verify import DEFAULT_BATCH_SIZE, ChainReport, verify_chain
from dargah.context import client_address_var, request_id_var
from dargah.db.base import MAX_ID, utcnow
from dargah.db.session import atomic
from dargah.errors import InvalidInput, not_found

_HEAD_ID = 1
_ENTRIES: Table = AuditEntry.__table__  # type: ignore[assignment]
_HEAD: Table = AuditChainHead.__table__  # type: ignore[assignment]
_ADVANCE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == _HEAD_ID)
    .values(last_seq=_HEAD.c.last_seq + bindparam("by"))
    .returning(_HEAD.c.last_seq, _HEAD.c.last_hash)
)
_INSERT_ENTRIES = insert(_ENTRIES)
_SEAL_HEAD = update(_HEAD).where(_HEAD.c.id == _HEAD_ID).values(last_hash=bindparam("last"))
_MOVE_HEAD = (
    update(_HEAD)
    .where(
        _HEAD.c.id == _HEAD_ID,
        _HEAD.c.last_seq == bindparam("was_seq"),
        _HEAD.c.last_hash == bindparam("was_hash"),
    )
    .values(last_seq=bindparam("seq"), last_hash=bindparam("hash"))
)


def record(
    session: Session,
    *,
    principal: Principal,
    action: AuditAction,
    entity_type: str | None = None,
    entity_id: object | None = None,
    purpose: str | None = None,
    details: dict[str, Any] | None = None,
    personal_data: bool = False,
    outcome: str = "success",
) -> AuditEntry:
    """Append one entry to the chain within the caller's open transaction."""
    if not session.in_transaction():
        raise RuntimeError("audit.record must run inside the caller's transaction")
    seq, prev_hash = _advance_head(session)
    entry = AuditEntry(
        seq=seq,
        **draft(
            principal=principal,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            purpose=purpose,
            details=details,
            personal_data=personal_data,
            outcome=outcome,
        ),
        prev_hash=prev_hash,
        entry_hash="",
    )
    entry.entry_hash = entry_hash(prev_hash, hashed_fields(entry))
    session.add(entry)
    session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == _HEAD_ID)
        .values(last_hash=entry.entry_hash)
    )
    session.flush()
    return entry


def draft(
    *,
    principal: Principal,
    action: AuditAction,
    entity_type: str | None = None,
    entity_id: object | None = None,
    purpose: str | None = None,
    details: dict[str, Any] | None = None,
    personal_data: bool = False,
    outcome: str = "success",
) -> dict[str, Any]:
    """An entry's fields but its place in the chain (``seq`` and the two hashes),
    stamped now with the request's id and client address."""
    return {
        "at": utcnow(),
        "action": action.value,
        "outcome": outcome,
        "actor_kind": principal.kind,
        "actor": principal.name,
        "actor_role": principal.role.value,
        "member": principal.member_identifier,
        "system": principal.system_identifier,
        "entity_type": entity_type,
        "entity_id": None if entity_id is None else str(entity_id),
        "purpose": purpose,
        "personal_data": personal_data,
        "request_id": request_id_var.get(),
        "client_address": client_address_var.get(),
        "details": details or {},
    }


def append_drafts(
    connection: Connection,
    drafts: Sequence[dict[str, Any]],
    *,
    head: tuple[int, str] | None = None,
) -> tuple[list[int], tuple[int, str]]:
    """Chain ``drafts`` in order within the caller's open transaction: their ``seq`` and
    the chain's new head (last ``seq`` and hash).

    ``head`` is the head as the caller last left it. If nobody has appended since, one
    update moves the head over the whole batch (taking the head's lock, as ``record``
    does) and one INSERT writes it. Otherwise, or without ``head``, the head is
    advanced first and read back, as ``record`` does, and moved to the batch's end
    after. Core statements built once: this is the hot path of every audited read
    (``audit.group``).
    """
    if not connection.in_transaction():
        raise RuntimeError("audit.append_drafts must run inside the caller's transaction")
    if not drafts:
        raise ValueError("nothing to append")
    count = len(drafts)
    if head is not None:
        rows, moved_to = _chained(drafts, after=head)
        moved = connection.execute(
            _MOVE_HEAD,
            {"seq": moved_to[0], "hash": moved_to[1], "was_seq": head[0], "was_hash": head[1]},
        )
        if moved.rowcount == 1:
            connection.execute(_INSERT_ENTRIES, rows)
            return list(range(head[0] + 1, moved_to[0] + 1)), moved_to
    found = connection.execute(_ADVANCE_HEAD, {"by": count}).one_or_none()
    if found is None:
        raise RuntimeError("audit chain head missing: run `dargah db upgrade`")
    start = (int(found[0]) - count, str(found[1]))
    rows, moved_to = _chained(drafts, after=start)
    connection.execute(_INSERT_ENTRIES, rows)
    connection.execute(_SEAL_HEAD, {"last": moved_to[1]})
    return list(range(start[0] + 1, moved_to[0] + 1)), moved_to


def _chained(
    drafts: Sequence[dict[str, Any]], *, after: tuple[int, str]
) -> tuple[list[dict[str, Any]], tuple[int, str]]:
    """``drafts`` numbered and hashed after entry ``after`` (its seq and hash)."""
    seq, prev_hash = after
    rows = []
    for fields in drafts:
        seq += 1
        row = {**fields, "seq": seq, "prev_hash": prev_hash}
        prev_hash = row["entry_hash"] = entry_hash(
            prev_hash, {name: row[name] for name in HASHED_FIELDS}
        )
        rows.append(row)
    return rows, (seq, prev_hash)


def hashed_fields(entry: AuditEntry) -> dict[str, Any]:
    """The fields of ``entry`` covered by its hash."""
    return {name: getattr(entry, name) for name in HASHED_FIELDS}


def _advance_head(session: Session) -> tuple[int, str]:
    # UPDATE first: it locks the head row (PostgreSQL) before anyone reads it.
    result = session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == _HEAD_ID)
        .values(last_seq=AuditChainHead.last_seq + 1)
        .returning(AuditChainHead.last_seq, AuditChainHead.last_hash)
    ).one_or_none()
    if result is None:
        # The first migration creates the head row; without it the chain cannot grow.
        raise RuntimeError("audit chain head missing: run `dargah db upgrade`")
    return int(result[0]), str(result[1])


def chain_head(session: Session) -> AuditChainHead | None:
    """The current head of the chain, if anything was ever recorded."""
    return session.scalar(select(AuditChainHead).where(AuditChainHead.id == _HEAD_ID))


# -- searching ------------------------------------------------------------------------

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class EntryFilter:
    """Filters of an audit search, combined with AND; ``since <= at < until``."""

    actions: tuple[AuditAction, ...] = ()
    actor: str | None = None
    member: str | None = None
    entity_type: str | None = None
    entity_id: str | None = None
    request_id: str | None = None
    personal_data: bool | None = None
    since: datetime | None = None
    until: datetime | None = None

    def as_details(self) -> dict[str, Any]:
        """The filters actually set, as JSON for the audit entry of the search."""
        details: dict[str, Any] = {}
        if self.actions:
            details["actions"] = [action.value for action in self.actions]
        for name in ("actor", "member", "entity_type", "entity_id", "request_id"):
            value = getattr(self, name)
            if value is not None:
                details[name] = value
        if self.personal_data is not None:
            details["personal_data"] = self.personal_data
        if self.since is not None:
            details["from"] = self.since.isoformat()
        if self.until is not None:
            details["to"] = self.until.isoformat()
        return details


@dataclass(frozen=True)
class EntryPage:
    """One page of entries, newest first; pass ``next_cursor`` back for the next page."""

    items: Sequence[AuditEntry]
    next_cursor: int | None


def entry_filter(
    *,
    actions: Iterable[str] = (),
    actor: str | None = None,
    member: str | None = None,
    entity_type: str | None = None,
    entity_id: str | None = None,
    request_id: str | None = None,
    personal_data: bool | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> EntryFilter:
    """Build a filter from what a person typed, or raise ``InvalidInput``.

    Action codes may be repeated or comma-separated; blank text filters are ignored;
    times without a zone are taken as UTC.
    """
    filters = EntryFilter(
        actions=parse_actions(actions),
        actor=_text(actor),
        member=_text(member),
        entity_type=_text(entity_type),
        entity_id=_text(entity_id),
        request_id=_text(request_id),
        personal_data=personal_data,
        since=_utc(since),
        until=_utc(until),
    )
    _check_time_range(filters)
    return filters


def parse_actions(codes: Iterable[str]) -> tuple[AuditAction, ...]:
    """The audit actions named by ``codes`` (``member.created`` …), unknown codes refused."""
    wanted = [part.strip() for code in codes for part in code.split(",") if part.strip()]
    known = {action.value: action for action in AuditAction}
    unknown = sorted({code for code in wanted if code not in known})
    if unknown:
        listed = ", ".join(unknown)
        raise InvalidInput(
            f"کد رویداد ناشناخته است: {listed}. فهرست کدها در docs/audit-events.md آمده است.",
            f"Unknown audit action code: {listed}. The codes are listed in docs/audit-events.md.",
            code="audit_action_unknown",
            details={"unknown": unknown, "known": sorted(known)},
        )
    return tuple(dict.fromkeys(known[code] for code in wanted))


def search_entries(
    session: Session,
    *,
    principal: Principal,
    filters: EntryFilter | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
    cursor: int | None = None,
    purpose: str | None = None,
) -> EntryPage:
    """Entries matching ``filters``, newest first, ``limit`` at a time; audited.

    Keyset pagination: ``cursor`` is the last ``seq`` seen, so pages stay stable while
    new entries arrive and deep pages cost no more than the first.
    """
    filters = filters or EntryFilter()
    _check_time_range(filters)
    _check_page(limit, cursor)
    query = _filtered(filters)
    if cursor is not None:
        query = query.where(AuditEntry.seq < cursor)
    with atomic(session):
        # One row more than asked tells whether another page exists.
        rows = session.scalars(query.order_by(AuditEntry.seq.desc()).limit(limit + 1)).all()
        items = rows[:limit]
        next_cursor = items[-1].seq if len(rows) > limit else None
        record(
            session,
            principal=principal,
            action=AuditAction.AUDIT_SEARCHED,
            purpose=purpose,
            details={
                "filters": filters.as_details(),
                "limit": limit,
                "cursor": cursor,
                "returned": len(items),
            },
        )
    return EntryPage(items=items, next_cursor=next_cursor)


def get_entry(
    session: Session, *, principal: Principal, seq: int, purpose: str | None = None
) -> AuditEntry:
    """The entry numbered ``seq`` or a not-found error; reading it is audited."""
    with atomic(session):
        entry = session.scalar(select(AuditEntry).where(AuditEntry.seq == seq))
        if entry is None:
            raise not_found("رویداد", "Audit entry", seq)
        record(
            session,
            principal=principal,
            action=AuditAction.AUDIT_SEARCHED,
            entity_type="audit_entry",
            entity_id=seq,
            purpose=purpose,
            details={"seq": seq},
        )
    return entry


def verify_audit_log(
    session: Session, *, principal: Principal, batch_size: int = DEFAULT_BATCH_SIZE
) -> ChainReport:
    """Verify the whole chain and record the result as ``audit.verified``.

    The result is recorded after the walk, so the report describes the chain as it
    was before this verification added its own entry.
    """
    with atomic(session):
        report = verify_chain(session, batch_size=batch_size)
        problem = report.first_problem
        record(
            session,
            principal=principal,
            action=AuditAction.AUDIT_VERIFIED,
            outcome="success" if report.ok else "failure",
            details={
                "ok": report.ok,
                "entries_checked": report.entries_checked,
                "head_seq": report.head_seq,
                "last_hash": report.last_hash,
                "problem": None
                if problem is None
                else {"seq": problem.seq, "kind": problem.kind.value},
            },
        )
    return report


def _filtered(filters: EntryFilter) -> Select[AuditEntry]:
    query = select(AuditEntry)
    if filters.actions:
        query = query.where(AuditEntry.action.in_([action.value for action in filters.actions]))
    for column, value in (
        (AuditEntry.actor, filters.actor),
        (AuditEntry.member, filters.member),
        (AuditEntry.entity_type, filters.entity_type),
        (AuditEntry.entity_id, filters.entity_id),
        (AuditEntry.request_id, filters.request_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if filters.personal_data is not None:
        query = query.where(AuditEntry.personal_data.is_(filters.personal_data))
    if filters.since is not None:
        query = query.where(AuditEntry.at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEntry.at < filters.until)
    return query


def _check_time_range(filters: EntryFilter) -> None:
    since, until = _utc(filters.since), _utc(filters.until)
    if since is not None and until is not None and since > until:
        raise InvalidInput(
            "زمان آغاز (from) نباید پس از زمان پایان (to) باشد.",
            "The start time (from) must not be after the end time (to).",
            code="audit_time_range_inverted",
            details={"from": since.isoformat(), "to": until.isoformat()},
        )


def _check_page(limit: int, cursor: int | None) -> None:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInput(
            f"تعداد در هر صفحه (limit) باید بین ۱ و {MAX_PAGE_SIZE} باشد.",
            f"The page size (limit) must be between 1 and {MAX_PAGE_SIZE}.",
            code="audit_limit_out_of_range",
            details={"limit": limit, "max": MAX_PAGE_SIZE},
        )
    if cursor is not None and not 1 <= cursor <= MAX_ID:
        raise InvalidInput(
            "نشانگر صفحه (cursor) باید شمارهٔ آخرین رویداد دیده‌شده باشد.",
            "The cursor must be the seq of the last entry seen.",
            code="audit_cursor_invalid",
            details={"cursor": cursor},
        )


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


def _utc(value: datetime | None) -> datetime | None:
    # Stored times are UTC; a time without a zone is read as UTC, not as local time.
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
