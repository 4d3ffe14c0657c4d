"""A small personal data set for query tests, loaded through the real submission path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from dargah.access.policy import cli_principal
from dargah.catalogue import service as catalogue
from dargah.catalogue.documents import DatasetDocument
from dargah.config import Settings
from dargah.db.session import Database
from dargah.submissions import service as submissions
from dargah.submissions.models import Submission, SubmissionMode
from support.catalogue import LEVELS

ADMIN = cli_principal("query-test")
SLUG = "test_people"
OWNER = "education"
ROLLUPS = [["gender", "degree_level"], ["degree_level", "gender", "city"]]
HEADER = "student_number,national_id,full_name,gender,degree_level,credits,gpa,city,entry_date"

_FIELDS: list[dict[str, Any]] = [
    {
        "name": "student_number",
        "title": "شماره دانشجویی",
        "dargah:titleEn": "Student number",
        "type": "string",
        "dargah:type": "identifier",
        "constraints": {"required": True},
    },
    {
        "name": "national_id",
        "title": "کد ملی",
        "dargah:titleEn": "National id",
        "type": "string",
        "dargah:type": "national_id",
        "dargah:sensitivity": "personal",
    },
    {
        "name": "full_name",
        "title": "نام",
        "dargah:titleEn": "Name",
        "type": "string",
        "dargah:type": "persian_text",
        "dargah:sensitivity": "personal",
    },
    {
        "name": "gender",
        "title": "جنسیت",
        "dargah:titleEn": "Gender",
        "type": "string",
        "dargah:type": "text",
    },
    {
        "name": "degree_level",
        "title": "مقطع",
        "dargah:titleEn": "Degree level",
        "type": "string",
        "dargah:type": "code",
        "dargah:codeList": "test_levels",
    },
    {
        "name": "credits",
        "title": "واحد",
        "dargah:titleEn": "Credits",
        "type": "integer",
        "dargah:type": "integer",
    },
    {
        "name": "gpa",
        "title": "معدل",
        "dargah:titleEn": "GPA",
        "type": "number",
        "dargah:type": "number",
        "dargah:sensitivity": "confidential",
    },
    {
        "name": "city",
        "title": "شهر",
        "dargah:titleEn": "City",
        "type": "string",
        "dargah:type": "text",
    },
    {
        "name": "entry_date",
        "title": "تاریخ ورود",
        "dargah:titleEn": "Entry date",
        "type": "date",
        "dargah:type": "jalali_date",
    },
]


def people_document() -> DatasetDocument:
    """The ``test_people`` data set: personal, owned by the education deputy."""
    return DatasetDocument.model_validate(
        {
            "id": SLUG,
            "title_fa": "افراد آزمایشی",
            "title_en": "Test people",
            "description_fa": "برای آزمون پرسش‌ها",
            "description_en": "For query tests",
            "domain": "students",
            "owner": OWNER,
            "sensitivity": "personal",
            "cadence": "term",
            "small_cell_threshold": 5,
            "schema": {
                "fields": _FIELDS,
                "primaryKey": ["student_number"],
                # Counts over these answer aggregate queries (decision 0012), so the
                # query tests' counts run through the rollups as well.
                "dargah:rollups": ROLLUPS,
                "dargah:indexes": [["national_id"]],
            },
        }
    )


def sync_people(session: Session) -> None:
    """Put the code list and ``test_people`` in the catalogue."""
    catalogue.sync_builtin(
        session,
        principal=ADMIN,
        code_list_documents=[LEVELS],
        dataset_documents=[people_document()],
    )


# Valid national ids (check digit computed) for the rows.
NATIONAL_IDS = ["0012345679", "0499370899", "1234567891", "0067749828", "4608968882"]


def row(
    number: str,
    *,
    gender: str = "f",
    level: str = "bachelor",
    credits: int = 20,
    gpa: float = 17.5,
    city: str = "تهران",
    name: str = "مریم احمدی",
    entry: str = "1401/07/01",
) -> str:
    """One CSV line."""
    national_id = NATIONAL_IDS[int(number) % len(NATIONAL_IDS)]
    return f"{number},{national_id},{name},{gender},{level},{credits},{gpa},{city},{entry}"


def load(
    database: Database,
    settings: Settings,
    tmp_path: Path,
    *,
    institution_id: int,
    lines: list[str],
    period: str = "1403-1",
    mode: SubmissionMode = SubmissionMode.SNAPSHOT,
    header: str = HEADER,
) -> Submission:
    """Submit ``lines`` (a snapshot unless ``mode`` says delta) for the institution and
    period."""
    path = tmp_path / f"people-{institution_id}-{period}-{len(list(tmp_path.iterdir()))}.csv"
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    submission = submissions.submit_file(
        database,
        settings=settings,
        principal=ADMIN,
        path=path,
        dataset_slug=SLUG,
        institution_id=institution_id,
        period=period,
        mode=mode,
    )
    assert submission.status == "accepted", submission.status
    return submission
