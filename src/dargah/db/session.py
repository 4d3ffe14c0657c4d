"""The database of a running node: one engine and its session factory."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from dargah.db.engine import make_engine


@dataclass(frozen=True)
class Database:
    """An engine and the session factory bound to it."""

    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def from_url(cls, url: str, *, echo: bool = False, pool_size: int = 10) -> Database:
        """Open the database at ``url``."""
        return cls.from_engine(make_engine(url, echo=echo, pool_size=pool_size))

    @classmethod
    def from_engine(cls, engine: Engine) -> Database:
        """Wrap an existing engine (tests bind sessions to one connection)."""
        return cls(engine=engine, sessions=session_factory(engine))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session closed on exit; the caller owns its transactions."""
        session = self.sessions()
        try:
            yield session
        finally:
            session.close()


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
