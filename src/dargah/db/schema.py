"""Migrations: apply them, and tell whether a database is current."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration that runs on ``engine`` (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database stands against the migrations shipped with this code."""

    current: str | None
    head: str

    @property
    def is_current(self) -> bool:
        """True when the database is at the newest migration."""
        return self.current == self.head


def schema_status(engine: Engine) -> SchemaStatus:
    """Read the database's migration revision and compare it with the code's head."""
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    if head is None:
        raise RuntimeError("no migrations are shipped with this package")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return SchemaStatus(current=current, head=head)


def upgrade(engine: Engine, revision: str = "head") -> SchemaStatus:
    """Apply migrations up to ``revision`` and return the resulting status."""
    command.upgrade(alembic_config(engine), revision)
    return schema_status(engine)


def downgrade(engine: Engine, revision: str) -> SchemaStatus:
    """Roll migrations back to ``revision`` (used by migration tests and operators)."""
    command.downgrade(alembic_config(engine), revision)
    return schema_status(engine)
