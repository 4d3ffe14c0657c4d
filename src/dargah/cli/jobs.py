"""`dargah jobs`: look at background jobs, retry or cancel them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from dargah.cli._common import actor, console, fail, open_database
from dargah.errors import DargahError
from dargah.jobs import service
from dargah.jobs.schemas import JobOut

app = typer.Typer(
    help="Background jobs: list, show, retry, cancel. / کارهای پس‌زمینه", no_args_is_help=True
)


@app.command("list")
def list_command(
    status: Annotated[
        list[str] | None, typer.Option(help="queued, running, succeeded, failed, cancelled")
    ] = None,
    kind: Annotated[str | None, typer.Option(help="e.g. submission.process")] = None,
    institution: Annotated[str | None, typer.Option(help="e.g. IR/UNI/1001")] = None,
    limit: Annotated[int, typer.Option(min=1, max=service.MAX_PAGE_SIZE)] = 50,
    cursor: Annotated[str | None, typer.Option(help="Show jobs older than this one")] = None,
) -> None:
    """List jobs, newest first."""
    with open_database() as database, database.session() as session:
        try:
            filters = service.JobFilter(
                statuses=service.parse_statuses(status or ()), kind=kind, institution=institution
            )
            page = service.list_jobs(
                session, principal=actor(), filters=filters, limit=limit, cursor=cursor
            )
        except DargahError as exc:
            raise fail(exc) from exc
        table = Table(title=f"{len(page.items)} jobs / کار")
        for column in ("id", "kind", "status", "attempts", "progress", "created (UTC)", "error"):
            table.add_column(column)
        for job in page.items:
            progress = f"{job.progress_done}" + (
                f"/{job.progress_total}" if job.progress_total is not None else ""
            )
            table.add_row(
                job.id,
                job.kind,
                job.status,
                f"{job.attempts}/{job.max_attempts}",
                progress,
                job.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                job.error_code or "",
            )
    console.print(table)
    if page.next_cursor is not None:
        console.print(f"صفحهٔ بعد / next page: --cursor {page.next_cursor}")


@app.command("show")
def show_command(job_id: Annotated[str, typer.Argument(help="The job's id")]) -> None:
    """Everything about one job, as JSON."""
    with open_database() as database, database.session() as session:
        try:
            job = service.get_job(session, principal=actor(), job_id=job_id)
        except DargahError as exc:
            raise fail(exc) from exc
        console.print_json(JobOut.of(job, operator_view=True).model_dump_json())


@app.command("retry")
def retry_command(job_id: Annotated[str, typer.Argument(help="The job's id")]) -> None:
    """Queue a failed or cancelled job again (recorded in the audit log)."""
    with open_database() as database, database.session() as session:
        try:
            job = service.retry_job(session, principal=actor(), job_id=job_id)
        except DargahError as exc:
            raise fail(exc) from exc
    console.print(f"[green]✓ دوباره در صف / queued again: {job.id}[/green]")


@app.command("cancel")
def cancel_command(job_id: Annotated[str, typer.Argument(help="The job's id")]) -> None:
    """Cancel a queued job, or ask a running one to stop (recorded in the audit log)."""
    with open_database() as database, database.session() as session:
        try:
            job = service.cancel_job(session, principal=actor(), job_id=job_id)
        except DargahError as exc:
            raise fail(exc) from exc
    console.print(f"[green]✓ {job.id}: {job.status}[/green]")
