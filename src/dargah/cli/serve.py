"""`dargah serve`: run the gateway's HTTP server."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from dargah.cli._common import connect, err_console, settings
from dargah.logs import configure_logging


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (PostgreSQL)")] = None,
) -> None:
    """Serve the API and the portal (checks the schema first)."""
    current = settings()
    # Refuses (exit 3) a missing, unreachable or stale database, with the fix.
    connect().engine.dispose()
    worker_count = workers or current.workers
    if worker_count > 1 and current.is_sqlite:
        err_console.print(
            "[red]Several workers need PostgreSQL / چند پردازه نیازمند PostgreSQL است[/red]"
        )
        raise typer.Exit(code=2)
    configure_logging(level=current.log_level, fmt=current.log_format)
    uvicorn.run(
        "dargah.asgi:application",
        factory=True,
        host=host or current.host,
        port=port or current.port,
        workers=worker_count,
        log_config=None,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )
