"""`dargah demo students-file` (the docs' file to submit) and the demo's refusal to seed
a production node."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dargah.catalogue.builtin import builtin_datasets
from dargah.cli.main import app
from dargah.config import get_settings


@pytest.fixture
def settings_reset() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_students_file_is_a_valid_students_submission(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings_reset: None
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "students.csv"

    written = CliRunner().invoke(app, ["demo", "students-file", str(path), "--rows", "40"])
    checked = CliRunner().invoke(
        app, ["push", str(path), "--dataset", "students", "--period", "1403-1", "--validate-only"]
    )

    assert written.exit_code == 0, written.output
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    students = next(item for item in builtin_datasets() if item.id == "students")
    assert len(rows) == 40
    assert list(rows[0]) == [field.name for field in students.schema_.fields]
    assert checked.exit_code == 0, checked.output
    # Writing a file needs no database: none was made in the working directory.
    assert not (tmp_path / "var").exists()


def test_the_demo_is_not_seeded_in_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings_reset: None
) -> None:
    database_file = tmp_path / "var" / "dargah.sqlite3"
    monkeypatch.setenv("DARGAH_DATABASE_URL", f"sqlite:///{database_file}")
    monkeypatch.setenv("DARGAH_ENVIRONMENT", "production")
    monkeypatch.setenv("DARGAH_SECRET_KEY", "p" * 16 + "-a-long-enough-production-secret")

    result = CliRunner().invoke(app, ["demo", "run", "--no-serve"])

    assert result.exit_code == 2, result.output
    assert "production" in result.output
    assert not database_file.exists()
