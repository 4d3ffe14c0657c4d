"""Any earlier state of the records can be read back ("as of"), on both databases."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from dargah.access.policy import cli_principal
from dargah.config import Settings
from dargah.db.session import Database
from dargah.records import tables as record_tables
from dargah.records.history import state_as_of
from dargah.submissions import service
from support.catalogue import dataset_document, sync_test_students
from support.factories import make_institution

ADMIN = cli_principal("as-of-test")
HEADER = "student_number,national_id,degree_level,entry_date,graduation_date\n"


def _send(
    database: Database, settings: Settings, institution_id: int, path: Path, lines: list[str]
) -> Any:
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return service.submit_file(
        database,
        settings=settings,
        principal=ADMIN,
        path=path,
        dataset_slug="test_students",
        institution_id=institution_id,
        period="1403-1",
    )


def test_every_earlier_state_reads_back(
    database: Database, settings: Settings, session: Session, tmp_path: Path
) -> None:
    sync_test_students(session, principal=ADMIN)
    institution = make_institution(session, code="7201")
    session.commit()
    one = "1,0012345679,bachelor,1398/07/01,"
    two = "2,0012345679,bachelor,1399/07/01,"
    three = "3,0012345679,master,1400/07/01,"
    first = _send(database, settings, institution.id, tmp_path / "a.csv", [one, two, three])
    second = _send(
        database,
        settings,
        institution.id,
        tmp_path / "b.csv",
        [one, two.replace("bachelor", "phd")],
    )
    third = _send(
        database,
        settings,
        institution.id,
        tmp_path / "c.csv",
        [one, two.replace("bachelor", "phd"), "4,0012345679,master,1401/07/01,"],
    )
    tables = record_tables.record_tables(dataset_document())

    def state(at: Any) -> dict[str, str]:
        rows = session.execute(state_as_of(tables, at)).mappings().all()
        return {str(row["student_number"]): str(row["degree_level"]) for row in rows}

    assert state(first.finished_at - timedelta(seconds=1)) == {}
    assert state(first.finished_at) == {"1": "bachelor", "2": "bachelor", "3": "master"}
    assert state(second.finished_at) == {"1": "bachelor", "2": "phd"}
    assert state(third.finished_at) == {"1": "bachelor", "2": "phd", "4": "master"}
    # Narrowed to slices: this institution's only slice, then none.
    slice_id = session.execute(state_as_of(tables, third.finished_at)).mappings().first()["_slice"]
    assert (
        len(session.execute(state_as_of(tables, third.finished_at, slice_ids=[slice_id])).all())
        == 3
    )
    assert session.execute(state_as_of(tables, third.finished_at, slice_ids=[])).all() == []
