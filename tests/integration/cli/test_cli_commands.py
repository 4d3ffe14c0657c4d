"""The `dargah` command against a real, freshly migrated database on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from dargah.access.policy import cli_principal
from dargah.audit.models import AuditEntry
from dargah.cli.main import app
from dargah.config import get_settings
from dargah.db.session import Database, atomic
from dargah.errors import NotAuthenticated
from dargah.identity import service as identity
from dargah.identity.models import ApiKey
from dargah.members import service as members
from dargah.members.schemas import SystemCreate

pytestmark = pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)
PASSWORD = "Correct-Horse-Battery-9"
IMPORT_FILE = (
    "کد,نام,نوع موسسه,استان\n"
    "9101,دانشگاه خط فرمان,دانشگاه دولتی,تهران\n"
    "9102,دانشگاه بی‌استان,دانشگاه دولتی,ناکجا\n"
)


def dargah(*args: str) -> tuple[int, str]:
    """Run `dargah ARGS…`; exit code and everything it printed."""
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def create_institution(code: str, province: str, *more: str) -> tuple[int, str]:
    """`dargah members create` for a state university."""
    name = ("--name-fa", f"دانشگاه {code}", "--type", "state_university")
    return dargah("members", "create", "--code", code, *name, "--province", province, *more)


def create_person(username: str, password: str) -> tuple[int, str]:
    """`dargah people create` for an auditor, the password given as an option."""
    options = ("--role", "auditor", "--full-name", "حسابرس خط فرمان", "--password", password)
    return dargah("people", "create", username, *options)


@pytest.fixture
def node_url(fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty database the CLI is configured to use; nothing migrated yet."""
    monkeypatch.setenv("DARGAH_DATABASE_URL", fresh_database_url)
    get_settings.cache_clear()
    yield fresh_database_url
    get_settings.cache_clear()


@pytest.fixture
def node(node_url: str) -> Iterator[Database]:
    """The node's database after `dargah db upgrade`, for looking behind the CLI."""
    code, output = dargah("db", "upgrade")
    assert code == 0, output
    database = Database.from_url(node_url)
    yield database
    database.engine.dispose()


def test_db_upgrade_then_status(node_url: str) -> None:
    behind_code, behind = dargah("db", "status")
    upgrade_code, upgraded = dargah("db", "upgrade")
    again_code, _ = dargah("db", "upgrade")
    status_code, status = dargah("db", "status")

    if node_url.startswith("sqlite"):
        # No file yet: said so (and not created) until `db upgrade` makes it.
        assert behind_code == 3
        assert "database_missing" in behind
    else:
        assert behind_code == 1
        assert "behind" in behind
    assert upgrade_code == 0, upgraded
    assert "✓ schema at" in upgraded
    assert again_code == 0
    assert status_code == 0, status
    assert "current" in status


def test_members_create_then_list_by_province(node: Database) -> None:
    code, created = create_institution("9001", "تهران", "--city", "تهران")

    assert code == 0, created
    assert "IR/UNI/9001" in created
    code, tehran = dargah("members", "list", "--province", "تهران")
    assert code == 0, tehran
    assert "IR/UNI/9001" in tehran
    assert "1 members" in tehran
    code, fars = dargah("members", "list", "--province", "فارس")
    assert code == 0
    assert "IR/UNI/9001" not in fars


def test_members_list_sorts_by_province_name_and_refuses_an_unknown_sort(
    node: Database,
) -> None:
    assert create_institution("9011", "گیلان")[0] == 0
    assert create_institution("9012", "تهران")[0] == 0
    code, listed = dargah("members", "list", "--sort", "province")
    assert code == 0, listed
    assert listed.index("IR/UNI/9012") < listed.index("IR/UNI/9011")  # تهران before گیلان
    code, reversed_list = dargah("members", "list", "--sort", "-province")
    assert reversed_list.index("IR/UNI/9011") < reversed_list.index("IR/UNI/9012")
    code, refused = dargah("members", "list", "--sort", "secret")
    assert code == 2
    assert "sort" in refused


