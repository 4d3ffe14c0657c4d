"""Verifying the audit chain: recompute every hash and name the first place it breaks.

The walk reads entries in ``seq`` order, ``batch_size`` at a time (keyset pagination,
plain rows rather than ORM objects), so memory stays bounded on millions of entries
and stale objects in the session's identity map never hide an edit made behind its
back.

What each kind of problem means:

- ``altered``: an entry's content no longer matches its own ``entry_hash`` (or cannot
  even be read back).
- ``inserted``: an entry the chain does not account for. Its own hash is consistent,
  but the chain of ``prev_hash`` links does not run through it: a forged row, or a row
  edited and re-hashed (the two leave identical traces), or a row beyond the chain head.
- ``deleted``: a number missing from the gapless ``seq``, or fewer entries than the
  chain head says were written (tail truncation).

Without a secret key nothing can stop someone who rewrites the head row as well as the
tail; compare ``last_hash`` with a copy kept elsewhere to close that gap.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from dargah.audit.chain import HASHED_FIELDS, entry_hash
from dargah.audit.models import GENESIS_HASH, AuditChainHead, AuditEntry

DEFAULT_BATCH_SIZE = 5000
_HEAD_ID = 1
# Core columns, not ORM attributes: plain rows skip the ORM's loading machinery (about
# 15 % faster; ~60k entries/s on SQLite) and never touch the identity map.
_ENTRIES = AuditEntry.__table__
_HEAD = AuditChainHead.__table__
_COLUMNS = tuple(_ENTRIES.c[name] for name in (*HASHED_FIELDS, "prev_hash", "entry_hash"))


class ProblemKind(enum.StrEnum):
    """How the chain was broken."""

    ALTERED = "altered"
    INSERTED = "inserted"
    DELETED = "deleted"


@dataclass(frozen=True)
class ChainProblem:
    """The first place the chain breaks, described for a person."""

    seq: int
    kind: ProblemKind
    message_fa: str
    message_en: str


@dataclass(frozen=True)
class ChainReport:
    """The outcome of one verification.

    ``entries_checked`` counts the entries found intact before the first problem (all
    of them when the chain is intact); ``head_seq`` and ``last_hash`` are the chain
    head as read at the end of the walk, the values worth keeping elsewhere.
    """

    ok: bool
    entries_checked: int
    first_problem: ChainProblem | None
    head_seq: int
    last_hash: str


@dataclass(frozen=True)
class _Head:
    seq: int
    hash: str


@dataclass(frozen=True)
class _Link:
    """What the walk keeps of the last intact entry."""

    seq: int
    hash: str


class _Unreadable:
    """A row whose stored values cannot be decoded (say, hand-written invalid JSON)."""

    def __init__(self, seq: int) -> None:
        self.seq = seq


_Entry = Row[Any] | _Unreadable


def verify_chain(session: Session, *, batch_size: int = DEFAULT_BATCH_SIZE) -> ChainReport:
    """Walk the whole audit chain in ``seq`` order and report the first problem.

    Read-only; runs in the caller's transaction. Safe while others append: entries
    committed during the walk are checked too, and the head is re-read before a
    missing tail is reported, so a concurrent append is never mistaken for tampering.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    return _Walk(session, batch_size).run()


