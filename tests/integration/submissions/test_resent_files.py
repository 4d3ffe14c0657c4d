"""A re-sent CSV file skips its unchanged lines (decision 0010), on both databases —
and takes the whole ordinary path whenever the shortcut could change a verdict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from dargah.access.policy import cli_principal
from dargah.catalogue import codelists
from dargah.catalogue.documents import CodeListDocument
from dargah.config import Settings
from dargah.db.session import Database
from dargah.members.models import Member
from dargah.persian.identifiers import national_id_check_digit
from dargah.submissions import lines as line_index
from dargah.submissions import pipeline, service
from dargah.submissions.models import (
    AcceptancePolicy,
    SliceLineIndex,
    SliceLineIndexPart,
    SubmissionStatus,
)
from dargah.submissions.validation import BatchValidator
from support.catalogue import LEVELS, sync_test_students
from support.factories import make_institution

ADMIN = cli_principal("resent-test")
HEADER = "student_number,national_id,degree_level,entry_date,graduation_date\n"
ROWS = 60


def _national_id(number: int) -> str:
    first9 = f"{number:09d}"
    return first9 + str(national_id_check_digit(first9))


def _line(number: int, level: str = "bachelor") -> str:
    return f"{number},{_national_id(number + 1000)},{level},1400/07/01,"


def _lines(levels: dict[int, str] | None = None) -> list[str]:
    return [_line(number, (levels or {}).get(number, "bachelor")) for number in range(1, ROWS)]


@pytest.fixture
def institution(session: Session) -> Member:
    sync_test_students(session, principal=ADMIN)
    return make_institution(session, code="7101")


@pytest.fixture
def validated(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Rows passed to the validator, per call: what the shortcut did not skip."""
    counts: list[int] = []
    original = BatchValidator.validate

    def counting(self: BatchValidator, batch: pl.DataFrame) -> Any:
        counts.append(batch.height)
        return original(self, batch)

    monkeypatch.setattr(BatchValidator, "validate", counting)
    return counts


def _send(
    database: Database,
    settings: Settings,
    institution: Member,
    tmp_path: Path,
    lines: list[str],
    *,
    name: str,
    encoding: str = "utf-8",
    **options: Any,
) -> Any:
    path = tmp_path / name
    path.write_bytes((HEADER + "\n".join(lines) + "\n").encode(encoding))
    return service.submit_file(
        database,
        settings=settings,
        principal=ADMIN,
        path=path,
        dataset_slug="test_students",
        institution_id=institution.id,
        period="1403-1",
        **options,
    )


def _current(session: Session) -> dict[str, str]:
    rows = session.execute(
        text('SELECT student_number, degree_level FROM "rec_test_students_v1"')
    ).all()
    return {str(number): str(level) for number, level in rows}


def _counts(submission: Any) -> tuple[int, int, int, int, int]:
    return (
        submission.received,
        submission.inserted,
        submission.updated,
        submission.unchanged,
        submission.closed,
    )


