"""`dargah audit`: verify the hash chain and search the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from dargah.audit import service
from dargah.audit.verify import DEFAULT_BATCH_SIZE
from dargah.cli._common import actor, console, fail, open_database
from dargah.cli.inputs import whole_number
from dargah.errors import DargahError

app = typer.Typer(
    help="Audit log: verify its hash chain, search its entries. / رویدادنگاری",
    no_args_is_help=True,
)

_TIME_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"]


@app.command("verify")
def verify_command(
    batch_size: Annotated[
        int, typer.Option(min=1, help="Entries read per query (memory stays bounded)")
    ] = DEFAULT_BATCH_SIZE,
) -> None:
    """Recompute every hash of the chain. Exit 0 if intact, 1 if tampered with."""
    with open_database() as database, database.session() as session:
        report = service.verify_audit_log(session, principal=actor(), batch_size=batch_size)
    console.print(f"رویدادهای وارسی‌شده / entries checked: {report.entries_checked}")
    console.print(f"سر زنجیره / chain head: {report.head_seq} {report.last_hash}")
    problem = report.first_problem
    if problem is None:
        console.print("[green]✓ زنجیرهٔ رویدادنگاری سالم است / audit chain intact[/green]")
        return
    console.print(
        f"[red]✗ زنجیره دستکاری شده است / chain tampered: "
        f"seq {problem.seq} ({problem.kind.value})[/red]"
    )
    console.print(f"[red]  {problem.message_fa}[/red]")
    console.print(f"[red]  {problem.message_en}[/red]")
    raise typer.Exit(code=1)


@app.command("search")
def search_command(
    action: Annotated[
        list[str] | None,
        typer.Option(help="Action code, e.g. member.created; repeat for several"),
    ] = None,
    actor_name: Annotated[str | None, typer.Option("--actor", help="Who acted, exactly")] = None,
    member: Annotated[str | None, typer.Option(help="Member, e.g. IR/UNI/1001")] = None,
    entity_type: Annotated[str | None, typer.Option()] = None,
    entity_id: Annotated[str | None, typer.Option()] = None,
    request_id: Annotated[str | None, typer.Option()] = None,
    personal_data: Annotated[
        bool | None, typer.Option("--personal-data/--no-personal-data", help="Reads of PII")
    ] = None,
    since: Annotated[
        datetime | None, typer.Option("--from", formats=_TIME_FORMATS, help="Inclusive, UTC")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option("--to", formats=_TIME_FORMATS, help="Exclusive, UTC")
    ] = None,
    limit: Annotated[int, typer.Option(parser=whole_number)] = service.DEFAULT_PAGE_SIZE,
    cursor: Annotated[
        int | None, typer.Option(parser=whole_number, help="Show entries before this seq")
    ] = None,
) -> None:
    """Search the audit log, newest first (the search itself is audited)."""
    with open_database() as database, database.session() as session:
        try:
            filters = service.entry_filter(
                actions=action or (),
                actor=actor_name,
                member=member,
                entity_type=entity_type,
                entity_id=entity_id,
                request_id=request_id,
                personal_data=personal_data,
                since=since,
                until=until,
            )
            page = service.search_entries(
                session, principal=actor(), filters=filters, limit=limit, cursor=cursor
            )
        except DargahError as exc:
            raise fail(exc) from exc
        table = Table(title=f"{len(page.items)} entries / رویداد")
        for column in ("seq", "at (UTC)", "action", "outcome", "actor", "member", "entity"):
            table.add_column(column)
        for entry in page.items:
            entity = "/".join(part for part in (entry.entity_type, entry.entity_id) if part)
            table.add_row(
                str(entry.seq),
                entry.at.strftime("%Y-%m-%d %H:%M:%S"),
                entry.action,
                entry.outcome,
                entry.actor,
                entry.member or "",
                entity,
            )
    console.print(table)
    if page.next_cursor is not None:
        console.print(f"صفحهٔ بعد / next page: --cursor {page.next_cursor}")
