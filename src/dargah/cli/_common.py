"""What every command needs: settings, the database, the acting principal, output."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from dargah.access.policy import Principal, cli_principal
from dargah.config import Settings, get_settings
from dargah.db.session import Database
from dargah.errors import DargahError

console = Console()
err_console = Console(stderr=True)


def settings() -> Settings:
    """The node's settings from the environment and config file."""
    return get_settings()


@contextmanager
def open_database() -> Iterator[Database]:
    """The node's database, disposed when the command ends."""
    current = settings()
    database = Database.from_url(current.database_url, echo=current.database_echo)
    try:
        yield database
    finally:
        database.engine.dispose()


def actor() -> Principal:
    """Commands act as an administrator named after the operating-system user."""
    try:
        user = getpass.getuser()
    except OSError:
        user = "unknown"
    return cli_principal(user)


def fail(error: DargahError) -> typer.Exit:
    """Print a domain error in both languages and return the exit to raise."""
    err_console.print(f"[red]✗ {error.message_fa}[/red]")
    err_console.print(f"[red]  {error.message_en} ({error.code})[/red]")
    for item in error.errors[:50]:
        err_console.print(f"  - {item}")
    return typer.Exit(code=2)
