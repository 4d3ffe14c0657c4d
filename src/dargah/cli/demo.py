"""`dargah demo`: seed the demo ministry, print its logins and keys, serve it.

``dargah demo run`` is what ``make demo`` calls. It uses the node's own database — the
embedded default ``var/dargah.sqlite3``, or ``DARGAH_DATABASE_URL`` — so every other
command (``dargah members list``, ``dargah serve`` …) run afterwards in the same
directory sees the demo. It seeds only an empty database and refuses to run in the
``production`` environment, so a real node's data is never mixed with the demo's.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from sqlalchemy import select
from sqlalchemy.engine import make_url

from dargah.access.policy import ROLE_LABELS, Role
from dargah.cli._common import actor, console, err_console, fail, open_database, settings
from dargah.cli.serve import serve
from dargah.config import Settings, get_settings
from dargah.db.schema import upgrade
from dargah.db.session import Database
from dargah.demo import DEMO_PASSWORD, DemoCredentials, seed_demo
from dargah.demo.grants import seed_demo_grants
from dargah.demo.institutions import INSTITUTIONS
from dargah.demo.submissions import code_values, seed_demo_submissions
from dargah.demo.synthetic import students_frame, write_csv
from dargah.errors import DargahError
from dargah.members.models import Member

app = typer.Typer(help="The demo ministry: seed it, or seed and serve it.", no_args_is_help=True)

CREDENTIALS_FILE = "demo-credentials.json"
EXAMPLE_PROVINCE = "23"  # Tehran: the province with the most demo institutions


def credentials_path(database_url: str) -> Path:
    """Where the credentials of the demo in ``database_url`` are kept: next to a SQLite
    file, otherwise in ``var/`` under the working directory."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).parent / CREDENTIALS_FILE
    return Path("var") / CREDENTIALS_FILE