class _Walk:
    def __init__(self, session: Session, batch_size: int) -> None:
        self.session = session
        self.batch_size = batch_size
        self.checked = 0
        self.previous: _Link | None = None
        self.head = self._read_head()

    def run(self) -> ChainReport:
        problem = self._walk_entries()
        if problem is None:
            problem = self._check_tail()
        return ChainReport(
            ok=problem is None,
            entries_checked=self.checked,
            first_problem=problem,
            head_seq=self._head_seq(),
            last_hash=self.head.hash if self.head else GENESIS_HASH,
        )

    # -- the walk ----------------------------------------------------------------------

    def _walk_entries(self) -> ChainProblem | None:
        for entry in self._entries_after(self.previous.seq if self.previous else None):
            outcome = self._check(entry)
            if isinstance(outcome, ChainProblem):
                return outcome
            self.previous = outcome
            self.checked += 1
        return None

    def _check_tail(self) -> ChainProblem | None:
        """After the last entry: does the head agree that the chain ends here?"""
        while True:
            self.head = self._read_head()
            if self.head is None:
                return _head_missing(self._next_seq())
            last_seq = self.previous.seq if self.previous else 0
            if self.head.seq > last_seq:
                # Entries committed after our last batch would explain it; look again.
                if self._any_after(last_seq):
                    problem = self._walk_entries()
                    if problem is not None:
                        return problem
                    continue
                return _truncated(last_seq + 1, self.head.seq)
            if self.previous is not None and self.head.hash != self.previous.hash:
                self.checked -= 1  # the last entry, counted intact, is the stranger
                return _forged_predecessor(self.previous.seq, successor=None)
            return None

    def _check(self, entry: _Entry) -> ChainProblem | _Link:
        """The problem at ``entry``, or the link it adds when it is intact."""
        expected_seq = self._next_seq()
        if entry.seq < expected_seq:
            return _out_of_order(entry.seq)
        if entry.seq > expected_seq:
            if self._within_head(expected_seq):
                return _gap(expected_seq, entry.seq)
            return _beyond_head(entry.seq, self._head_seq())
        if not self._within_head(entry.seq):
            return _beyond_head(entry.seq, self._head_seq())
        if isinstance(entry, _Unreadable):
            return _unreadable(entry.seq)
        recomputed = entry_hash(entry.prev_hash, _fields(entry))
        if recomputed != entry.entry_hash:
            return _altered(entry.seq)
        expected_prev = self.previous.hash if self.previous else GENESIS_HASH
        if entry.prev_hash != expected_prev:
            return self._broken_link(entry)
        return _Link(entry.seq, entry.entry_hash)

    def _broken_link(self, entry: Row[Any]) -> ChainProblem:
        """Both rows are self-consistent but do not link: which one is the stranger?

        A forger who re-hashes one row leaves the link to it intact and breaks the
        link after it. So if ``entry``'s successor (or the head) still chains to
        ``entry``, the stranger is the row before it; otherwise it is ``entry``.
        """
        if self.previous is None:
            return _bad_link(entry.seq)
        following = self.session.execute(
            select(_ENTRIES.c.seq, _ENTRIES.c.prev_hash)
            .where(_ENTRIES.c.seq > entry.seq)
            .order_by(_ENTRIES.c.seq)
            .limit(1)
        ).one_or_none()
        if following is not None:
            vouched = following.seq == entry.seq + 1 and following.prev_hash == entry.entry_hash
        else:
            head = self._read_head()
            vouched = head is not None and (head.seq, head.hash) == (entry.seq, entry.entry_hash)
        if vouched:
            self.checked -= 1  # the entry before, counted intact, is the stranger
            return _forged_predecessor(self.previous.seq, successor=entry.seq)
        return _bad_link(entry.seq)

    # -- reading -----------------------------------------------------------------------

    def _next_seq(self) -> int:
        return self.previous.seq + 1 if self.previous else 1

    def _head_seq(self) -> int:
        return self.head.seq if self.head else 0

    def _within_head(self, seq: int) -> bool:
        """Whether the head accounts for ``seq``, re-reading it if others appended since.

        A legitimate entry commits together with its head update, so once we can see
        the entry, a fresh read of the head covers it; only a forged row stays beyond.
        """
        if self.head is not None and seq <= self.head.seq:
            return True
        self.head = self._read_head()
        # Without a head row nothing can be judged beyond it; the tail check reports it.
        return self.head is None or seq <= self.head.seq

    def _read_head(self) -> _Head | None:
        row = self.session.execute(
            select(_HEAD.c.last_seq, _HEAD.c.last_hash).where(_HEAD.c.id == _HEAD_ID)
        ).one_or_none()
        return None if row is None else _Head(int(row.last_seq), str(row.last_hash))

    def _any_after(self, seq: int) -> bool:
        found = self.session.scalar(
            select(_ENTRIES.c.seq).where(_ENTRIES.c.seq > seq).order_by(_ENTRIES.c.seq).limit(1)
        )
        return found is not None

    def _entries_after(self, after: int | None) -> Iterator[_Entry]:
        """Entries with ``seq`` above ``after`` in order, one batch in memory at a time."""
        while True:
            batch = self._batch(after)
            yield from batch
            if len(batch) < self.batch_size:
                return
            after = batch[-1].seq

    def _batch(self, after: int | None) -> Sequence[_Entry]:
        query = select(*_COLUMNS).order_by(_ENTRIES.c.seq).limit(self.batch_size)
        if after is not None:
            query = query.where(_ENTRIES.c.seq > after)
        try:
            return self.session.execute(query).all()
        except (ValueError, TypeError):
            # A hand edit left a value the column type cannot decode (SQLite stores
            # anything). Read the batch row by row to name the unreadable entry.
            return self._batch_row_by_row(after)

    def _batch_row_by_row(self, after: int | None) -> list[_Entry]:
        seq_query = select(_ENTRIES.c.seq).order_by(_ENTRIES.c.seq).limit(self.batch_size)
        if after is not None:
            seq_query = seq_query.where(_ENTRIES.c.seq > after)
        entries: list[_Entry] = []
        for seq in self.session.scalars(seq_query).all():
            try:
                entries.append(
                    self.session.execute(select(*_COLUMNS).where(_ENTRIES.c.seq == seq)).one()
                )
            except (ValueError, TypeError):
                entries.append(_Unreadable(seq))
        return entries


