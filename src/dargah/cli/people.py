"""`dargah people`: portal accounts."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from dargah.access.policy import Role
from dargah.cli._common import actor, console, err_console, fail, open_database
from dargah.errors import DargahError
from dargah.identity import service
from dargah.identity.schemas import PersonCreate, PersonUpdate

app = typer.Typer(help="Portal accounts of people.", no_args_is_help=True)


@app.command("create")
def create_command(
    username: str,
    role: Annotated[Role, typer.Option()],
    full_name: Annotated[str, typer.Option()],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    institution: Annotated[str | None, typer.Option(help="Identifier (institution staff)")] = None,
    hq_unit: Annotated[str | None, typer.Option(help="Code (HQ staff)")] = None,
    email: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Create an account."""
    try:
        data = PersonCreate(
            username=username,
            role=role,
            full_name=full_name,
            password=password,
            institution=institution,
            hq_unit=hq_unit,
            email=email,
        )
    except ValidationError as exc:
        for error in exc.errors():
            err_console.print(f"[red]✗ {'.'.join(map(str, error['loc']))}: {error['msg']}[/red]")
        raise typer.Exit(code=2) from exc
    with open_database() as database, database.session() as session:
        try:
            person = service.create_person(session, principal=actor(), data=data)
        except DargahError as exc:
            raise fail(exc) from exc
    console.print(f"✓ {person.username} ({person.role})")


@app.command("list")
def list_command(
    purpose: Annotated[str, typer.Option(help="Why you read people's data (audited)")],
    role: Annotated[Role | None, typer.Option()] = None,
) -> None:
    """List accounts (a read of personal data, audited with its purpose)."""
    with open_database() as database, database.session() as session:
        try:
            people = service.list_people(session, principal=actor(), purpose=purpose, role=role)
        except DargahError as exc:
            raise fail(exc) from exc
        table = Table()
        for column in ("username", "name", "role", "binding", "active"):
            table.add_column(column)
        for person in people:
            binding = (
                person.institution.identifier
                if person.institution
                else (person.hq_unit.code if person.hq_unit else "")
            )
            table.add_row(
                person.username, person.full_name, person.role, binding, str(person.is_active)
            )
    console.print(table)


@app.command("set-password")
def set_password_command(
    username: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Reset an account's password."""
    with open_database() as database, database.session() as session:
        try:
            service.update_person(
                session,
                principal=actor(),
                username=username,
                data=PersonUpdate(password=password),
            )
        except DargahError as exc:
            raise fail(exc) from exc
    console.print(f"✓ password of {username} reset / گذرواژه بازنشانی شد")
