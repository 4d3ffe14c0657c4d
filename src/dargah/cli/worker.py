"""`dargah worker`: run background jobs (submissions, deliveries, reminders)."""

from __future__ import annotations

import importlib
import signal
import threading
from types import FrameType
from typing import Annotated

import typer

from dargah.cli._common import connect, console, err_console, settings
from dargah.jobs.runner import Handler, Runner, registered_handlers
from dargah.logs import configure_logging
from dargah.submissions import jobs as _submission_jobs  # noqa: F401  (registers)

# Importing the app imports every domain, and each registers its job handlers.
_HANDLER_SOURCES = ("dargah.app",)


def load_handlers() -> dict[str, Handler]:
    """Import every domain so its job handlers are registered; return the registry."""
    for module in _HANDLER_SOURCES:
        importlib.import_module(module)
    return registered_handlers()


def worker(
    concurrency: Annotated[
        int | None,
        typer.Option(min=1, max=32, help="Jobs run at once (default DARGAH_JOBS_CONCURRENCY)"),
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="Run the jobs due now, then exit (for cron)")
    ] = False,
    kind: Annotated[
        list[str] | None, typer.Option(help="Only jobs of this kind; repeat for several")
    ] = None,
) -> None:
    """Claim and run background jobs until stopped (Ctrl-C or SIGTERM finish the
    running jobs first; a second signal stops at once). Safe to run on several hosts."""
    current = settings()
    handlers = load_handlers()
    if kind:
        unknown = sorted(set(kind) - set(handlers))
        if unknown:
            err_console.print(
                f"[red]✗ نوع کار ناشناخته / unknown job kind: {', '.join(unknown)} "
                f"(known: {', '.join(sorted(handlers)) or '-'})[/red]"
            )
            raise typer.Exit(code=2)
        handlers = {name: handlers[name] for name in kind}
    slots = concurrency or current.jobs_concurrency
    # Each running job holds a connection for its handler and one for its heartbeat.
    pool_size = max(current.database_pool_size, 2 * slots + 2)
    database = connect(pool_size=pool_size)
    configure_logging(level=current.log_level, fmt=current.log_format)
    try:
        runner = Runner(database, current, concurrency=slots, handlers=handlers if kind else None)
        if once:
            count = runner.run_once()
            console.print(f"کارهای اجراشده / jobs run: {count}")
            return
        _run_until_signalled(runner)
    finally:
        database.engine.dispose()


def _run_until_signalled(runner: Runner) -> None:
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        err_console.print("در حال توقف پس از کارهای جاری / stopping after the running jobs")
        stop.set()
        # A second signal ends the process at once; the leases then expire and the
        # jobs are reclaimed by another worker.
        signal.signal(signum, signal.SIG_DFL)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    err_console.print(
        f"worker {runner.worker_id}: {runner.concurrency} slot(s), "
        f"kinds: {', '.join(sorted(runner.handlers())) or '-'}"
    )
    runner.run_forever(stop)
