"""Shared fixtures: one migrated database per backend, a rolled-back session per test.

Database tests run on SQLite always and on PostgreSQL when DARGAH_TEST_DATABASE_URL is
set. In CI (``CI=true``) a missing or unreachable PostgreSQL fails the run instead of
skipping, so the PostgreSQL half can never silently stop running.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from dargah.db.engine import make_engine
from dargah.db.schema import upgrade
from dargah.db.session import Database

pytest_plugins = ["support.fixtures", "support.demo_server"]

POSTGRES_URL = os.environ.get("DARGAH_TEST_DATABASE_URL", "")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
_fresh_counter = itertools.count()


def _postgres_url() -> str:
    from dargah.config import Settings

    return Settings(database_url=POSTGRES_URL).database_url


@contextmanager
def _scratch_postgres_database(admin_url: str, name: str) -> Iterator[str]:
    """Create database ``name`` next to the one in ``admin_url``; drop it afterwards.

    Each test process works in its own databases, so parallel runs never collide and
    the database named in DARGAH_TEST_DATABASE_URL is left untouched.
    """
    admin = make_engine(admin_url)
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("db") / "dargah-test.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The PostgreSQL URL from the environment, or a visible skip (a failure in CI)."""
    if not POSTGRES_URL:
        if IN_CI:
            pytest.fail("CI requires DARGAH_TEST_DATABASE_URL for the PostgreSQL run")
        pytest.skip("PostgreSQL tests skipped: set DARGAH_TEST_DATABASE_URL to run them")
    url = _postgres_url()
    probe = make_engine(url)
    try:
        with probe.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        if IN_CI:
            raise
        pytest.skip(f"PostgreSQL at DARGAH_TEST_DATABASE_URL unreachable: {exc}")
    finally:
        probe.dispose()
    return url


@pytest.fixture(scope="session")
def postgres_engine(postgres_admin_url: str) -> Iterator[Engine]:
    with _scratch_postgres_database(postgres_admin_url, f"dargah_test_{os.getpid()}") as url:
        engine = make_engine(url)
        upgrade(engine)
        yield engine
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Engine:
    """A migrated engine of each backend in turn."""
    name = "sqlite_engine" if request.param == "sqlite" else "postgres_engine"
    result: Engine = request.getfixturevalue(name)
    return result


@pytest.fixture
def database(engine: Engine) -> Iterator[Database]:
    """A ``Database`` whose sessions all run inside one transaction rolled back at the end.

    Services call ``session.begin()`` and commit as in production; with
    ``create_savepoint`` those commits release savepoints of the outer transaction.
    """
    connection = engine.connect()
    outer = connection.begin()
    sessions = sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    try:
        yield Database(engine=engine, sessions=sessions)
    finally:
        outer.rollback()
        connection.close()


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    """A session in the test's rolled-back transaction."""
    with database.session() as db_session:
        yield db_session


@pytest.fixture
def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty, unmigrated database of the current backend, for tests that need real
    commits (concurrency, CLI processes). PostgreSQL gets a throwaway database."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    admin_url: str = request.getfixturevalue("postgres_admin_url")
    name = f"dargah_t_{os.getpid()}_{next(_fresh_counter)}"
    with _scratch_postgres_database(admin_url, name) as url:
        yield url
