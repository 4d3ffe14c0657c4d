"""`dargah db`: migrations."""

from __future__ import annotations

import typer

from dargah.access.policy import Principal
from dargah.audit import service as audit
from dargah.audit.events import AuditAction
from dargah.cli._common import actor, console, not_ready, open_database, read_status, settings
from dargah.db.schema import upgrade
from dargah.db.session import Database, atomic
from dargah.errors import ServiceUnavailable

app = typer.Typer(help="Database schema: upgrade, status.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command() -> None:
    """Create the database's tables, or apply every pending migration (safe to run again).

    With SQLite this makes the database file when it does not exist yet."""
    with open_database(create=True, check=False) as database:
        try:
            before = read_status(database, settings().database_url)
        except ServiceUnavailable as exc:
            raise not_ready(exc) from exc
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
    """Show the database's migration revision and the code's (exit 1 when behind,
    3 when the database is missing or unreachable)."""
    with open_database(check=False) as database:
        try:
            status = read_status(database, settings().database_url)
        except ServiceUnavailable as exc:
            raise not_ready(exc) from exc
    state = "current / به‌روز" if status.is_current else "behind / قدیمی"
    console.print(f"database: {status.current or '-'}  code: {status.head}  ({state})")
    if not status.is_current:
        console.print("run `dargah db upgrade` / برای به‌روز کردن `dargah db upgrade` را اجرا کنید")
        raise typer.Exit(code=1)