def test_only_new_and_changed_lines_are_read_checked_and_written(
    database: Database,
    settings: Settings,
    session: Session,
    institution: Member,
    tmp_path: Path,
    validated: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(line_index, "PART_ROWS", 7)  # the index stored in several parts
    first = _send(database, settings, institution, tmp_path, _lines(), name="a.csv")
    assert first.status == SubmissionStatus.ACCEPTED.value
    assert sum(validated) == ROWS - 1
    index = session.query(SliceLineIndex).one()
    assert index.entries == ROWS - 1
    assert index.submission_id == first.id
    assert session.query(SliceLineIndexPart).count() == -(-(ROWS - 1) // 7)

    validated.clear()
    lines = _lines({5: "master"})  # changed
    del lines[9]  # row 10 gone
    lines.append(_line(500))  # new
    second = _send(database, settings, institution, tmp_path, lines, name="b.csv")
    assert second.status == SubmissionStatus.ACCEPTED.value
    assert sum(validated) == 2  # the changed and the new line, nothing else
    assert _counts(second) == (ROWS - 1, 1, 1, ROWS - 3, 1)
    current = _current(session)
    assert current["5"] == "master"
    assert "10" not in current
    assert current["500"] == "bachelor"
    assert len(current) == ROWS - 1
    history = session.execute(text('SELECT count(*) FROM "rec_test_students_v1_h"')).scalar_one()
    assert history == 2  # the old row 5 and the closed row 10

    # The next send builds on the index the second one left.
    validated.clear()
    third = _send(database, settings, institution, tmp_path, [*lines, _line(501)], name="c.csv")
    assert sum(validated) == 1
    assert (third.inserted, third.unchanged) == (1, ROWS - 1)


def test_a_changed_line_reusing_an_unchanged_key_is_a_duplicate(
    database: Database,
    settings: Settings,
    session: Session,
    institution: Member,
    tmp_path: Path,
    validated: list[int],
) -> None:
    _send(database, settings, institution, tmp_path, _lines(), name="a.csv")
    validated.clear()
    duplicate = _line(7, "master")  # key 7 is also in the file, unchanged
    second = _send(database, settings, institution, tmp_path, [*_lines(), duplicate], name="b.csv")
    assert sum(validated) == 1
    assert second.status == SubmissionStatus.REJECTED.value
    assert second.finding_counts == {"key_duplicate": 1}
    assert _current(session)["7"] == "bachelor"


def test_an_exact_duplicate_line_falls_back_to_the_full_check(
    database: Database,
    settings: Settings,
    institution: Member,
    tmp_path: Path,
    validated: list[int],
) -> None:
    _send(database, settings, institution, tmp_path, _lines(), name="a.csv")
    validated.clear()
    lines = _lines()
    second = _send(database, settings, institution, tmp_path, [*lines, lines[3]], name="b.csv")
    assert sum(validated) == ROWS  # every line: the shortcut would have hidden it
    assert second.finding_counts == {"key_duplicate": 1}


def test_a_changed_code_list_means_every_line_is_checked_again(
    database: Database,
    settings: Settings,
    session: Session,
    institution: Member,
    tmp_path: Path,
    validated: list[int],
) -> None:
    _send(database, settings, institution, tmp_path, _lines({3: "master"}), name="a.csv")
    document = LEVELS.model_dump(mode="json", by_alias=True)
    document["version"] = "1.1"
    for value in document["values"]:
        if value["code"] == "master":
            value["deprecated"] = True
    codelists.sync_code_list(
        session, principal=ADMIN, document=CodeListDocument.model_validate(document)
    )
    session.commit()
    validated.clear()
    second = _send(
        database, settings, institution, tmp_path, [*_lines({3: "master"}), _line(90)], name="b.csv"
    )
    assert sum(validated) == ROWS  # a new context: the whole file
    assert second.status == SubmissionStatus.ACCEPTED.value
    assert second.warnings == 1  # row 3's deprecated code, found again


def test_rejected_rows_are_checked_and_reported_on_every_send(
    database: Database,
    settings: Settings,
    institution: Member,
    tmp_path: Path,
    validated: list[int],
) -> None:
    lines = _lines()
    lines[0] = f"1,{_national_id(1001)},bachelor,1400/07/01,1399/01/01"  # rule R.1: error
    first = _send(
        database,
        settings,
        institution,
        tmp_path,
        lines,
        name="a.csv",
        policy=AcceptancePolicy.ACCEPT_VALID,
    )
    assert first.status == SubmissionStatus.PARTIALLY_ACCEPTED.value
    validated.clear()
    second = _send(
        database,
        settings,
        institution,
        tmp_path,
        [*lines, _line(91)],
        name="b.csv",
        policy=AcceptancePolicy.ACCEPT_VALID,
    )
    # The rejected line is not in the index: it is checked and reported again.
    assert sum(validated) == 2
    assert second.status == SubmissionStatus.PARTIALLY_ACCEPTED.value
    assert second.rejected == 1
    assert (second.inserted, second.unchanged) == (1, ROWS - 2)


def test_windows_1256_files_take_the_shortcut_too(
    database: Database,
    settings: Settings,
    session: Session,
    institution: Member,
    tmp_path: Path,
    validated: list[int],
) -> None:
    # Aliases typed with Arabic ي and ك, as Windows-1256 has them.
    levels = dict.fromkeys(range(1, ROWS, 2), "ليسانس")
    _send(
        database, settings, institution, tmp_path, _lines(levels), name="a.csv", encoding="cp1256"
    )
    validated.clear()
    levels[4] = "دكترا"
    second = _send(
        database, settings, institution, tmp_path, _lines(levels), name="b.csv", encoding="cp1256"
    )
    assert sum(validated) == 1
    assert (second.updated, second.unchanged) == (1, ROWS - 2)
    assert _current(session)["4"] == "phd"


def test_a_file_with_a_quoted_line_break_takes_the_ordinary_path(
    database: Database,
    settings: Settings,
    session: Session,
    institution: Member,
    tmp_path: Path,
    validated: list[int],
) -> None:
    lines = _lines()
    lines[2] = f'3,{_national_id(1003)},"bach\nelor",1400/07/01,'  # one record, two lines
    first = _send(database, settings, institution, tmp_path, lines, name="a.csv")
    assert first.status == SubmissionStatus.ACCEPTED.value
    assert session.query(SliceLineIndex).count() == 0  # lines are not records here
    validated.clear()
    second = _send(database, settings, institution, tmp_path, [*lines, _line(92)], name="b.csv")
    assert sum(validated) == ROWS  # every row read again
    assert (second.inserted, second.unchanged) == (1, ROWS - 1)


def test_an_error_in_a_later_batch_leaves_nothing_of_the_earlier_ones(
    database: Database,
    settings: Settings,
    session: Session,
    institution: Member,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Small batches: the first ones are already streaming into the table (one COPY on
    # PostgreSQL) when the bad row is met; all-or-nothing must leave no trace.
    monkeypatch.setattr(pipeline, "BATCH_ROWS", 7)
    lines = _lines()
    lines[-1] = f"{ROWS},{_national_id(5)}1,bachelor,1400/07/01,"  # eleven digits
    first = _send(database, settings, institution, tmp_path, lines, name="a.csv")
    assert first.status == SubmissionStatus.REJECTED.value
    assert first.rejected == ROWS - 1
    # Not even the record table made for the load is left.
    assert not inspect(session.connection()).has_table("rec_test_students_v1")
    assert session.query(SliceLineIndex).count() == 0
    # The connection is usable and the slice loads cleanly afterwards.
    second = _send(database, settings, institution, tmp_path, _lines(), name="b.csv")
    assert second.status == SubmissionStatus.ACCEPTED.value
    assert len(_current(session)) == ROWS - 1


def test_progress_reports_rows_done_of_rows_expected(
    database: Database,
    settings: Settings,
    institution: Member,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pipeline, "BATCH_ROWS", 20)
    reports: list[tuple[int, float, int | None]] = []

    def progress(done: int, rate: float, total: int | None) -> None:
        reports.append((done, rate, total))

    _send(database, settings, institution, tmp_path, _lines(), name="a.csv", progress=progress)
    done, rate, total = reports[-1]
    assert done == ROWS - 1
    assert rate > 0
    assert total is not None
    assert abs(total - (ROWS - 1)) <= (ROWS - 1) // 5  # an estimate from the file's size
    assert all(total is not None and seen <= total for seen, _, total in reports)

    reports.clear()
    _send(
        database,
        settings,
        institution,
        tmp_path,
        [*_lines(), _line(93)],
        name="b.csv",
        progress=progress,
    )
    # A re-sent file: the unchanged rows count as done at once, the total is exact.
    assert reports[-1][0] == reports[-1][2] == ROWS


def test_rows_hashed_under_another_scheme_are_hashed_again(
    database: Database,
    settings: Settings,
    session: Session,
    institution: Member,
    tmp_path: Path,
    validated: list[int],
) -> None:
    # As after an upgrade of polars: stored hashes cannot be compared, the index is
    # unusable, and the slice's rows (dates included) are read back and hashed again.
    _send(database, settings, institution, tmp_path, _lines(), name="a.csv")
    session.execute(text("UPDATE record_slices SET hash_scheme = 'an-older-scheme'"))
    session.commit()
    validated.clear()
    second = _send(database, settings, institution, tmp_path, _lines({8: "phd"}), name="b.csv")
    assert sum(validated) == ROWS - 1  # the whole file, the ordinary way
    assert (second.inserted, second.updated, second.unchanged) == (0, 1, ROWS - 2)
    assert _current(session)["8"] == "phd"
