"""Per-process caches of what every request reads: kept seconds, dropped at a change.

A ``ReadCache`` holds values read from a few tables (an API key with its system and
member, a grant, a data set's active version) for at most ``seconds`` after they were
read, so a change made by another process — another worker, the CLI, another node on
the same database — is seen within that bound (decision 0014). A change committed in
this process is seen at once: every session's commit that wrote one of the tables a
cache reads from (ORM objects flushed, or an ORM-enabled INSERT/UPDATE/DELETE) bumps
that table's generation, and a cached value read under an older generation is never
served.

``seconds = 0`` turns caching off: every lookup reads the database.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterable
from itertools import chain
from typing import Final, Generic, TypeVar

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_CHANGED: Final = "dargah_changed_tables"
_generations: dict[str, int] = {}
_bumping = threading.Lock()


def generation(tables: Iterable[str]) -> int:
    """How many committed changes this process has seen to any of ``tables``."""
    return sum(_generations.get(name, 0) for name in tables)


def note_changed(tables: Iterable[str]) -> None:
    """Count a committed change to ``tables`` (sessions do this themselves)."""
    with _bumping:
        for name in tables:
            _generations[name] = _generations.get(name, 0) + 1


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: UOWTransaction) -> None:
    # Still the pre-flush state here: new, dirty and deleted list what was written.
    changed: set[str] = session.info.setdefault(_CHANGED, set())
    for instance in chain(session.new, session.dirty, session.deleted):
        changed.update(table.name for table in inspect(instance).mapper.tables)


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        name = getattr(table, "name", None)
        if isinstance(name, str):
            state.session.info.setdefault(_CHANGED, set()).add(name)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    # Fired for a savepoint's release too, which others cannot see yet: wait for the
    # outermost commit. A rolled-back transaction's tables stay noted and count at the
    # next commit: a cache dropped once too often costs a read; kept too long, it lies.
    if session.in_nested_transaction():
        return
    changed = session.info.pop(_CHANGED, None)
    if changed:
        note_changed(changed)


class ReadCache(Generic[K, V]):
    """Values by key, each served for at most ``seconds`` and only while none of
    ``tables`` has changed in this process since it was read. Thread-safe: two threads
    missing the same key both read it, and the later one is kept."""

    def __init__(
        self,
        *,
        seconds: float,
        tables: Iterable[str],
        size: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self.tables = tuple(tables)
        self._size = size
        self._clock = clock
        self._entries: dict[K, tuple[V, float, int]] = {}

    def get(self, key: K) -> V | None:
        """The value kept for ``key`` if it is still fresh, else None."""
        found = self._entries.get(key)
        if found is None:
            return None
        value, read_at, seen = found
        if self._clock() - read_at >= self.seconds or seen != generation(self.tables):
            self._entries.pop(key, None)
            return None
        return value

    def load(self, key: K, read: Callable[[], V], *, refresh: bool = False) -> V:
        """The value for ``key``: kept, or ``read()`` now (and kept unless it raises).
        ``refresh`` reads it even if a value is kept."""
        if self.seconds <= 0:
            return read()
        found = None if refresh else self.get(key)
        if found is not None:
            return found
        # Taken before the read: a change committed while reading makes this stale.
        seen = generation(self.tables)
        read_at = self._clock()
        value = read()
        if len(self._entries) >= self._size:
            self._drop_oldest()
        self._entries[key] = (value, read_at, seen)
        return value

    def forget(self, key: K) -> None:
        """Drop ``key``'s value, if any."""
        self._entries.pop(key, None)

    def clear(self) -> None:
        """Drop every value."""
        self._entries.clear()

    def _drop_oldest(self) -> None:
        for key in list(self._entries)[: max(1, self._size // 8)]:
            self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)
