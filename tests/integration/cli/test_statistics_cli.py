"""`dargah statistics` on both databases: through a gateway (the real app, reached
through its test transport) and on the node itself for a consumer named with --as (a
real, committed database) — tables, CSV and JSON, refusals with the next step, audited."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from dargah.access import grants
from dargah.access.policy import Role
from dargah.access.schemas import GrantCreate
from dargah.audit.models import AuditEntry
from dargah.cli import statistics as statistics_module
from dargah.cli.main import app
from dargah.config import Settings, get_settings
from dargah.db.engine import make_engine
from dargah.db.schema import upgrade
from dargah.db.session import Database
from support.factories import Actor, make_hq_unit
from support.statistics import ADMIN, load_nation


def dargah(*args: str) -> tuple[int, str]:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def _students_grant(session: Session, consumer: str) -> None:
    grants.create_grant(
        session,
        principal=ADMIN,
        data=GrantCreate.model_validate(
            {
                "dataset": "students",
                "consumer": consumer,
                "level": "aggregate",
                "purpose": "داشبورد",
                "legal_basis": "بند ۳ آیین‌نامه تبادل داده",
                "expires_at": datetime.now(UTC) + timedelta(days=30),
            }
        ),
    )


def _json(output: str) -> Any:
    """The JSON document printed (from its opening line to its closing one)."""
    lines = output.splitlines()
    start = lines.index("{")
    end = len(lines) - lines[::-1].index("}")
    return json.loads("\n".join(lines[start:end]))


def _lines(output: str) -> list[str]:
    # The app's request log shares the output in tests: look for the lines themselves.
    return [line.lstrip("\ufeff") for line in output.splitlines()]


# -- through a gateway ---------------------------------------------------------------------


@pytest.fixture
def gateway_user(
    app: FastAPI,
    session: Session,
    database: Database,
    settings: Settings,
    tmp_path: Path,
    actor: Callable[..., Actor],
    monkeypatch: pytest.MonkeyPatch,
) -> Actor:
    load_nation(session, database, settings, tmp_path)
    unit = make_hq_unit(session, code="clistats")
    _students_grant(session, "clistats")

    def client(*, base_url: str, headers: dict[str, str], timeout: Any) -> httpx.Client:
        del timeout
        return TestClient(app, base_url=base_url, headers=headers)

    monkeypatch.setattr(statistics_module.httpx, "Client", client)
    return actor(Role.HQ, hq_unit=unit)


def _ask(who: Actor, *args: str) -> tuple[int, str]:
    return dargah("statistics", *args, "--gateway", "http://127.0.0.1", "--key", who.token)


def test_through_a_gateway_a_pivot_prints_as_a_table_csv_and_json(gateway_user: Actor) -> None:
    table_code, table = _ask(gateway_user, "students-by-province", "--lang", "en")
    csv_code, csv = _ask(gateway_user, "students-by-province", "--format", "csv")
    json_code, document = _ask(
        gateway_user, "students-by-degree-level-gender", "--format", "json", "--period", "1403-1"
    )

    assert table_code == 0, table
    assert "Tehran (23)" in table
    assert "withheld" in table
    assert "total / جمع: 103" in table
    assert csv_code == 0, csv
    lines = _lines(csv)
    assert "province,province_fa,province_en,count,suppressed" in lines
    assert "23,تهران,Tehran,60,false" in lines
    assert "03,آذربایجان شرقی,East Azerbaijan,,true" in lines
    assert json_code == 0, document
    answer = _json(document)
    assert answer["pivot"] == "students-by-degree-level-gender"
    assert answer["period"] == "1403-1"
    assert [item["name"] for item in answer["dimensions"]] == ["degree_level", "gender"]


def test_through_a_gateway_the_listing_names_the_pivots(gateway_user: Actor) -> None:
    code, output = _ask(gateway_user)

    assert code == 0, output
    assert "students-by-province" in output
    assert "students-by-field" in output
    assert "faculty-by-rank-gender" not in output  # no grant on faculty


# -- on the node ---------------------------------------------------------------------------

BOTH = pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def node(
    fresh_database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Database]:
    """A node with the nation loaded and a students grant to `clinode`."""
    monkeypatch.setenv("DARGAH_DATABASE_URL", fresh_database_url)
    get_settings.cache_clear()
    engine = make_engine(fresh_database_url)
    upgrade(engine)
    engine.dispose()
    database = Database.from_url(fresh_database_url)
    try:
        with database.session() as session:
            load_nation(session, database, get_settings(), tmp_path)
            make_hq_unit(session, code="clinode")
            make_hq_unit(session, code="clinone")
            _students_grant(session, "clinode")
        yield database
    finally:
        database.engine.dispose()
        get_settings.cache_clear()


@BOTH
def test_on_the_node_a_consumer_reads_a_pivot_and_the_read_is_audited(node: Database) -> None:
    code, output = dargah(
        "statistics", "students-by-institution-type", "--as", "clinode", "--format", "csv"
    )

    assert code == 0, output
    lines = _lines(output)
    assert lines[0] == "institution_type,institution_type_fa,institution_type_en,count,suppressed"
    assert "state_university,دانشگاه دولتی,State university,60,false" in lines
    assert "payame_noor,دانشگاه پیام نور,Payame Noor University,,true" in lines
    with node.session() as session:
        entries = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "dataset.queried")
            .order_by(AuditEntry.seq)
        ).all()
    assert entries
    assert {entry.purpose for entry in entries} == {
        "داشبورد آمار ملی: دانشجویان به تفکیک نوع دانشگاه"
    }
    assert all(entry.actor.startswith("cli:") for entry in entries)


@BOTH
def test_on_the_node_a_refusal_names_the_next_step(node: Database) -> None:
    code, output = dargah("statistics", "students-by-province", "--as", "clinone")
    listed_code, listed = dargah("statistics", "--as", "clinone", "--format", "json")

    assert code == 2
    assert "statistics_grant_required" in output
    assert "/api/v1/grant-requests" in output
    assert "Traceback" not in output
    assert listed_code == 0, listed
    assert _json(listed)["pivots"] == []