def save_credentials(credentials: DemoCredentials, path: Path) -> None:
    """Write the credentials readable by the owner only (they hold live API keys)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(credentials.to_dict(), handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    # O_CREAT's mode does not apply to a file that already existed.
    path.chmod(0o600)


def load_credentials(path: Path) -> DemoCredentials | None:
    """The saved credentials, or None when the file is missing or unreadable."""
    try:
        return DemoCredentials.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _role_label(role: str) -> str:
    try:
        fa, en = ROLE_LABELS[Role(role)]
    except ValueError:
        return role
    return f"{en} / {fa}"


def _people_table(credentials: DemoCredentials) -> Table:
    table = Table(title=f"Portal logins — password for all: {DEMO_PASSWORD}", title_justify="left")
    table.add_column("username", no_wrap=True, style="bold")
    table.add_column("role")
    table.add_column("bound to")
    for person in credentials.people:
        table.add_row(person.username, _role_label(person.role), person.binding or "")
    return table


def _keys_listing(credentials: DemoCredentials) -> Group:
    # Each secret on a line of its own, never wrapped, so it can be copied whole.
    lines: list[RenderableType] = [Text("API keys (shown once, saved in the credentials file)")]
    for key in credentials.keys:
        binding = f" → {key.binding}" if key.binding else ""
        lines.append(Text(f"  {key.role:<12} {key.system}{binding}", style="bold"))
        lines.append(Text(f"    {key.secret}", no_wrap=True, overflow="ignore"))
    return Group(*lines)


def _example_curl(credentials: DemoCredentials, base_url: str) -> str | None:
    key = credentials.key_of_role(Role.HQ) or (credentials.keys[0] if credentials.keys else None)
    if key is None:
        return None
    return (
        f'curl -H "Authorization: Bearer {key.secret}" '
        f'"{base_url}/api/v1/members?province={EXAMPLE_PROVINCE}"'
    )


def _print_credentials(credentials: DemoCredentials, *, base_url: str, path: Path) -> None:
    panel = Panel(
        Group(
            Text(f"Portal / پورتال: {base_url}", style="bold green"),
            Text(f"API docs: {base_url}/docs"),
            Text(
                f"Query / پرسش: log in as hq.research or hq.education → {base_url}/queries "
                "(hq.education also decides a pending grant request at /grants)"
            ),
            Text(
                f"Dashboard / داشبورد آمار ملی: log in as hq.research → {base_url}/statistics "
                "(students by province, institution type, degree level and gender, field)"
            ),
            Text(""),
            _people_table(credentials),
            Text(""),
            _keys_listing(credentials),
            Text(""),
            Text(f"Credentials file: {path}", style="dim"),
        ),
        title="Dargah demo · درگاه تبادل اطلاعات وزارت علوم (نمایشی)",
        border_style="green",
    )
    console.print(panel)
    curl = _example_curl(credentials, base_url)
    if curl is not None:
        console.print("Try the API / نمونهٔ فراخوانی:")
        # soft_wrap keeps the command on one logical line, so it pastes as one command.
        console.print(curl, soft_wrap=True, markup=False, highlight=False)


def _has_members(database: Database) -> bool:
    with database.session() as session:
        return session.scalar(select(Member.id).limit(1)) is not None


def _seed_and_save(database: Database, path: Path) -> DemoCredentials:
    credentials = seed_demo(database)
    save_credentials(credentials, path)
    delivered = seed_demo_submissions(database, settings(), actor())
    console.print(
        f"✓ {delivered.submissions} submissions through the pipeline: {delivered.accepted} "
        f"accepted, {delivered.partial} partially accepted, {delivered.rejected} rejected / "
        "ارسال‌های نمایشی"
    )
    given = seed_demo_grants(database, actor())
    console.print(
        f"✓ {len(given.grants)} grants on students and 1 pending request / مجوزهای نمایشی"
    )
    return credentials


def _seed_summary() -> str:
    provinces = {spec.province for spec in INSTITUTIONS}
    return (
        f"✓ demo seeded: {len(INSTITUTIONS)} institutions in {len(provinces)} provinces / "
        "دادهٔ نمایشی ساخته شد"
    )


@app.command("seed")
def seed_command() -> None:
    """Seed the configured (empty, migrated) database with the demo ministry."""
    current = settings()
    _refuse_production(current)
    path = credentials_path(current.database_url)
    # Refuses (exit 3) a database that is missing or not migrated, with the fix.
    with open_database() as database:
        try:
            credentials = _seed_and_save(database, path)
        except DargahError as exc:
            raise fail(exc) from exc
    console.print(_seed_summary())
    _print_credentials(credentials, base_url=f"http://{current.host}:{current.port}", path=path)


def _refuse_production(current: Settings) -> None:
    if current.environment == "production":
        err_console.print(
            "[red]دادهٔ نمایشی در محیط production ساخته نمی‌شود.\n"
            "The demo is not seeded in the production environment "
            "(DARGAH_ENVIRONMENT=production).[/red]"
        )
        raise typer.Exit(code=2)


def _reset(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        err_console.print(
            "[red]--reset فقط پایگاه دادهٔ SQLite را پاک می‌کند.\n"
            "--reset only deletes a SQLite database file.[/red]"
        )
        raise typer.Exit(code=2)
    database_file = Path(url.database)
    for leftover in (
        database_file,
        database_file.with_name(database_file.name + "-wal"),
        database_file.with_name(database_file.name + "-shm"),
        credentials_path(database_url),
    ):
        leftover.unlink(missing_ok=True)
    console.print(f"✓ removed {database_file} and its demo credentials")


@app.command("run")
def run_command(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    reset: Annotated[
        bool, typer.Option("--reset", help="Delete the demo SQLite file and credentials first")
    ] = False,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Seed and print the logins only")
    ] = False,
) -> None:
    """Migrate, seed (once), print logins and keys, and serve the demo on HOST:PORT."""
    # The node's own database (the embedded default unless DARGAH_DATABASE_URL says
    # otherwise), so the commands a newcomer runs next see the demo. Human-readable
    # logs suit a demo terminal better than JSON lines; the server reads the format
    # from the settings, so it goes into the environment before they are read.
    os.environ.setdefault("DARGAH_LOG_FORMAT", "console")
    get_settings.cache_clear()
    current = get_settings()
    _refuse_production(current)
    database_url = current.database_url
    if reset:
        _reset(database_url)
    path = credentials_path(database_url)
    database = Database.from_url(database_url)
    try:
        upgrade(database.engine)
        if _has_members(database):
            credentials = load_credentials(path)
            console.print(f"✓ using the existing demo in {database.engine.url!r}")
        else:
            credentials = _seed_and_save(database, path)
            console.print(_seed_summary())
    except DargahError as exc:
        raise fail(exc) from exc
    finally:
        database.engine.dispose()
    base_url = f"http://{host}:{port}"
    if credentials is None:
        err_console.print(
            f"[yellow]The database already has members but {path} is missing, so the demo "
            "keys are unknown (they are shown only once). Use --reset to start over.\n"
            "پایگاه داده عضو دارد ولی پروندهٔ اطلاعات ورود نیست؛ با --reset از نو بسازید."
            "[/yellow]"
        )
        console.print(f"Portal / پورتال: {base_url}")
    else:
        _print_credentials(credentials, base_url=base_url, path=path)
    if not no_serve:
        serve(host=host, port=port, workers=1)


@app.command("students-file")
def students_file_command(
    output: Annotated[Path, typer.Argument(help="The CSV file to write")],
    rows: Annotated[int, typer.Option(min=1, max=1_000_000, help="How many students")] = 200,
    seed: Annotated[int, typer.Option(help="Seed of the generator (same seed, same file)")] = 1,
) -> None:
    """Write a CSV of synthetic students in the built-in `students` data set's columns,
    to try a submission with (`dargah push`, or the API's upload). Needs no database."""
    by_level, provinces, _ = code_values()
    frame = students_frame(
        rows,
        seed=seed,
        fields_by_level=by_level,
        provinces=provinces,
        # Student numbers the demo's own deliveries never use.
        first_number=90_000_000 + seed * 100_000,
    )
    write_csv(frame, output)
    console.print(f"✓ {rows} students written to {output} / فایل دانشجویان نوشته شد")
