"""A value refused by its type is one finding, never also "required" with an empty value.

The built-in students data set requires a national id of Iranian nationals
(``required_if``); an invalid id typed for one used to give two errors: the checksum
and a "required" error whose value was empty.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from dargah.catalogue.documents import DatasetDocument
from dargah.submissions.fields import CodeLookup
from dargah.submissions.validation import ROW, BatchValidator
from support.catalogue import LEVELS, dataset_document, schema_with

_NATIONALITY = {
    "name": "nationality",
    "title": "تابعیت",
    "dargah:titleEn": "Nationality",
    "type": "string",
    "dargah:type": "text",
}


def _document() -> DatasetDocument:
    data: dict[str, Any] = dataset_document().model_dump(by_alias=True, mode="json")
    schema = schema_with(extra_fields=[_NATIONALITY])
    for item in schema["fields"]:
        if item["name"] == "national_id":
            item["constraints"] = {}  # only required of Iranians, by the rule below
    schema["dargah:rules"].append(
        {
            "id": "R.test_students.2",
            "kind": "required_if",
            "field": "national_id",
            "when": {"nationality": ["IR"]},
            "message_fa": "کد ملی برای دارندگان تابعیت ایران الزامی است.",
            "message_en": "The national id is required for Iranian nationals.",
        }
    )
    data["schema"] = schema
    return DatasetDocument.model_validate(data)


def _findings(national_ids: list[str | None]) -> list[tuple[int, str, str | None]]:
    count = len(national_ids)
    batch = pl.DataFrame(
        {
            ROW: pl.Series(list(range(2, count + 2)), dtype=pl.Int64),
            "student_number": [str(index) for index in range(count)],
            "national_id": pl.Series(national_ids, dtype=pl.String),
            "degree_level": ["master"] * count,
            "nationality": ["IR"] * count,
        }
    )
    validated = BatchValidator(
        _document(), code_lookups={"test_levels": CodeLookup(LEVELS.values)}
    ).validate(batch)
    return [
        (row, code, value)
        for row, code, value in validated.issues.select("row", "code", "value").iter_rows()
    ]


def test_an_invalid_national_id_gives_one_error() -> None:
    found = _findings(["0012345678", "12", "abc", "0012345679"])

    assert [(row, code) for row, code, _ in found if row == 2] == [(2, "national_id_checksum")]
    assert [(row, code) for row, code, _ in found if row == 3] == [(3, "national_id_length")]
    assert [(row, code) for row, code, _ in found if row == 4] == [(4, "national_id_format")]
    assert not [item for item in found if item[0] == 5]  # a good id: nothing to say
    assert not [item for item in found if item[1] == "rule_required_if"]


def test_a_missing_national_id_is_still_required_of_iranians() -> None:
    found = _findings([None, "0012345678"])

    assert (2, "rule_required_if", None) in found
    assert [code for row, code, _ in found if row == 3] == ["national_id_checksum"]