def _fields(entry: Row[Any]) -> dict[str, Any]:
    mapping = entry._mapping
    return {name: mapping[name] for name in HASHED_FIELDS}


# -- the problems, in two languages -----------------------------------------------------


def _altered(seq: int) -> ChainProblem:
    return ChainProblem(
        seq,
        ProblemKind.ALTERED,
        f"محتوای رویداد {seq} با درهم‌سازی ثبت‌شده‌اش نمی‌خواند؛ این ردیف دستکاری شده است.",
        f"Entry {seq} does not match its recorded hash: the row was altered.",
    )


def _unreadable(seq: int) -> ChainProblem:
    return ChainProblem(
        seq,
        ProblemKind.ALTERED,
        f"مقادیر رویداد {seq} خوانا نیست (مثلاً JSON نامعتبر)؛ این ردیف دستکاری شده است.",
        f"Entry {seq} holds values that cannot be read back (e.g. invalid JSON): "
        "the row was altered.",
    )


def _gap(missing: int, found: int) -> ChainProblem:
    span_fa = f"{missing}" if found == missing + 1 else f"{missing} تا {found - 1}"
    span_en = f"{missing}" if found == missing + 1 else f"{missing} to {found - 1}"
    return ChainProblem(
        missing,
        ProblemKind.DELETED,
        f"رویداد(های) {span_fa} از زنجیره حذف شده است؛ پس از آن رویداد {found} آمده است.",
        f"Entry {span_en} was deleted from the chain; the next entry present is {found}.",
    )


def _truncated(missing: int, head_seq: int) -> ChainProblem:
    return ChainProblem(
        missing,
        ProblemKind.DELETED,
        f"سر زنجیره {head_seq} رویداد را ثبت کرده اما رویدادهای {missing} تا {head_seq} "
        "وجود ندارد؛ انتهای زنجیره حذف شده است.",
        f"The chain head records {head_seq} entries but entries {missing} to {head_seq} "
        "are missing: the end of the chain was deleted.",
    )


def _head_missing(next_seq: int) -> ChainProblem:
    return ChainProblem(
        next_seq,
        ProblemKind.DELETED,
        "ردیف سر زنجیره (audit_chain_head) حذف شده است؛ حذف انتهای زنجیره را نمی‌توان سنجید.",
        "The chain head row (audit_chain_head) was deleted, so a truncated tail cannot be "
        "detected.",
    )


def _beyond_head(seq: int, head_seq: int) -> ChainProblem:
    return ChainProblem(
        seq,
        ProblemKind.INSERTED,
        f"رویداد {seq} پس از سر زنجیره (رویداد {head_seq}) آمده و از راه ثبت عادی نوشته "
        "نشده است؛ این ردیف جعلی افزوده شده است.",
        f"Entry {seq} lies beyond the chain head (entry {head_seq}) and was not written "
        "by the audit log: a forged row was inserted.",
    )


def _out_of_order(seq: int) -> ChainProblem:
    return ChainProblem(
        seq,
        ProblemKind.INSERTED,
        f"شمارهٔ رویداد {seq} تکراری یا خارج از ترتیب است؛ این ردیف افزوده شده است.",
        f"Entry number {seq} is duplicated or out of order: the row was inserted.",
    )


def _bad_link(seq: int) -> ChainProblem:
    return ChainProblem(
        seq,
        ProblemKind.INSERTED,
        f"رویداد {seq} به رویداد پیش از خود زنجیر نشده است (prev_hash نادرست)؛ این ردیف "
        "جعلی افزوده شده است.",
        f"Entry {seq} is not chained to the entry before it (wrong prev_hash): a forged "
        "row was inserted.",
    )


def _forged_predecessor(seq: int, *, successor: int | None) -> ChainProblem:
    follower_fa = f"رویداد {successor}" if successor is not None else "سر زنجیره"
    follower_en = f"entry {successor}" if successor is not None else "the chain head"
    return ChainProblem(
        seq,
        ProblemKind.INSERTED,
        f"رویداد {seq} با درهم‌سازی خودش سازگار است اما {follower_fa} به رویداد دیگری "
        "زنجیر شده بود؛ این ردیف جعلی است (جایگزین شده، یا ویرایش و دوباره درهم‌سازی شده).",
        f"Entry {seq} matches its own hash but {follower_en} was chained to a different "
        f"entry {seq}: the row is forged (replaced, or edited and re-hashed).",
    )
