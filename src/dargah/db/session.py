"""The database of a running node: one engine and its session factory."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from dargah.db.engine import make_engine, read_engine


@dataclass(frozen=True)
class Database:
    """An engine and the session factory bound to it.

    ``read_engine`` serves ``reading``: the same pool, every statement committing on
    its own (``db.engine.read_engine``). Without it (tests, whose sessions all share one
    rolled-back connection) ``reading`` and ``writing`` use a session of ``sessions``.
    """

    engine: Engine
    sessions: sessionmaker[Session]
    read_engine: Engine | None = None

    @classmethod
    def from_url(cls, url: str, *, echo: bool = False, pool_size: int = 10) -> Database:
        """Open the database at ``url``."""
        return cls.from_engine(make_engine(url, echo=echo, pool_size=pool_size))

    @classmethod
    def from_engine(cls, engine: Engine) -> Database:
        """Wrap an existing engine (tests bind sessions to one connection)."""
        return cls(
            engine=engine,
            sessions=session_factory(engine),
            read_engine=read_engine(engine),
        )

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session closed on exit; the caller owns its transactions."""
        session = self.sessions()
        try:
            yield session
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for a read that needs no transaction of its own: one statement,
        or several that need not see one snapshot.

        Outside a transaction a read takes no turn at SQLite's write lock (which every
        transaction here takes up front) and costs PostgreSQL no BEGIN and ROLLBACK.
        Nothing written through it is undone on error: use ``session`` to write.
        """
        if self.read_engine is None:
            with self.session() as session:
                yield session.connection()
            return
        with self.read_engine.connect() as connection:
            yield connection

    def keep_connection(self) -> Connection | None:
        """A connection of the pool for a caller that writes often and keeps it until
        it closes it (the audit log's group commit): no checkout and no ping before each
        use. None when sessions share one connection (tests): use ``writing`` then."""
        if self.read_engine is None:
            return None
        return self.engine.connect()

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A connection in a transaction of its own, committed on exit and rolled back
        on error: for writes in Core alone, which need no ORM session around them."""
        if self.read_engine is None:
            with self.session() as session, atomic(session):
                yield session.connection()
            return
        with self.engine.begin() as connection:
            yield connection


def session_factory(bind: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (results outlive the unit)."""
    return sessionmaker(bind=bind, expire_on_commit=False, autoflush=True)


@contextmanager
def atomic(session: Session) -> Iterator[Session]:
    """One unit of work: a transaction, or a savepoint when one is already open here.

    By convention every write runs inside ``atomic``; anything the session did outside
    one was a read, so a transaction it autobegan is ended first rather than reused.
    That keeps "a service owns its transaction" true for callers that read before they
    write (the CLI, the portal, the demo seeder).
    """
    if session.info.get("atomic_depth", 0):
        session.info["atomic_depth"] += 1
        try:
            with session.begin_nested():
                yield session
        finally:
            session.info["atomic_depth"] -= 1
        return
    if session.in_transaction():
        session.rollback()
    session.info["atomic_depth"] = 1
    try:
        with session.begin():
            yield session
    finally:
        session.info["atomic_depth"] = 0
