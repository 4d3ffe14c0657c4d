"""`dargah query` against the real app (reached through its test transport) on both
databases: readable conditions, grouped counts, files of every format that follow the
cursor, and refusals printed in Persian and English without a traceback."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from dargah.access import grants
from dargah.access.policy import Role
from dargah.access.schemas import GrantCreate
from dargah.cli import query as query_module
from dargah.cli.main import app
from dargah.config import Settings
from dargah.db.session import Database
from dargah.errors import InvalidInput
from dargah.members import service as members
from support.factories import Actor, make_hq_unit, make_institution
from support.queries import SLUG, load, row, sync_people

PURPOSE = "آمار پذیرش ۱۴۰۴"


def dargah(*args: str) -> tuple[int, str]:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture
def consumer(
    app: FastAPI,
    session: Session,
    database: Database,
    settings: Settings,
    tmp_path: Path,
    actor: Callable[..., Actor],
    monkeypatch: pytest.MonkeyPatch,
) -> Actor:
    """An HQ unit's staff holding a row-level grant on ``test_people`` (Tehran only)."""
    sync_people(session)
    near = make_institution(session, code="7401", province="23")
    far = make_institution(session, code="7402", province="03")
    session.commit()
    lines = [
        row(str(n), gender="f" if n < 8 else "m", level="bachelor" if n < 11 else "master")
        for n in range(1, 13)
    ]
    load(database, settings, tmp_path, institution_id=near.id, lines=lines)
    load(database, settings, tmp_path, institution_id=far.id, lines=[row("200", gender="m")])
    owner = actor(Role.HQ, hq_unit=members.get_hq_unit(session, "education"))
    unit = make_hq_unit(session, code="cliconsumer")
    grants.create_grant(
        session,
        principal=owner.principal,
        data=GrantCreate(
            dataset=SLUG,
            consumer=unit.code,
            fields=["student_number", "national_id", "gender", "degree_level", "credits"],
            scope={"provinces": ["23"]},  # type: ignore[arg-type]
            level="rows",  # type: ignore[arg-type]
            purpose="برنامه‌ریزی پذیرش",
            legal_basis="بند ۳ آیین‌نامه تبادل داده",
            expires_at=datetime.now(UTC) + timedelta(days=30),
        ),
    )

    def client(*, base_url: str, headers: dict[str, str], timeout: Any) -> httpx.Client:
        del timeout
        return TestClient(app, base_url=base_url, headers=headers)

    monkeypatch.setattr(query_module.httpx, "Client", client)
    return actor(Role.HQ, hq_unit=unit)


def _ask(who: Actor, *args: str) -> tuple[int, str]:
    return dargah(
        "query",
        SLUG,
        "--purpose",
        PURPOSE,
        "--gateway",
        "http://127.0.0.1",
        "--key",
        who.token,
        *args,
    )


def test_a_grouped_count_prints_as_csv(consumer: Actor) -> None:
    code, output = _ask(consumer, "--group-by", "gender", "--count", "--format", "csv")

    assert code == 0, output
    # The app's request log shares the output in tests: look for the CSV's lines.
    lines = [line.lstrip("\ufeff") for line in output.splitlines()]
    assert "gender,count,_suppressed" in lines
    # Tehran only (the far institution is outside the grant): 7 women, 5 men.
    assert "f,7,false" in lines
    assert "m,5,false" in lines


def test_conditions_are_read_as_written(consumer: Actor) -> None:
    code, output = _ask(
        consumer,
        "--where",
        "degree_level in bachelor, master",
        "--where",
        "credits>=20",
        "--where",
        "gender = m",
        "--select",
        "student_number,gender",
        "--order-by",
        "student_number:desc",
        "--format",
        "json",
    )

    assert code == 0, output
    document = next(line for line in output.splitlines() if line.startswith('{"dataset"'))
    answer = json.loads(document)
    assert [item["student_number"] for item in answer["rows"]] == ["9", "8", "12", "11", "10"]


def test_a_file_follows_the_cursor_to_the_last_page(consumer: Actor, tmp_path: Path) -> None:
    target = tmp_path / "people.csv"

    code, output = _ask(consumer, "--limit", "5", "--output", str(target))

    assert code == 0, output
    text = target.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 12  # three pages of at most five
    assert len({item["student_number"] for item in rows}) == 12
    assert text.count("student_number") == 1  # one header
    assert all(item["national_id"].startswith("******") for item in rows)  # masked
    assert "rows / سطرها: 12" in output
    assert "masked / پوشانده: national_id" in output


@pytest.mark.parametrize("suffix", ["xlsx", "parquet", "json"])
def test_every_format_is_written_whole(consumer: Actor, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"people.{suffix}"

    code, output = _ask(
        consumer, "--limit", "4", "--select", "student_number,credits", "--output", str(target)
    )

    assert code == 0, output
    if suffix == "xlsx":
        sheet = load_workbook(target, read_only=True)["data"]
        values = list(sheet.iter_rows(values_only=True))
        assert values[0] == ("student_number", "credits")
        assert len(values) == 13
    elif suffix == "parquet":
        table = pq.read_table(target)
        assert table.num_rows == 12
        assert str(table.schema.field("credits").type) == "int64"
    else:
        assert len(json.loads(target.read_text(encoding="utf-8"))["rows"]) == 12


def test_a_field_outside_the_grant_is_refused_in_both_languages(consumer: Actor) -> None:
    code, output = _ask(consumer, "--where", "city=تهران", "--count")

    assert code == 2
    assert "city" in output
    assert "مجوز" in output
    assert "not within your grant" in output
    assert "Traceback" not in output


def test_an_unreadable_condition_is_explained(consumer: Actor) -> None:
    code, output = _ask(consumer, "--where", "gpa 15")

    assert code == 2
    assert "condition_unreadable" in output
    assert "شرط" in output


def test_without_a_gateway_the_consumer_must_be_named() -> None:
    code, output = dargah("query", SLUG, "--purpose", PURPOSE, "--count")

    assert code == 2
    assert "--as" in output
    assert "consumer_required" in output


def test_binary_formats_need_a_file() -> None:
    code, output = dargah("query", SLUG, "--purpose", PURPOSE, "--format", "xlsx")

    assert code == 2
    assert "--output" in output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("degree_level=bachelor", {"field": "degree_level", "op": "=", "value": "bachelor"}),
        ("gpa >= 15", {"field": "gpa", "op": ">=", "value": "15"}),
        ("province in 23,11", {"field": "province", "op": "in", "value": ["23", "11"]}),
        ("province NOT IN 23،11", {"field": "province", "op": "not_in", "value": ["23", "11"]}),
        (
            "entry_date between 1400/07/01,1401/06/31",
            {"field": "entry_date", "op": "between", "value": ["1400/07/01", "1401/06/31"]},
        ),
        ("email is null", {"field": "email", "op": "is_null"}),
        ("email is not null", {"field": "email", "op": "is_not_null"}),
        ("city ~ تهران", {"field": "city", "op": "contains", "value": "تهران"}),
        ('name = "a b"', {"field": "name", "op": "=", "value": "a b"}),
    ],
)
def test_conditions_parse(text: str, expected: dict[str, Any]) -> None:
    assert query_module.parse_condition(text) == expected


@pytest.mark.parametrize("text", ["gpa", "gpa >", "= 3", "gpa in "])
def test_bad_conditions_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        query_module.parse_condition(text)
