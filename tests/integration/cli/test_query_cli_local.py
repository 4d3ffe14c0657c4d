"""`dargah query` on the node itself (no gateway), for a consumer named with --as, on a
real, committed database of each backend: the same grants, masking and audit as the API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from dargah.access import grants
from dargah.access.policy import cli_principal
from dargah.access.schemas import GrantCreate
from dargah.audit.models import AuditEntry
from dargah.cli.main import app
from dargah.config import get_settings
from dargah.db.engine import make_engine
from dargah.db.schema import upgrade
from dargah.db.session import Database
from support.factories import make_hq_unit, make_institution
from support.queries import SLUG, load, row, sync_people

pytestmark = pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)
PURPOSE = "بررسی خط فرمان"


def dargah(*args: str) -> tuple[int, str]:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture
def node(
    fresh_database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Database]:
    """A node with test_people loaded for one institution and a grant to `clilocal`."""
    monkeypatch.setenv("DARGAH_DATABASE_URL", fresh_database_url)
    get_settings.cache_clear()
    engine = make_engine(fresh_database_url)
    upgrade(engine)
    engine.dispose()
    database = Database.from_url(fresh_database_url)
    try:
        with database.session() as session:
            sync_people(session)
            institution_id = make_institution(session, code="7701").id
            make_hq_unit(session, code="clilocal")
            session.commit()
        lines = [row(str(n), gender="f" if n < 7 else "m") for n in range(1, 13)]
        load(database, get_settings(), tmp_path, institution_id=institution_id, lines=lines)
        with database.session() as session:
            grants.create_grant(
                session,
                principal=cli_principal("test"),
                data=GrantCreate.model_validate(
                    {
                        "dataset": SLUG,
                        "consumer": "clilocal",
                        "fields": ["gender", "national_id"],
                        "level": "rows",
                        "purpose": "آمار",
                        "legal_basis": "بند ۳ آیین‌نامه",
                        "expires_at": datetime.now(UTC) + timedelta(days=3),
                    }
                ),
            )
        yield database
    finally:
        database.engine.dispose()
        get_settings.cache_clear()


def test_an_hq_unit_queries_the_node_and_the_read_is_audited(node: Database) -> None:
    code, output = dargah(
        "query", SLUG, "--as", "clilocal", "--purpose", PURPOSE, "--group-by", "gender",
        "--format", "csv",
    )  # fmt: skip

    assert code == 0, output
    assert "f,6,false" in output
    assert "m,6,false" in output
    with node.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "dataset.queried")
        ).one()
        assert entry.purpose == PURPOSE
        assert entry.actor.startswith("cli:")


def test_the_grant_still_bounds_what_is_read(node: Database) -> None:
    masked_code, masked = dargah(
        "query", SLUG, "--as", "clilocal", "--purpose", PURPOSE, "--select", "national_id",
        "--limit", "2", "--format", "csv",
    )  # fmt: skip
    refused_code, refused = dargah(
        "query", SLUG, "--as", "clilocal", "--purpose", PURPOSE, "--where", "city=تهران",
    )  # fmt: skip

    assert masked_code == 0, masked
    assert "******" in masked
    assert refused_code == 2
    assert "field_not_granted" in refused


def test_an_institution_reads_its_own_rows_unmasked(node: Database) -> None:
    code, output = dargah(
        "query", SLUG, "--as", "IR/UNI/7701", "--purpose", PURPOSE, "--select",
        "student_number,national_id", "--limit", "3", "--format", "csv",
    )  # fmt: skip

    assert code == 0, output
    assert "0012345679" in output or "0499370899" in output
    assert "******" not in output


def test_an_unknown_consumer_is_named(node: Database) -> None:
    code, output = dargah("query", SLUG, "--as", "nobody", "--purpose", PURPOSE, "--count")

    assert code == 2
    assert "nobody" in output
    assert "Traceback" not in output
