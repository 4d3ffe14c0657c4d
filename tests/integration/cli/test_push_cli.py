"""`dargah push`: offline validation against the shipped data sets, and sending to a
gateway (the real app, reached through its test transport) with a saved receipt."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from dargah.access.policy import Role, cli_principal
from dargah.catalogue.builtin import builtin_code_lists
from dargah.cli import push as push_module
from dargah.cli.main import app
from dargah.demo.synthetic import students_frame
from support.catalogue import sync_test_students
from support.factories import Actor, make_institution


def dargah(*args: str) -> tuple[int, str]:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))
    return result.exit_code, result.output


def _students(path: Path, rows: int = 300) -> Path:
    lists = {item.id: item for item in builtin_code_lists()}
    by_level: dict[str, list[str]] = {}
    for value in lists["study_fields"].values:
        for level in value.attributes.get("levels", []):
            by_level.setdefault(level, []).append(value.code)
    provinces = [value.code for value in lists["provinces"].values]
    students_frame(rows, seed=5, fields_by_level=by_level, provinces=provinces).write_csv(path)
    return path


def test_validate_only_accepts_a_good_file_offline(tmp_path: Path) -> None:
    code, output = dargah(
        "push",
        str(_students(tmp_path / "s.csv")),
        "--dataset",
        "students",
        "--period",
        "1403-1",
        "--validate-only",
    )
    assert code == 0, output
    assert "300" in output


def test_validate_only_reports_errors_and_fails(tmp_path: Path) -> None:
    path = _students(tmp_path / "s.csv", rows=20)
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[3].split(",")
    cells[1] = "1234567890"  # a wrong check digit
    lines[3] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = tmp_path / "report.json"

    code, output = dargah(
        "push",
        str(path),
        "--dataset",
        "students",
        "--period",
        "1403-1",
        "--validate-only",
        "--report",
        str(report),
    )

    assert code == 1, output
    findings = json.loads(report.read_text(encoding="utf-8"))
    found = {(item["row"], item["field"], item["code"]) for item in findings}
    assert (4, "national_id", "national_id_checksum") in found
    assert (None, None, "reference_unchecked") in found  # licences cannot be checked offline


def test_validate_only_names_unknown_data_sets(tmp_path: Path) -> None:
    code, output = dargah(
        "push",
        str(_students(tmp_path / "s.csv", 5)),
        "--dataset",
        "nope",
        "--period",
        "1403-1",
        "--validate-only",
    )
    assert code == 2
    assert "students" in output


@pytest.fixture
def gateway(
    app: FastAPI, session: Session, actor: Callable[..., Actor], monkeypatch: pytest.MonkeyPatch
) -> Actor:
    sync_test_students(session, principal=cli_principal("push-test"))
    staff = actor(Role.INSTITUTION, institution=make_institution(session, code="7201"))

    def client(*, base_url: str, headers: dict[str, str], timeout: Any) -> httpx.Client:
        del timeout
        return TestClient(app, base_url=base_url, headers=headers)

    monkeypatch.setattr(push_module.httpx, "Client", client)
    monkeypatch.setattr(push_module, "PIECE_BYTES", 16)  # several resumable pieces
    return staff


def test_push_to_a_gateway_saves_a_signed_receipt(gateway: Actor, tmp_path: Path) -> None:
    path = tmp_path / "students.csv"
    path.write_text(
        "student_number,national_id,degree_level\n1,0012345679,bachelor\n2,0012345679,phd\n",
        encoding="utf-8",
    )
    code, output = dargah(
        "push",
        str(path),
        "--dataset",
        "test_students",
        "--period",
        "1403-1",
        "--gateway",
        "http://127.0.0.1",
        "--key",
        gateway.token,
    )
    assert code == 0, output
    saved = json.loads((tmp_path / "students.csv.receipt.json").read_text(encoding="utf-8"))
    assert saved["receipt"]["counts"]["inserted"] == 2
    assert saved["signature"]["alg"] == "Ed25519"


def test_push_shows_the_gateways_refusal(gateway: Actor, tmp_path: Path) -> None:
    path = tmp_path / "students.csv"
    path.write_text("student_number\n1\n", encoding="utf-8")
    code, output = dargah(
        "push",
        str(path),
        "--dataset",
        "test_students",
        "--period",
        "1403",
        "--gateway",
        "http://127.0.0.1",
        "--key",
        gateway.token,
    )
    assert code == 2
    assert "period_invalid" in output
