"""Migrations apply on an empty database and on one with rows, roll back, and match the
models exactly."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.orm import sessionmaker

from dargah.access.policy import Role
from dargah.db.engine import make_engine
from dargah.db.schema import downgrade, schema_status, upgrade
from dargah.db.session import Database
from dargah.identity import service as identity
from dargah.tables import metadata
from support.factories import make_person


@pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)
def test_upgrade_downgrade_upgrade(fresh_database_url: str) -> None:
    engine = make_engine(fresh_database_url)
    try:
        assert schema_status(engine).current is None
        assert upgrade(engine).is_current
        assert "audit_entries" in inspect(engine).get_table_names()
        assert downgrade(engine, "base").current is None
        assert "members" not in inspect(engine).get_table_names()
        assert upgrade(engine).is_current
    finally:
        engine.dispose()


@pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)
def test_migrations_match_the_models(fresh_database_url: str) -> None:
    engine = make_engine(fresh_database_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, metadata)
        assert differences == [], "models changed without a migration"
    finally:
        engine.dispose()


@pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_migration_copying_people_keeps_what_points_at_it(fresh_database_url: str) -> None:
    """0009 changes a check on ``people``, which SQLite does by copying the table: the
    sessions pointing at its people survive, and an agency person can be bound after."""
    engine = make_engine(fresh_database_url)
    database = Database(engine=engine, sessions=sessionmaker(bind=engine, expire_on_commit=False))
    try:
        upgrade(engine, "0008")
        with database.session() as session:
            staff = make_person(session, Role.INSTITUTION)
        with engine.connect() as connection:
            before = connection.scalar(text("SELECT count(*) FROM portal_sessions"))
        assert before == 1

        assert upgrade(engine).is_current
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM portal_sessions")) == before
            assert connection.scalar(text("SELECT count(*) FROM people")) == 1
        with database.session() as session:
            agency = make_person(session, Role.AGENCY)
            with session.begin():
                assert identity.authenticate_cookie(session, staff.token)[0].name == staff.username
        assert agency.principal.member_identifier is not None
        assert agency.principal.institution_id is None
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
