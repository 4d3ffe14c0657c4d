"""The submission path on both databases: validate, load with history, idempotence,
all-or-nothing versus accept-valid, snapshot closing and delta deletes, receipts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from dargah.access.policy import cli_principal
from dargah.audit import receipts, signing
from dargah.config import Settings
from dargah.db.session import Database
from dargah.members.models import Member
from dargah.submissions import service
from dargah.submissions.models import AcceptancePolicy, SubmissionMode, SubmissionStatus
from support.catalogue import sync_test_students
from support.factories import make_institution

ADMIN = cli_principal("submission-test")
HEADER = "student_number,national_id,degree_level,entry_date,graduation_date\n"
GOOD = [
    "1,0012345679,bachelor,1398/07/01,1402/04/31",
    "2,۰۰۱۲۳۴۵۶۷۹,لیسانس,1399/07/01,",
    "3,12345679,master,1400-07-01,",
]


@pytest.fixture
def institution(session: Session) -> Member:
    sync_test_students(session, principal=ADMIN)
    return make_institution(session, code="7001")


def _file(
    tmp_path: Path, rows: list[str], name: str = "students.csv", encoding: str = "utf-8"
) -> Path:
    path = tmp_path / name
    path.write_bytes((HEADER + "\n".join(rows) + "\n").encode(encoding))
    return path


def _submit(
    database: Database,
    settings: Settings,
    institution: Member,
    path: Path,
    **options: object,
) -> object:
    return service.submit_file(
        database,
        settings=settings,
        principal=ADMIN,
        path=path,
        dataset_slug="test_students",
        institution_id=institution.id,
        period="1403-1",
        **options,  # type: ignore[arg-type]
    )


def _current(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(
        text('SELECT student_number, degree_level FROM "rec_test_students_v1" ORDER BY 1')
    ).all()
    return [(str(a), str(b)) for a, b in rows]


def _history(session: Session) -> int:
    return int(session.execute(text('SELECT count(*) FROM "rec_test_students_v1_h"')).scalar_one())


def test_first_load_then_changes_only_and_history(
    database: Database, settings: Settings, session: Session, institution: Member, tmp_path: Path
) -> None:
    first = _submit(database, settings, institution, _file(tmp_path, GOOD))
    assert first.status == SubmissionStatus.ACCEPTED.value  # type: ignore[attr-defined]
    assert (first.received, first.inserted) == (3, 3)  # type: ignore[attr-defined]
    assert _current(session) == [("1", "bachelor"), ("2", "bachelor"), ("3", "master")]

    changed = [GOOD[0], "2,0012345679,master,1399/07/01,"]  # 2 changed, 3 gone
    second = _submit(database, settings, institution, _file(tmp_path, changed, "b.csv"))
    assert (second.inserted, second.updated, second.unchanged, second.closed) == (0, 1, 1, 1)  # type: ignore[attr-defined]
    assert _current(session) == [("1", "bachelor"), ("2", "master")]
    assert _history(session) == 2  # the old row 2 and the closed row 3, never deleted


def test_same_content_returns_the_original_receipt_without_writes(
    database: Database, settings: Settings, session: Session, institution: Member, tmp_path: Path
) -> None:
    path = _file(tmp_path, GOOD)
    first = _submit(database, settings, institution, path)
    again = _submit(database, settings, institution, path)
    assert again.same_as_id == first.id  # type: ignore[attr-defined]
    assert again.receipt == first.receipt  # type: ignore[attr-defined]
    assert _history(session) == 0


def test_all_or_nothing_rejects_everything_with_a_report(
    database: Database, settings: Settings, session: Session, institution: Member, tmp_path: Path
) -> None:
    rows = [*GOOD, "4,1111111111,phd,1400/07/01,", "5,0012345679,دکترا,1400/07/01,1399/01/01"]
    result = _submit(database, settings, institution, _file(tmp_path, rows))
    assert result.status == SubmissionStatus.REJECTED.value  # type: ignore[attr-defined]
    assert result.accepted == 0  # type: ignore[attr-defined]
    counts = result.finding_counts  # type: ignore[attr-defined]
    assert counts["national_id_repeated"] == 1
    assert counts["rule_compare"] == 1
    findings = service.findings_of(session, result)  # type: ignore[arg-type]
    assert [(f.row, f.field, f.code) for f in findings] == [
        (5, "national_id", "national_id_repeated"),
        (6, "graduation_date", "rule_compare"),
    ]
    assert findings[1].rule_id == "R.test_students.1"
    assert not session.execute(
        text("SELECT count(*) FROM record_slices WHERE row_count > 0")
    ).scalar_one()


def test_accept_valid_loads_the_good_rows_and_says_so(
    database: Database, settings: Settings, session: Session, institution: Member, tmp_path: Path
) -> None:
    rows = [*GOOD, "4,1111111111,phd,1400/07/01,"]
    result = _submit(
        database,
        settings,
        institution,
        _file(tmp_path, rows),
        policy=AcceptancePolicy.ACCEPT_VALID,
    )
    assert result.status == SubmissionStatus.PARTIALLY_ACCEPTED.value  # type: ignore[attr-defined]
    assert (result.accepted, result.rejected) == (3, 1)  # type: ignore[attr-defined]
    assert result.receipt["receipt"]["status"] == "partially_accepted"  # type: ignore[attr-defined]
    assert len(_current(session)) == 3


def test_delta_upserts_and_deletes_explicitly(
    database: Database, settings: Settings, session: Session, institution: Member, tmp_path: Path
) -> None:
    _submit(database, settings, institution, _file(tmp_path, GOOD))
    path = tmp_path / "delta.csv"
    path.write_text(
        "student_number,national_id,degree_level,_action\n3,,,حذف\n9,0012345679,phd,upsert\n",
        encoding="utf-8",
    )
    result = _submit(database, settings, institution, path, mode=SubmissionMode.DELTA)
    assert result.status == SubmissionStatus.ACCEPTED.value, result.finding_counts  # type: ignore[attr-defined]
    assert (result.inserted, result.closed) == (1, 1)  # type: ignore[attr-defined]
    assert _current(session) == [("1", "bachelor"), ("2", "bachelor"), ("9", "phd")]


def test_windows_1256_file_with_arabic_letters_is_read(
    database: Database, settings: Settings, session: Session, institution: Member, tmp_path: Path
) -> None:
    rows = ["1,0012345679,كارشناسي ارشد,1398/07/01,"]
    result = _submit(database, settings, institution, _file(tmp_path, rows, encoding="cp1256"))
    assert result.status == SubmissionStatus.ACCEPTED.value, result.finding_counts  # type: ignore[attr-defined]
    assert _current(session) == [("1", "master")]


def test_wrong_headers_are_a_clear_rejection(
    database: Database, settings: Settings, session: Session, institution: Member, tmp_path: Path
) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("name,age\nali,20\n", encoding="utf-8")
    result = _submit(database, settings, institution, path)
    assert result.status == SubmissionStatus.REJECTED.value  # type: ignore[attr-defined]
    assert result.failure_code == "submission_headers"  # type: ignore[attr-defined]


def test_receipt_verifies_against_the_published_key(
    database: Database, settings: Settings, session: Session, institution: Member, tmp_path: Path
) -> None:
    result = _submit(database, settings, institution, _file(tmp_path, GOOD))
    document = result.receipt  # type: ignore[attr-defined]
    keys = signing.verifying_keys(session)
    payload = receipts.verify(document, keys)
    assert payload["counts"]["inserted"] == 3
    assert payload["content_hash"].startswith("sha256:")
    # RFC 3339 in UTC with Z, as every receipt of the gateway.
    assert all(payload[name].endswith("Z") for name in ("received_at", "finished_at"))
    tampered = {**document, "receipt": {**document["receipt"], "status": "rejected"}}
    with pytest.raises(Exception, match="signature"):
        receipts.verify(tampered, keys)


def test_a_rejected_row_does_not_close_its_earlier_version(
    database: Database, settings: Settings, session: Session, institution: Member, tmp_path: Path
) -> None:
    _submit(database, settings, institution, _file(tmp_path, GOOD))
    rows = [GOOD[0], "2,1111111111,master,1399/07/01,", GOOD[2]]  # row 2 now has a bad id
    result = _submit(
        database,
        settings,
        institution,
        _file(tmp_path, rows, "b.csv"),
        policy=AcceptancePolicy.ACCEPT_VALID,
    )
    assert (result.rejected, result.closed) == (1, 0)  # type: ignore[attr-defined]
    assert _current(session) == [("1", "bachelor"), ("2", "bachelor"), ("3", "master")]
