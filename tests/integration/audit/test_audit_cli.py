"""`dargah audit verify` catches a hand-edited audit row; `dargah audit search` lists."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select, text
from typer.testing import CliRunner

from dargah.access.policy import Principal, Role
from dargah.audit.events import AuditAction
from dargah.audit.models import AuditEntry
from dargah.audit.service import record
from dargah.cli.main import app
from dargah.config import get_settings
from dargah.db.engine import make_engine
from dargah.db.schema import upgrade
from dargah.db.session import Database

BACKENDS = pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)
OPERATOR = Principal(kind="person", role=Role.OPERATOR, name="operator1")


@pytest.fixture
def node_engine(fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A migrated database with five entries, which the CLI is configured to use."""
    monkeypatch.setenv("DARGAH_DATABASE_URL", fresh_database_url)
    get_settings.cache_clear()
    engine = make_engine(fresh_database_url)
    upgrade(engine)
    database = Database.from_engine(engine)
    with database.session() as session, session.begin():
        for number in range(5):
            record(
                session,
                principal=OPERATOR,
                action=AuditAction.MEMBER_CREATED,
                entity_type="member",
                entity_id=f"IR/UNI/{1001 + number}",
                details={"name_fa": f"دانشگاه {number}"},
            )
    yield engine
    engine.dispose()
    get_settings.cache_clear()


def _dargah(*args: str) -> tuple[int, str]:
    # Wide enough that Rich does not wrap table cells mid-word.
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@BACKENDS
def test_verify_passes_then_catches_a_hand_edited_row(node_engine: Engine) -> None:
    code, output = _dargah("audit", "verify")

    assert code == 0, output
    assert "entries checked: 5" in output
    assert "audit chain intact" in output
    assert "زنجیرهٔ رویدادنگاری سالم است" in output

    with node_engine.begin() as connection:
        connection.execute(text("UPDATE audit_entries SET actor = 'nobody' WHERE seq = 3"))

    code, output = _dargah("audit", "verify", "--batch-size", "2")

    assert code == 1, output
    assert "chain tampered: seq 3 (altered)" in output
    assert "Entry 3 does not match its recorded hash" in output
    assert "entries checked: 2" in output


@BACKENDS
def test_verify_records_each_run_in_the_log(node_engine: Engine) -> None:
    _dargah("audit", "verify")

    with node_engine.connect() as connection:
        last = connection.execute(
            select(AuditEntry.seq, AuditEntry.action, AuditEntry.actor_kind, AuditEntry.outcome)
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        ).one()
    assert (last.seq, last.action, last.actor_kind, last.outcome) == (
        6,
        "audit.verified",
        "cli",
        "success",
    )


@BACKENDS
def test_verify_names_a_deleted_row(node_engine: Engine) -> None:
    with node_engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_entries WHERE seq = 2"))

    code, output = _dargah("audit", "verify")

    assert code == 1
    assert "seq 2 (deleted)" in output


@pytest.mark.parametrize("fresh_database_url", ["sqlite"], indirect=True)
def test_search_prints_the_matching_entries(node_engine: Engine) -> None:
    code, output = _dargah(
        "audit", "search", "--action", "member.created", "--actor", "operator1", "--limit", "2"
    )

    assert code == 0, output
    assert "member.created" in output
    assert "IR/UNI/1005" in output
    assert "IR/UNI/1001" not in output  # newest first, two per page
    assert "--cursor 4" in output


@pytest.mark.parametrize("fresh_database_url", ["sqlite"], indirect=True)
def test_search_refuses_an_unknown_action_in_both_languages(node_engine: Engine) -> None:
    code, output = _dargah("audit", "search", "--action", "member.exploded")

    assert code == 2
    assert "member.exploded" in output
    assert "audit_action_unknown" in output
    assert "کد رویداد ناشناخته است" in output
