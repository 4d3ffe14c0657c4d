"""`dargah members`: the registry from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from pydantic import ValidationError
from rich.table import Table

from dargah.cli._common import actor, console, err_console, fail, open_database
from dargah.cli.inputs import whole_number
from dargah.errors import DargahError
from dargah.members import importer, service
from dargah.members.models import AgencyRole, InstitutionType, MemberKind, MemberStatus
from dargah.members.schemas import MemberCreate, MemberFilter, MemberUpdate

app = typer.Typer(help="Members registry: institutions, agencies, systems.", no_args_is_help=True)


def _invalid(exc: ValidationError) -> typer.Exit:
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"])
        err_console.print(f"[red]✗ {field}: {error['msg']}[/red]")
    return typer.Exit(code=2)


@app.command("list")
def list_command(
    q: Annotated[str | None, typer.Option(help="Search names and codes")] = None,
    kind: Annotated[MemberKind | None, typer.Option()] = None,
    institution_type: Annotated[InstitutionType | None, typer.Option("--type")] = None,
    province: Annotated[str | None, typer.Option(help="Code or name, e.g. 23 or تهران")] = None,
    status: Annotated[MemberStatus | None, typer.Option()] = None,
    parent: Annotated[str | None, typer.Option(help="Parent identifier")] = None,
    sort: Annotated[
        str,
        typer.Option(help="code, name, province, institution_type or status; -name reverses"),
    ] = "code",
    limit: Annotated[int, typer.Option(parser=whole_number)] = 50,
    offset: Annotated[int, typer.Option(parser=whole_number)] = 0,
) -> None:
    """List members with filters."""
    try:
        filters = MemberFilter(
            q=q,
            kind=kind,
            institution_type=institution_type,
            province=province,
            status=status,
            parent=parent,
            sort=sort,
            limit=limit,
            offset=offset,
        )
    except ValidationError as exc:
        raise _invalid(exc) from exc
    with open_database() as database, database.session() as session:
        try:
            rows, total = service.list_members(session, filters)
        except DargahError as exc:
            raise fail(exc) from exc
        table = Table(title=f"{total} members / عضو")
        for column in ("identifier", "name", "type", "province", "city", "status"):
            table.add_column(column)
        for member in rows:
            out = service.to_out(member)
            table.add_row(
                out.identifier,
                out.name_fa,
                out.institution_type_fa or out.kind,
                out.province_fa or "",
                out.city or "",
                out.status,
            )
    console.print(table)


@app.command("show")
def show_command(identifier: str) -> None:
    """Show one member, its systems and branches, as JSON."""
    with open_database() as database, database.session() as session:
        try:
            detail = service.to_detail(session, service.get_member(session, identifier))
        except DargahError as exc:
            raise fail(exc) from exc
    console.print_json(detail.model_dump_json())


@app.command("create")
def create_command(
    code: Annotated[str, typer.Option()],
    name_fa: Annotated[str, typer.Option()],
    kind: Annotated[MemberKind, typer.Option()] = MemberKind.INSTITUTION,
    name_en: Annotated[str | None, typer.Option()] = None,
    institution_type: Annotated[InstitutionType | None, typer.Option("--type")] = None,
    province: Annotated[str | None, typer.Option()] = None,
    city: Annotated[str | None, typer.Option()] = None,
    parent: Annotated[str | None, typer.Option()] = None,
    agency_role: Annotated[AgencyRole | None, typer.Option()] = None,
) -> None:
    """Register a member."""
    try:
        data = MemberCreate(
            kind=kind,
            code=code,
            name_fa=name_fa,
            name_en=name_en,
            institution_type=institution_type,
            province=province,
            city=city,
            parent=parent,
            agency_role=agency_role,
        )
    except ValidationError as exc:
        raise _invalid(exc) from exc
    with open_database() as database, database.session() as session:
        try:
            member = service.create_member(session, principal=actor(), data=data)
        except DargahError as exc:
            raise fail(exc) from exc
    console.print(f"✓ {member.identifier} — {member.name_fa}")


@app.command("update")
def update_command(
    identifier: str,
    name_fa: Annotated[str | None, typer.Option()] = None,
    name_en: Annotated[str | None, typer.Option()] = None,
    city: Annotated[str | None, typer.Option()] = None,
    province: Annotated[str | None, typer.Option()] = None,
    status: Annotated[MemberStatus | None, typer.Option()] = None,
    parent: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Change a member's details."""
    given = {
        key: value
        for key, value in {
            "name_fa": name_fa,
            "name_en": name_en,
            "city": city,
            "province": province,
            "status": status,
            "parent": parent,
        }.items()
        if value is not None
    }
    try:
        data = MemberUpdate.model_validate(given)
    except ValidationError as exc:
        raise _invalid(exc) from exc
    with open_database() as database, database.session() as session:
        try:
            member = service.update_member(
                session, principal=actor(), identifier=identifier, data=data
            )
        except DargahError as exc:
            raise fail(exc) from exc
    console.print(f"✓ {member.identifier} updated / به‌روز شد")


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    policy: Annotated[str, typer.Option(help="all_or_nothing or accept_valid")] = "all_or_nothing",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing")] = False,
) -> None:
    """Import institutions from a CSV or XLSX file and print the per-row report."""
    if policy not in ("all_or_nothing", "accept_valid"):
        err_console.print("[red]--policy must be all_or_nothing or accept_valid[/red]")
        raise typer.Exit(code=2)
    chosen: Literal["all_or_nothing", "accept_valid"] = (
        "accept_valid" if policy == "accept_valid" else "all_or_nothing"
    )
    with open_database() as database, database.session() as session:
        try:
            rows = importer.read_table(file.read_bytes(), file.name)
            report = importer.import_institutions(
                session,
                principal=actor(),
                rows=rows,
                policy=chosen,
                dry_run=dry_run,
                source=file.name,
            )
        except DargahError as exc:
            raise fail(exc) from exc
    table = Table(title=f"{file.name}: {report.counts}")
    for column in ("row", "code", "outcome", "errors"):
        table.add_column(column)
    for row in report.rows:
        problems = "; ".join(f"{e['field']}: {e['message_en']}" for e in row.errors)
        table.add_row(str(row.row), row.code or "", row.outcome, problems)
    console.print(table)
    if report.applied:
        console.print("✓ applied / اعمال شد")
    else:
        console.print("✗ nothing written / چیزی ثبت نشد")
        raise typer.Exit(code=0 if dry_run and not report.counts["rejected"] else 1)
