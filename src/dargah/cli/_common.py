"""What every command needs: settings, the database, the acting principal, output."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from dargah.access.policy import Principal, cli_principal
from dargah.config import Settings, get_settings
from dargah.db.schema import SchemaStatus, schema_status
from dargah.db.session import Database
from dargah.errors import DargahError, ServiceUnavailable

console = Console()
err_console = Console(stderr=True)


def settings() -> Settings:
    """The node's settings from the environment and config file."""
    return get_settings()


# How to make a database usable, said in every refusal below.
_FIX_FA = "`dargah db upgrade` را اجرا کنید (یا برای نسخهٔ نمایشی `make demo`)"
_FIX_EN = "run `dargah db upgrade` (or `make demo` for the demo)"
# A database that is missing, unreachable or not at this code's schema: exit status 3.
DATABASE_NOT_READY = 3


def sqlite_file(database_url: str) -> Path | None:
    """The file of a SQLite database URL, or None (PostgreSQL, in-memory SQLite)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:") or url.query.get("mode") == "memory":
        return None
    return Path(url.database)


def _shown(database_url: str) -> str:
    """The URL as an operator may see it: the file of a SQLite database, otherwise
    the URL without its password."""
    path = sqlite_file(database_url)
    if path is not None:
        return str(path)
    return make_url(database_url).render_as_string(hide_password=True)


def database_missing(database_url: str) -> ServiceUnavailable:
    """The configured SQLite file does not exist (and a command must not create it)."""
    shown = _shown(database_url)
    return ServiceUnavailable(
        f"پایگاه داده «{shown}» وجود ندارد؛ برای ساختن آن {_FIX_FA}. "
        "اگر پایگاه داده جای دیگری است، DARGAH_DATABASE_URL را تنظیم کنید.",
        f"The database {shown} does not exist; to create it, {_FIX_EN}. If the database "
        "is elsewhere, set DARGAH_DATABASE_URL.",
        code="database_missing",
        details={"database": shown},
    )


def read_status(database: Database, database_url: str) -> SchemaStatus:
    """The database's migration status; ``database_unreachable`` when it cannot be read."""
    try:
        return schema_status(database.engine)
    except SQLAlchemyError as exc:
        shown = _shown(database_url)
        raise ServiceUnavailable(
            f"به پایگاه داده «{shown}» نمی‌توان وصل شد ({type(exc).__name__}). نشانی "
            "DARGAH_DATABASE_URL و در دسترس بودن پایگاه داده را بررسی کنید.",
            f"Cannot connect to the database {shown} ({type(exc).__name__}). Check "
            "DARGAH_DATABASE_URL and that the database server is up.",
            code="database_unreachable",
            details={"database": shown},
        ) from exc


def check_database(database: Database, database_url: str) -> None:
    """Raise unless the database is reachable and at this code's schema: a command run
    against an empty or stale database says so instead of failing on a missing table."""
    shown = _shown(database_url)
    status = read_status(database, database_url)
    if status.current is None:
        raise ServiceUnavailable(
            f"پایگاه داده «{shown}» هنوز آماده نشده (جدولی ندارد)؛ {_FIX_FA}.",
            f"The database {shown} is not migrated (it has no tables yet); {_FIX_EN}.",
            code="database_not_migrated",
            details={"database": shown, "head": status.head},
        )
    if not status.is_current:
        raise ServiceUnavailable(
            f"طرح پایگاه داده «{shown}» با این نسخه از نرم‌افزار نمی‌خواند "
            f"({status.current}، نه {status.head})؛ `dargah db upgrade` را اجرا کنید.",
            f"The schema of the database {shown} is not this code's ({status.current}, "
            f"not {status.head}); run `dargah db upgrade`.",
            code="database_schema_behind",
            details={"database": shown, "current": status.current, "head": status.head},
        )


def not_ready(error: DargahError) -> typer.Exit:
    """Print why the database cannot be used and return the exit to raise."""
    fail(error)
    return typer.Exit(code=DATABASE_NOT_READY)


def connect(*, create: bool = False, check: bool = True, pool_size: int | None = None) -> Database:
    """The node's database, refused with a message in both languages (exit status 3)
    when its SQLite file is missing (unless ``create``: only `dargah db upgrade` and
    `dargah demo` make one), it cannot be reached, or, with ``check``, it is not at this
    code's schema. The caller disposes of its engine."""
    current = settings()
    path = sqlite_file(current.database_url)
    if path is not None and not create and not path.exists():
        # Checked before connecting: SQLite would create an empty file on connect.
        raise not_ready(database_missing(current.database_url))
    database = Database.from_url(
        current.database_url,
        echo=current.database_echo,
        pool_size=pool_size or current.database_pool_size,
    )
    if check:
        try:
            check_database(database, current.database_url)
        except ServiceUnavailable as exc:
            database.engine.dispose()
            raise not_ready(exc) from exc
    return database


@contextmanager
def open_database(*, create: bool = False, check: bool = True) -> Iterator[Database]:
    """The node's database (see ``connect``), disposed when the command ends."""
    database = connect(create=create, check=check)
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
