"""Group commit of audit entries: concurrent requests' entries chained in one transaction.

Every read of records is audited before it is answered. Written one transaction per
read, each entry takes the chain head's lock (PostgreSQL's row lock, SQLite's write
lock) and a commit of its own, so audited reads queue behind each other. Here the
entries of requests that arrive while a batch is being written wait together; the
next request to find the writer idle takes them all (up to ``MAX_BATCH``) and writes
them in one transaction — one head update, one INSERT, one commit when nobody else
appended since its last batch (``audit.service.append_drafts``) — then wakes the
others: the leader/follower scheme of databases' own group commit. A read announces
its entry while it runs (``expecting``); the writer about to start a batch waits for
the entries of reads under way, ``LINGER`` at most, so that concurrent reads share a
transaction rather than each starting one (PostgreSQL's ``commit_delay`` with
``commit_siblings``, counted exactly). Alone, nothing waits.

``append`` returns only after the transaction holding the entry has committed, so an
answer is never sent for a read whose entry is not durable; if the process dies
first, neither the entry nor the answer leaves it. If the batch fails, every request
in it fails (``audit_unavailable``) and none is answered. The chain is the same as one
written entry by entry: ``dargah audit verify`` checks it alike.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import Connection

from dargah.audit.service import append_drafts
from dargah.db.session import Database
from dargah.errors import ServiceUnavailable

MAX_BATCH: Final = 500
LINGER: Final = 0.002  # seconds a batch waits, at most, for reads under way


def _held() -> threading.Lock:
    lock = threading.Lock()
    lock.acquire()
    return lock


@dataclass
class _Waiting:
    draft: dict[str, Any]
    seq: int | None = None
    error: BaseException | None = None
    done: bool = False
    # Held until the writer is done with this entry, or hands its request the lead.
    wake: threading.Lock = field(default_factory=_held)


class GroupCommit:
    """Appends audit entries to the chain of ``database``, many per transaction."""

    def __init__(
        self, database: Database, *, max_batch: int = MAX_BATCH, linger: float = LINGER
    ) -> None:
        self._database = database
        self._max_batch = max_batch
        self._linger = linger
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)  # an entry came, or will not
        self._queue: list[_Waiting] = []
        self._expected = 0
        self._writing = False
        # The chain's head as the last batch left it: if nobody appended since, the
        # next batch moves it in one statement.
        self._head: tuple[int, str] | None = None
        self._kept: Connection | None = None
        self._keeps = True  # until the database says it has no connection to give

    def append(self, draft: dict[str, Any]) -> int:
        """Chain ``draft`` (from ``audit.service.draft``); its ``seq`` once committed."""
        return self._append(draft, expected=False)

    @contextmanager
    def expecting(self) -> Iterator[Callable[[dict[str, Any]], int]]:
        """Around a read whose entry will follow: yields its ``append``. A batch about
        to be written waits a moment (``linger`` at most) for the entries of reads under
        way, so that concurrent reads share one transaction."""
        with self._lock:
            self._expected += 1
        pending = True

        def append(draft: dict[str, Any]) -> int:
            nonlocal pending
            pending = False
            return self._append(draft, expected=True)

        try:
            yield append
        finally:
            if pending:
                with self._lock:
                    self._expected -= 1
                    if not self._expected:
                        self._arrived.notify()

    def _append(self, draft: dict[str, Any], *, expected: bool) -> int:
        waiting = _Waiting(draft)
        with self._lock:
            self._queue.append(waiting)
            if expected:
                self._expected -= 1
                # The gathering writer waits for the last one, or a full batch.
                if not self._expected or len(self._queue) >= self._max_batch:
                    self._arrived.notify()
            lead = not self._writing
            self._writing = True
        if not lead:
            # Each waits on its own lock: woken alone, never all at once for one lock.
            waiting.wake.acquire()
        if not waiting.done:
            self._lead(waiting)
        if waiting.error is not None or waiting.seq is None:
            raise ServiceUnavailable(
                "ثبت رویداد در دفتر ممیزی ممکن نشد؛ پاسخ داده نشد. دوباره بفرستید.",
                "The audit entry could not be written, so nothing was answered; try again.",
                code="audit_unavailable",
            ) from waiting.error
        return waiting.seq

    def _lead(self, own: _Waiting) -> None:
        """Write batches until ``own`` is written, waking each entry's request as its
        batch ends; then hand the lead to the first entry still waiting, if any."""
        try:
            while not own.done:
                with self._lock:
                    self._gather()
                    batch = self._queue[: self._max_batch]
                    del self._queue[: self._max_batch]
                try:
                    self._write(batch)
                finally:
                    for item in batch:
                        if item is not own:
                            item.wake.release()
        finally:
            with self._lock:
                successor = self._queue[0] if self._queue else None
                self._writing = successor is not None
            if successor is not None:
                successor.wake.release()

    def _gather(self) -> None:
        """Wait, holding the lock, for the entries of reads under way (at most
        ``linger``, and not past a full batch)."""
        deadline = time.monotonic() + self._linger
        while self._expected > 0 and len(self._queue) < self._max_batch:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self._arrived.wait(left)

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """A transaction on the writer's own connection, kept between batches (tests'
        databases lend one per batch). A connection that failed is not used again."""
        if self._kept is None and self._keeps:
            self._kept = self._database.keep_connection()
            self._keeps = self._kept is not None
        kept = self._kept
        if kept is None:
            with self._database.writing() as connection:
                yield connection
            return
        try:
            with kept.begin():
                yield kept
        except BaseException:
            self._kept = None
            kept.close()
            raise

    def _write(self, batch: list[_Waiting]) -> None:
        # Only the one writer at a time uses ``_kept`` and ``_head``.
        try:
            with self._transaction() as connection:
                numbers, head = append_drafts(
                    connection, [item.draft for item in batch], head=self._head
                )
        except BaseException as exc:
            self._head = None
            for item in batch:
                item.error, item.done = exc, True
            if not isinstance(exc, Exception):
                raise
            return
        self._head = head
        for item, seq in zip(batch, numbers, strict=True):
            item.seq, item.done = seq, True
