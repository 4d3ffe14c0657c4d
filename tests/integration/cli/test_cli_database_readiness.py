"""Every `dargah` command on a database that is missing, not migrated or stale says so
in both languages with the command that fixes it (exit status 3), never a traceback, and
never leaves an empty SQLite file behind; only `dargah db upgrade` and `dargah demo`
create the database. `make demo` and the other commands share one default database."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from dargah.cli.main import app
from dargah.config import DEFAULT_DATABASE_URL, get_settings
from dargah.db.engine import make_engine
from dargah.db.schema import alembic_config, upgrade

BOTH_BACKENDS = pytest.mark.parametrize(
    "fresh_database_url", ["sqlite", "postgresql"], indirect=True
)
# Commands that read or write the node's database, each with what it needs to get as
# far as opening it.
DATABASE_COMMANDS = [
    ["members", "list", "--province", "تهران", "--type", "state_university"],
    ["members", "show", "IR/UNI/1001"],
    ["people", "list", "--purpose", "بررسی"],
    ["keys", "list"],
    ["keys", "signing", "list"],
    ["audit", "verify"],
    ["receipt", "keys"],
    ["catalogue", "list"],
    ["catalogue", "sync"],
    ["codelists", "list"],
    ["jobs", "list"],
    ["statistics", "--as", "research"],
    ["query", "students", "--as", "research", "--purpose", "آزمون", "--count"],
    ["demo", "seed"],
    ["worker", "--once"],
    ["serve"],
]


def dargah(*args: str) -> tuple[int, str]:
    """Run `dargah ARGS…` in process; exit status and everything printed. Any exception
    other than the exit itself is a traceback the user would have seen."""
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"dargah {' '.join(args)} raised {result.exception!r}")
    return result.exit_code, result.output


@pytest.fixture
def node_url(fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty database (SQLite: no file yet) the CLI is configured to use."""
    monkeypatch.setenv("DARGAH_DATABASE_URL", fresh_database_url)
    get_settings.cache_clear()
    yield fresh_database_url
    get_settings.cache_clear()


def _sqlite_path(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def _says_not_ready(output: str, code: str) -> None:
    assert code in output
    assert "dargah db upgrade" in output
    assert "پایگاه داده" in output  # Persian
    assert "database" in output.lower()  # English
    assert "Traceback" not in output
    assert "sqlalchemy" not in output.lower()


@pytest.mark.parametrize("command", DATABASE_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_missing_sqlite_file_is_named_with_the_fix_and_not_created(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database_file = tmp_path / "var" / "node.sqlite3"
    monkeypatch.setenv("DARGAH_DATABASE_URL", f"sqlite:///{database_file}")
    get_settings.cache_clear()

    status, output = dargah(*command)
    get_settings.cache_clear()

    assert status == 3, output
    _says_not_ready(output, "database_missing")
    assert "make demo" in output
    assert str(database_file) in output
    assert not database_file.exists()
    assert not database_file.parent.exists()


@BOTH_BACKENDS
def test_an_unmigrated_database_is_refused_with_the_fix(node_url: str) -> None:
    path = _sqlite_path(node_url)
    if path is not None:
        path.touch()  # an empty file, as the earlier CLI left behind

    for command in (DATABASE_COMMANDS[0], ["serve"], ["demo", "seed"], ["worker", "--once"]):
        status, output = dargah(*command)
        assert status == 3, (command, output)
        _says_not_ready(output, "database_not_migrated")

    status, output = dargah("db", "status")
    assert status == 1, output
    assert "behind" in output
    assert "dargah db upgrade" in output


@BOTH_BACKENDS
def test_a_database_behind_the_code_is_refused_with_the_fix(node_url: str) -> None:
    engine = make_engine(node_url)
    try:
        script = ScriptDirectory.from_config(alembic_config(engine))
        first = script.get_base()
        assert first is not None
        assert first != script.get_current_head()
        upgrade(engine, first)
    finally:
        engine.dispose()

    status, output = dargah(*DATABASE_COMMANDS[0])

    assert status == 3, output
    _says_not_ready(output, "database_schema_behind")
    assert first in output


@BOTH_BACKENDS
def test_db_upgrade_creates_the_database_then_commands_work(node_url: str) -> None:
    status, output = dargah("db", "status")
    path = _sqlite_path(node_url)
    if path is not None:
        # `db status` reports a missing file without creating it.
        assert status == 3, output
        _says_not_ready(output, "database_missing")
        assert not path.exists()

    status, output = dargah("db", "upgrade")
    assert status == 0, output
    assert path is None or path.exists()

    status, output = dargah("members", "list", "--province", "تهران")
    assert status == 0, output
    assert "0 members" in output
    status, output = dargah("db", "status")
    assert status == 0, output
    assert "current" in output


def test_an_unreachable_postgresql_server_is_said_so(monkeypatch: pytest.MonkeyPatch) -> None:
    # Port 1 on the loopback interface: nothing listens, the connection is refused.
    monkeypatch.setenv("DARGAH_DATABASE_URL", "postgresql://dargah:secret@127.0.0.1:1/none")
    get_settings.cache_clear()

    status, output = dargah("members", "list")
    get_settings.cache_clear()

    assert status == 3, output
    assert "database_unreachable" in output
    assert "DARGAH_DATABASE_URL" in output
    assert "secret" not in output  # the password is not printed
    assert "Traceback" not in output


def test_the_readme_command_after_make_demo_lists_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make demo`, then the README's `dargah members list`, in the same directory and
    with no DARGAH_DATABASE_URL: both use the one embedded default database."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DARGAH_DATABASE_URL", raising=False)
    monkeypatch.delenv("DARGAH_CONFIG_FILE", raising=False)
    monkeypatch.setenv("DARGAH_LOG_FORMAT", "console")
    get_settings.cache_clear()
    assert get_settings().database_url == DEFAULT_DATABASE_URL
    try:
        status, output = dargah("demo", "run", "--no-serve")
        assert status == 0, output
        status, listed = dargah(
            "members", "list", "--province", "تهران", "--type", "state_university"
        )
    finally:
        get_settings.cache_clear()

    assert status == 0, listed
    assert "دانشگاه تهران" in listed
    assert (tmp_path / "var" / "dargah.sqlite3").stat().st_size > 0
    assert (tmp_path / "var" / "demo-credentials.json").exists()


def test_a_shell_user_sees_no_traceback_and_no_file_is_left(tmp_path: Path) -> None:
    """The same as a newcomer's terminal: the installed `dargah` in a fresh directory."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DARGAH_") and name != "PYTHONPATH"
    }
    completed = subprocess.run(  # noqa: S603  (our own interpreter and module)
        [sys.executable, "-m", "dargah.cli.main", *DATABASE_COMMANDS[0]],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert completed.returncode == 3, completed.stderr
    _says_not_ready(completed.stderr, "database_missing")
    assert completed.stdout == ""
    assert list(tmp_path.iterdir()) == []
