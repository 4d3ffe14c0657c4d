"""Schema evolution rules: additive changes are minor, anything else major."""

from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError

from dargah.catalogue.evolution import ChangeKind, compare_schemas, next_version
from dargah.catalogue.schema import TableSchema, parse_schema
from support.catalogue import OPTIONAL_FIELD, SCHEMA, schema_with


def _schema(document: dict[str, object] | None = None) -> TableSchema:
    return parse_schema(document or copy.deepcopy(SCHEMA))


def test_identical_schemas_are_no_change() -> None:
    assert compare_schemas(_schema(), _schema()).kind is ChangeKind.NONE


def test_new_optional_field_is_minor() -> None:
    evolution = compare_schemas(_schema(), _schema(schema_with(extra_fields=[OPTIONAL_FIELD])))
    assert evolution.kind is ChangeKind.MINOR
    assert [change.code for change in evolution.changes] == ["optional_field_added"]


def test_new_required_field_is_major() -> None:
    required = {**OPTIONAL_FIELD, "constraints": {"required": True}}
    evolution = compare_schemas(_schema(), _schema(schema_with(extra_fields=[required])))
    assert evolution.kind is ChangeKind.MAJOR


def test_removed_field_is_major() -> None:
    evolution = compare_schemas(_schema(), _schema(schema_with(drop="graduation_date")))
    assert evolution.kind is ChangeKind.MAJOR
    assert "field_removed" in {change.code for change in evolution.changes}


@pytest.mark.parametrize(
    ("path", "value", "code"),
    [
        (("fields", 3, "dargah:type"), "date", "field_type_changed"),
        (("fields", 0, "constraints"), {"required": True, "maxLength": 20}, "constraints_changed"),
        (("fields", 1, "dargah:sensitivity"), "sensitive_personal", "sensitivity_changed"),
        (("primaryKey",), ["national_id"], "primary_key_changed"),
    ],
)
def test_other_changes_are_major(path: tuple[object, ...], value: object, code: str) -> None:
    document = copy.deepcopy(SCHEMA)
    target: object = document
    for step in path[:-1]:
        target = target[step]  # type: ignore[index]
    target[path[-1]] = value  # type: ignore[index]
    evolution = compare_schemas(_schema(), _schema(document))
    assert evolution.kind is ChangeKind.MAJOR
    assert code in {change.code for change in evolution.changes}


def test_documentation_only_is_minor() -> None:
    document = copy.deepcopy(SCHEMA)
    document["fields"][0]["description"] = "شماره‌ای که سامانه آموزشی می‌دهد"
    evolution = compare_schemas(_schema(), _schema(document))
    assert evolution.kind is ChangeKind.MINOR


def test_warning_rule_is_minor_error_rule_is_major() -> None:
    warning = {
        "id": "R.test_students.2",
        "kind": "required_if",
        "severity": "warning",
        "field": "graduation_date",
        "when": {"degree_level": ["phd"]},
        "message_fa": "تاریخ دانش‌آموختگی را وارد کنید.",
        "message_en": "Give the graduation date.",
    }
    document = copy.deepcopy(SCHEMA)
    document["dargah:rules"].append(warning)
    assert compare_schemas(_schema(), _schema(document)).kind is ChangeKind.MINOR
    document["dargah:rules"][-1]["severity"] = "error"
    assert compare_schemas(_schema(), _schema(document)).kind is ChangeKind.MAJOR


def test_next_version_numbers() -> None:
    assert next_version(None, ChangeKind.MAJOR) == (1, 0)
    assert next_version((1, 3), ChangeKind.MINOR) == (1, 4)
    assert next_version((1, 3), ChangeKind.MAJOR) == (2, 0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"primaryKey": ["nope"]}, "primaryKey"),
        ({"fields": [{**SCHEMA["fields"][0], "type": "integer"}]}, "stored as"),
        ({"fields": [{**SCHEMA["fields"][2], "dargah:codeList": None}]}, "codeList"),
        ({"fields": [SCHEMA["fields"][0], SCHEMA["fields"][0]]}, "duplicate"),
    ],
)
def test_inconsistent_schemas_are_refused(change: dict[str, object], message: str) -> None:
    document = {**copy.deepcopy(SCHEMA), **change}
    if "fields" in change and "primaryKey" not in change:
        document["dargah:rules"] = []
    with pytest.raises(ValidationError, match=message):
        parse_schema(document)


def test_rule_ids_must_follow_the_pattern() -> None:
    document = copy.deepcopy(SCHEMA)
    document["dargah:rules"][0]["id"] = "rule-1"
    with pytest.raises(ValidationError, match=r"R\.<dataset>"):
        parse_schema(document)


def test_stored_form_is_table_schema_with_extensions() -> None:
    stored = _schema().to_json()
    assert stored["primaryKey"] == ["student_number"]
    assert stored["fields"][2]["dargah:codeList"] == "test_levels"
    assert parse_schema(stored) == _schema()