def test_members_create_refuses_an_unknown_province(node: Database) -> None:
    code, output = create_institution("9002", "آتلانتیس")

    assert code == 2
    assert "unknown province" in output
    assert "IR/UNI/9002" not in dargah("members", "list")[1]


def test_members_import_reports_rows_and_fails_on_a_rejected_one(
    node: Database, tmp_path: Path
) -> None:
    path = tmp_path / "institutions.csv"
    path.write_bytes(IMPORT_FILE.encode("utf-8-sig"))

    code, output = dargah("members", "import", str(path))

    assert code == 1, output
    assert "rejected" in output
    assert "nothing written" in output
    assert "9102" in output
    assert "IR/UNI/9101" not in dargah("members", "list")[1]

    code, output = dargah("members", "import", str(path), "--policy", "accept_valid")

    assert code == 0, output
    assert "applied" in output
    assert "IR/UNI/9101" in dargah("members", "list", "--province", "23")[1]


def test_members_import_of_an_unreadable_file_is_a_clear_error(
    node: Database, tmp_path: Path
) -> None:
    path = tmp_path / "institutions.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))

    code, output = dargah("members", "import", str(path))

    assert code == 2
    assert "xlsx_unreadable" in output
    assert "فایل اکسل خوانده نشد" in output


def test_people_create_then_list_with_a_purpose(node: Database) -> None:
    code, created = create_person("cli.auditor", PASSWORD)

    assert code == 0, created
    assert "cli.auditor (auditor)" in created
    code, listed = dargah("people", "list", "--purpose", "بازبینی دوره‌ای حساب‌ها")
    assert code == 0, listed
    assert "cli.auditor" in listed
    with node.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "person.read")).one()
    assert entry.purpose == "بازبینی دوره‌ای حساب‌ها"
    assert entry.personal_data is True
    assert entry.actor_kind == "cli"


def test_people_create_refuses_a_weak_password(node: Database) -> None:
    code, output = create_person("cli.weak", "short")

    assert code == 2
    assert "weak_password" in output


def test_keys_create_prints_the_secret_once_and_revoke_works(node: Database) -> None:
    assert create_institution("9201", "23")[0] == 0
    with node.session() as session:
        members.create_system(
            session,
            principal=cli_principal("test"),
            member_identifier="IR/UNI/9201",
            data=SystemCreate(code="golestan", name_fa="سامانه گلستان"),
        )

    code, created = dargah("keys", "create", "IR/UNI/9201/golestan", "--name", "n1")

    assert code == 0, created
    secrets = [word for word in created.split() if word.startswith("dgk_")]
    assert len(secrets) == 1
    secret = secrets[0]
    code, listed = dargah("keys", "list")
    assert code == 0
    assert "IR/UNI/9201/golestan" in listed
    assert secret not in listed
    with node.session() as session:
        key_id = session.scalars(select(ApiKey.id)).one()

    code, revoked = dargah("keys", "revoke", str(key_id))

    assert code == 0, revoked
    assert "revoked" in revoked
    with (
        node.session() as session,
        pytest.raises(NotAuthenticated),
        atomic(session),
    ):
        identity.authenticate_token(session, secret)


def test_keys_create_for_a_ministry_system_needs_a_role(node: Database) -> None:
    ministry = ("--kind", "ministry", "--code", "MSRT", "--name-fa", "وزارت علوم")
    assert dargah("members", "create", *ministry)[0] == 0
    with node.session() as session:
        members.create_system(
            session,
            principal=cli_principal("test"),
            member_identifier="IR/GOV/MSRT",
            data=SystemCreate(code="mapfa", name_fa="سامانه مپفا"),
        )

    code, output = dargah("keys", "create", "IR/GOV/MSRT/mapfa", "--name", "mapfa")

    assert code == 2
    assert "key_role_required" in output
    code, output = dargah(
        "keys", "create", "IR/GOV/MSRT/mapfa", "--name", "mapfa", "--role", "auditor"
    )
    assert code == 0, output
    assert "(auditor)" in output
