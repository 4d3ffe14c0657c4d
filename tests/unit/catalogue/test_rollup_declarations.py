"""``dargah:rollups`` and ``dargah:indexes`` name real fields, once each."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from dargah.catalogue.builtin import builtin_datasets
from dargah.catalogue.schema import parse_schema

FIELDS = [
    {"name": name, "title": name, "dargah:titleEn": name, "type": "string", "dargah:type": "text"}
    for name in ("number", "gender", "level")
]


def _schema(**extra: Any) -> dict[str, Any]:
    return {"fields": FIELDS, "primaryKey": ["number"], **extra}


def test_rollups_and_indexes_round_trip() -> None:
    schema = parse_schema(
        _schema(**{"dargah:rollups": [["gender", "level"]], "dargah:indexes": [["level"]]})
    )

    assert schema.rollups == [["gender", "level"]]
    assert schema.indexes == [["level"]]
    assert schema.to_json()["dargah:rollups"] == [["gender", "level"]]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"dargah:rollups": [["gender", "colour"]]}, "unknown fields: colour"),
        ({"dargah:rollups": [["gender", "gender"]]}, "names a field twice"),
        ({"dargah:rollups": [["gender", "level"], ["level", "gender"]]}, "declares a set twice"),
        ({"dargah:rollups": [[]]}, "at least 1 item"),
        ({"dargah:indexes": [["colour"]]}, "unknown fields: colour"),
    ],
)
def test_bad_declarations_are_refused(extra: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_schema(_schema(**extra))


def test_the_dashboards_data_sets_declare_their_pivots() -> None:
    declared = {item.id: item.schema_.rollups for item in builtin_datasets()}

    assert ["degree_level", "gender"] in declared["students"]
    assert ["rank", "gender"] in declared["faculty"]
    assert any(fields[0] == "output_type" for fields in declared["research_outputs"])
