"""`dargah receipt verify` and `dargah receipt keys` against a real node on both backends."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dargah.app import create_app
from dargah.audit import receipts, signing
from dargah.cli.main import app
from dargah.config import Settings, get_settings
from dargah.db.session import Database

pytestmark = pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)
PAYLOAD = {
    "type": "submission_receipt/1",
    "submission": "S-42",
    "institution": "IR/UNI/1001",
    "counts": {"rows": 1250, "rejected": 0},
    "note": "دانشگاه تهران",
}


def dargah(*args: str) -> tuple[int, str]:
    """Run `dargah ARGS…`; exit code and everything it printed."""
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture
def node(fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A migrated node the CLI is configured to use."""
    monkeypatch.setenv("DARGAH_DATABASE_URL", fresh_database_url)
    get_settings.cache_clear()
    code, output = dargah("db", "upgrade")
    assert code == 0, output
    database = Database.from_url(fresh_database_url)
    yield database
    database.engine.dispose()
    get_settings.cache_clear()


def _issue(database: Database, path: Path, payload: dict[str, Any] = PAYLOAD) -> dict[str, Any]:
    """Sign ``payload`` as the node's services do and save the receipt to ``path``."""
    with database.session() as session, session.begin():
        document = receipts.sign(payload, signing.active_key(session, get_settings()))
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return document


def _saved_keys(path: Path) -> Path:
    code, output = dargah("receipt", "keys")
    assert code == 0, output
    path.write_text(output, encoding="utf-8")
    return path


def test_a_good_receipt_is_valid_and_a_tampered_one_is_not(node: Database, tmp_path: Path) -> None:
    keys = _saved_keys(tmp_path / "keys.json")
    document = _issue(node, tmp_path / "receipt.json")
    tampered = json.loads(json.dumps(document))
    tampered["receipt"]["counts"]["rows"] = 1251
    (tmp_path / "tampered.json").write_text(json.dumps(tampered), encoding="utf-8")

    good_code, good = dargah(
        "receipt", "verify", str(tmp_path / "receipt.json"), "--keys", str(keys)
    )
    bad_code, bad = dargah(
        "receipt", "verify", str(tmp_path / "tampered.json"), "--keys", str(keys)
    )

    assert good_code == 0, good
    assert "✓ معتبر / valid" in good
    for shown in ("S-42", "counts.rows", "1250", "دانشگاه تهران", document["signature"]["kid"]):
        assert shown in good
    assert bad_code == 1, bad
    assert "receipt_signature_invalid" in bad
    assert "valid)" in bad
    assert "1251" not in bad  # content that fails the check is not shown as if it were true


def test_the_published_keys_are_json_for_handing_out(node: Database, tmp_path: Path) -> None:
    code, output = dargah("receipt", "keys")

    (key,) = json.loads(output)["keys"]
    assert code == 0
    assert (key["kty"], key["crv"], key["retired"]) == ("OKP", "Ed25519", None)
    document = _issue(node, tmp_path / "receipt.json")
    assert document["signature"]["kid"] == key["kid"]


def test_after_rotation_old_receipts_stay_valid_and_old_key_sets_miss_the_new_key(
    node: Database, tmp_path: Path
) -> None:
    old_keys = _saved_keys(tmp_path / "old-keys.json")
    _issue(node, tmp_path / "old.json")

    rotate_code, rotated = dargah("keys", "signing", "rotate")
    _issue(node, tmp_path / "new.json", {**PAYLOAD, "submission": "S-43"})

    assert rotate_code == 0, rotated
    assert dargah("receipt", "verify", str(tmp_path / "old.json"))[0] == 0  # local node's keys
    assert dargah("receipt", "verify", str(tmp_path / "new.json"))[0] == 0
    assert dargah("receipt", "verify", str(tmp_path / "old.json"), "--keys", str(old_keys))[0] == 0
    code, output = dargah("receipt", "verify", str(tmp_path / "new.json"), "--keys", str(old_keys))
    assert code == 1
    assert "receipt_key_unknown" in output
    list_code, listing = dargah("keys", "signing", "list")
    assert list_code == 0, listing
    assert listing.count("active / فعال") == 1


def test_keys_are_fetched_from_a_gateway(
    node: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _issue(node, tmp_path / "receipt.json")
    gateway = create_app(Settings(database_url=get_settings().database_url), database=node)
    asked: list[str] = []

    def fetch(url: str, **_options: Any) -> httpx.Response:
        asked.append(url)
        with TestClient(gateway) as client:
            return client.get(url)

    monkeypatch.setattr(httpx, "get", fetch)

    code, output = dargah(
        "receipt", "verify", str(tmp_path / "receipt.json"), "--gateway", "https://dargah.test/"
    )

    assert code == 0, output
    assert asked == ["https://dargah.test/api/v1/gateway/keys"]


def test_what_cannot_be_checked_exits_2_and_what_is_not_a_receipt_exits_1(
    node: Database, tmp_path: Path
) -> None:
    keys = _saved_keys(tmp_path / "keys.json")
    receipt = tmp_path / "receipt.json"
    _issue(node, receipt)
    (tmp_path / "notes.txt").write_text("not a receipt", encoding="utf-8")

    both = dargah("receipt", "verify", str(receipt), "--keys", str(keys), "--gateway", "http://x")
    unreachable = dargah("receipt", "verify", str(receipt), "--gateway", "http://127.0.0.1:9")
    bad_keys = dargah("receipt", "verify", str(receipt), "--keys", str(receipt))
    not_receipt = dargah("receipt", "verify", str(tmp_path / "notes.txt"), "--keys", str(keys))

    assert both[0] == 2
    assert unreachable[0] == 2
    assert "gateway_keys_unavailable" in unreachable[1]
    assert bad_keys[0] == 2
    assert "receipt_keys_malformed" in bad_keys[1]
    assert not_receipt[0] == 1
    assert "receipt_malformed" in not_receipt[1]
