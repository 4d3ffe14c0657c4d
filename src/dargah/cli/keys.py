"""`dargah keys`: API keys of systems."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from dargah.access.policy import Role
from dargah.cli._common import actor, console, fail, open_database
from dargah.errors import DargahError
from dargah.identity import service
from dargah.identity.schemas import ApiKeyCreate

app = typer.Typer(help="API keys of systems.", no_args_is_help=True)


@app.command("create")
def create_command(
    system: Annotated[str, typer.Argument(help="System identifier, e.g. IR/UNI/1001/golestan")],
    name: Annotated[str, typer.Option()],
    role: Annotated[Role | None, typer.Option(help="For ministry systems only")] = None,
    hq_unit: Annotated[str | None, typer.Option()] = None,
    expires: Annotated[datetime | None, typer.Option(help="UTC expiry, ISO format")] = None,
) -> None:
    """Issue an API key; the secret is printed once."""
    expires_at = (expires if expires.tzinfo else expires.replace(tzinfo=UTC)) if expires else None
    with open_database() as database, database.session() as session:
        try:
            issued = service.issue_api_key(
                session,
                principal=actor(),
                data=ApiKeyCreate(
                    system=system, name=name, role=role, hq_unit=hq_unit, expires_at=expires_at
                ),
            )
        except DargahError as exc:
            raise fail(exc) from exc
    console.print(f"✓ key {issued.key.prefix} for {system} ({issued.key.role})")
    console.print("  shown once / فقط همین یک بار نمایش داده می‌شود:")
    console.print(issued.secret, soft_wrap=True)


@app.command("list")
def list_command(system: Annotated[str | None, typer.Option()] = None) -> None:
    """List API keys."""
    with open_database() as database, database.session() as session:
        try:
            keys = service.list_api_keys(session, principal=actor(), system=system)
        except DargahError as exc:
            raise fail(exc) from exc
        table = Table()
        for column in ("id", "prefix", "system", "role", "name", "expires", "revoked", "last used"):
            table.add_column(column)
        for key in keys:
            table.add_row(
                str(key.id),
                key.prefix,
                key.system.identifier,
                key.role,
                key.name,
                str(key.expires_at or ""),
                str(key.revoked_at or ""),
                str(key.last_used_at or ""),
            )
    console.print(table)


@app.command("revoke")
def revoke_command(key_id: int) -> None:
    """Revoke an API key now."""
    with open_database() as database, database.session() as session:
        try:
            key = service.revoke_api_key(session, principal=actor(), key_id=key_id)
        except DargahError as exc:
            raise fail(exc) from exc
    console.print(f"✓ key {key.prefix} revoked / باطل شد")
