"""Migrations apply on an empty database, roll back, and match the models exactly."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from dargah.db.engine import make_engine
from dargah.db.schema import downgrade, schema_status, upgrade
from dargah.tables import metadata


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
