"""Small, self-contained catalogue documents for tests (independent of the built-ins)."""

from __future__ import annotations

import copy
from typing import Any

from dargah.catalogue.documents import CodeListDocument, DatasetDocument

LEVELS = CodeListDocument.model_validate(
    {
        "id": "test_levels",
        "title_fa": "مقاطع آزمایشی",
        "title_en": "Test levels",
        "version": "1.0",
        "values": [
            {
                "code": "bachelor",
                "label_fa": "کارشناسی",
                "label_en": "Bachelor",
                "aliases": ["لیسانس"],
            },
            {"code": "master", "label_fa": "کارشناسی ارشد", "label_en": "Master"},
            {"code": "phd", "label_fa": "دکتری تخصصی", "label_en": "PhD", "aliases": ["دکترا"]},
        ],
    }
)

SCHEMA: dict[str, Any] = {
    "fields": [
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
            "constraints": {"required": True},
        },
        {
            "name": "degree_level",
            "title": "مقطع تحصیلی",
            "dargah:titleEn": "Degree level",
            "type": "string",
            "dargah:type": "code",
            "dargah:codeList": "test_levels",
            "constraints": {"required": True},
        },
        {
            "name": "entry_date",
            "title": "تاریخ ورود",
            "dargah:titleEn": "Entry date",
            "type": "date",
            "dargah:type": "jalali_date",
        },
        {
            "name": "graduation_date",
            "title": "تاریخ دانش‌آموختگی",
            "dargah:titleEn": "Graduation date",
            "type": "date",
            "dargah:type": "jalali_date",
        },
    ],
    "primaryKey": ["student_number"],
    "dargah:rules": [
        {
            "id": "R.test_students.1",
            "kind": "compare",
            "left": "graduation_date",
            "op": ">",
            "right_field": "entry_date",
            "message_fa": "تاریخ دانش‌آموختگی باید پس از تاریخ ورود باشد.",
            "message_en": "Graduation must come after entry.",
        }
    ],
}


def dataset_document(slug: str = "test_students", owner: str = "education") -> DatasetDocument:
    """A small personal data set owned by ``owner``."""
    return DatasetDocument.model_validate(
        {
            "id": slug,
            "title_fa": "دانشجویان آزمایشی",
            "title_en": "Test students",
            "description_fa": "فهرست دانشجویان برای آزمون",
            "description_en": "Students, for tests",
            "domain": "students",
            "owner": owner,
            "sensitivity": "personal",
            "cadence": "term",
            "required_institution_types": ["state_university"],
            "version": "1.0",
            "schema": schema_with(rules_prefix=slug),
        }
    )


def schema_with(
    *,
    extra_fields: list[dict[str, Any]] | None = None,
    drop: str | None = None,
    rules_prefix: str = "test_students",
) -> dict[str, Any]:
    """A copy of the test schema, optionally changed."""
    schema = copy.deepcopy(SCHEMA)
    for rule in schema["dargah:rules"]:
        rule["id"] = rule["id"].replace("test_students", rules_prefix)
    if drop is not None:
        schema["fields"] = [f for f in schema["fields"] if f["name"] != drop]
        schema["dargah:rules"] = []
    schema["fields"].extend(extra_fields or [])
    return schema


OPTIONAL_FIELD = {
    "name": "email",
    "title": "رایانامه",
    "dargah:titleEn": "E-mail",
    "type": "string",
    "format": "email",
    "dargah:type": "email",
}


def sync_test_students(session: Any, *, principal: Any) -> None:
    """Put the test code list and the ``test_students`` data set in the catalogue."""
    from dargah.catalogue import service

    service.sync_builtin(
        session,
        principal=principal,
        code_list_documents=[LEVELS],
        dataset_documents=[dataset_document()],
    )
