"""A data set whose natural key has two fields (a text and a date), through the ordinary
path (JSON, so no line index) on both databases: a snapshot re-send finds its
unchanged, changed, new and vanished rows by the whole key, and a delta deletes by it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from dargah.access.policy import cli_principal
from dargah.catalogue import service as catalogue
from dargah.catalogue.documents import DatasetDocument
from dargah.config import Settings
from dargah.db.session import Database
from dargah.members.models import Member
from dargah.submissions import service
from dargah.submissions.models import SubmissionMode, SubmissionStatus
from support.catalogue import LEVELS, dataset_document
from support.factories import make_institution

ADMIN = cli_principal("composite-key-test")
SLUG = "test_enrolments"


@pytest.fixture
def institution(session: Session) -> Member:
    document = dataset_document(SLUG).model_dump(by_alias=True)
    document["schema"]["primaryKey"] = ["student_number", "entry_date"]
    for field in document["schema"]["fields"]:
        if field["name"] == "entry_date":
            field["constraints"] = {"required": True}
    catalogue.sync_builtin(
        session,
        principal=ADMIN,
        code_list_documents=[LEVELS],
        dataset_documents=[DatasetDocument.model_validate(document)],
    )
    return make_institution(session, code="7301")


def _send(
    database: Database,
    settings: Settings,
    member: Member,
    path: Path,
    rows: list[dict[str, Any]],
    mode: SubmissionMode = SubmissionMode.SNAPSHOT,
) -> Any:
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return service.submit_file(
        database,
        settings=settings,
        principal=ADMIN,
        path=path,
        dataset_slug=SLUG,
        institution_id=member.id,
        period="1403-1",
        mode=mode,
    )


def _row(number: str, entry: str, level: str) -> dict[str, Any]:
    return {
        "student_number": number,
        "national_id": "0012345679",
        "degree_level": level,
        "entry_date": entry,
    }


def _current(session: Session) -> list[tuple[str, str, str]]:
    found = session.execute(
        text(
            f'SELECT student_number, entry_date, degree_level FROM "rec_{SLUG}_v1" '  # noqa: S608
            "ORDER BY 1, 2"
        )
    ).all()
    return [(str(a), str(b), str(c)) for a, b, c in found]


def test_a_two_field_key_is_matched_whole(
    database: Database, settings: Settings, session: Session, institution: Member, tmp_path: Path
) -> None:
    first = _send(
        database,
        settings,
        institution,
        tmp_path / "first.json",
        [
            _row("1", "1398/07/01", "bachelor"),
            _row("1", "1400/07/01", "master"),  # the same student, a second programme
            _row("2", "1399/07/01", "bachelor"),
            _row("3", "1399/07/01", "bachelor"),
        ],
    )
    assert first.status == SubmissionStatus.ACCEPTED.value, first.finding_counts
    again = _send(
        database,
        settings,
        institution,
        tmp_path / "again.json",
        [
            _row("1", "1398/07/01", "bachelor"),  # unchanged
            _row("1", "1400/07/01", "phd"),  # changed: only this one of student 1's rows
            _row("3", "1399/07/01", "bachelor"),  # unchanged
            _row("3", "1401/07/01", "master"),  # new: same number, another date
        ],  # 2 is gone
    )
    assert again.status == SubmissionStatus.ACCEPTED.value, again.finding_counts
    counts = (again.inserted, again.updated, again.unchanged, again.closed)
    assert counts == (1, 1, 2, 1)
    assert _current(session) == [
        ("1", "2019-09-23", "bachelor"),
        ("1", "2021-09-23", "phd"),
        ("3", "2020-09-22", "bachelor"),
        ("3", "2022-09-23", "master"),
    ]
    history = session.execute(
        text(f'SELECT student_number, degree_level FROM "rec_{SLUG}_v1_h" ORDER BY 1')  # noqa: S608
    ).all()
    assert [tuple(map(str, row)) for row in history] == [("1", "master"), ("2", "bachelor")]

    delta = _send(
        database,
        settings,
        institution,
        tmp_path / "delta.json",
        [
            {**_row("3", "1399/07/01", "bachelor"), "_action": "delete"},
            {**_row("3", "1390/07/01", "bachelor"), "_action": "delete"},  # never there
            {**_row("1", "1398/07/01", "master"), "_action": "upsert"},
        ],
        mode=SubmissionMode.DELTA,
    )
    assert delta.status == SubmissionStatus.ACCEPTED.value, delta.finding_counts
    assert (delta.inserted, delta.updated, delta.closed) == (0, 1, 1)
    assert _current(session) == [
        ("1", "2019-09-23", "master"),
        ("1", "2021-09-23", "phd"),
        ("3", "2022-09-23", "master"),
    ]
