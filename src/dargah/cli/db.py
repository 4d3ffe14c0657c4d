"""`dargah db`: migrations."""

from __future__ import annotations

import typer

from dargah.access.policy import Principal
from dargah.audit import service as audit
from dargah.audit.events import AuditAction
from dargah.cli._common import actor, console, open_database
from dargah.db.schema import schema_status, upgrade
from dargah.db.session import Database, atomic

app = typer.Typer(help="Database schema: upgrade, status.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command() -> None:
    """Apply every pending migration (safe to run again)."""
    with open_database() as database:
        before = schema_status(database.engine)
        after = upgrade(database.engine)
        if before.current != after.current:
            _record_upgrade(database, actor(), before.current, after.current)
    console.print(f"✓ schema at {after.current} / طرح پایگاه داده به‌روز است ({after.current})")


def _record_upgrade(
    database: Database, principal: Principal, old: str | None, new: str | None
) -> None:
    with database.session() as session, atomic(session):
        audit.record(
            session,
            principal=principal,
            action=AuditAction.SCHEMA_UPGRADED,
            entity_type="schema",
            entity_id=new,
            details={"from": old, "to": new},
        )


@app.command("status")
def status_command() -> None:
    """Show the database's migration revision and the code's."""
    with open_database() as database:
        status = schema_status(database.engine)
    state = "current / به‌روز" if status.is_current else "behind / قدیمی"
    console.print(f"database: {status.current or '-'}  code: {status.head}  ({state})")
    if not status.is_current:
        raise typer.Exit(code=1)
