"""Alembic environment: runs on the engine handed over by ``dargah.db.schema``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

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


if context.is_offline_mode():
    raise RuntimeError("offline SQL generation is not supported; run against a database")
run_migrations_online()
