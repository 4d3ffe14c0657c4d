"""Alembic environment: runs on the engine handed over by ``dargah.db.schema``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine

from dargah.tables import metadata

config = context.config


def _managed(name: str | None, type_: str, _parent: object) -> bool:
    """Record tables (``rec_*``) are made at run time from the catalogue, not here."""
    return not (type_ == "table" and name is not None and name.startswith("rec_"))


def run_migrations_online() -> None:
    """Run every pending migration in one transaction per run."""
    engine = config.attributes.get("engine")
    if not isinstance(engine, Engine):
        raise RuntimeError("run migrations through `dargah db upgrade`")
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=_managed,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
        if sqlite:
            _sqlite_foreign_keys(connection, on=True)


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    """Switch SQLite's foreign keys off for a run of migrations and on again after it.

    Batch mode changes a table by copying it and dropping the old one, which enforced
    foreign keys pointing at it refuse; the switch only works outside a transaction, so
    it goes straight to the driver's connection. Switching back on, every reference is
    checked: a migration that broke one fails here instead of leaving it behind.
    """
    raw = connection.connection.driver_connection
    if raw is None:
        raise RuntimeError("the migration's connection has no driver connection")
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    if on:
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"migrations left broken foreign keys: {broken[:5]}")


if context.is_offline_mode():
    raise RuntimeError("offline SQL generation is not supported; run against a database")
run_migrations_online()
