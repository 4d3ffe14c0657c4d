"""The built-in data sets: well-formed, consistent with the code lists and with each other.

The JSON documents are read from the package folder directly, so a file that
``builtin_datasets()`` would skip (a wrong name, a stray file) still fails here. Every
check runs over every file in the folder, whoever wrote it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from dargah.catalogue.builtin import builtin_code_lists, builtin_datasets
from dargah.catalogue.documents import CodeListDocument, CodeValueDocument, DatasetDocument
from dargah.catalogue.schema import (
    TABLE_SCHEMA_TYPE,
    CodeAttributeRule,
    CompareRule,
    DargahType,
    ExistsInRule,
    RequiredIfRule,
    SchemaField,
    Sensitivity,
    TableSchema,
)
from dargah.catalogue.templates import LANGUAGES, csv_template, xlsx_template
from dargah.members.hq_units import STANDARD_HQ_UNITS
from dargah.members.models import InstitutionType
from dargah.persian import normalize
from dargah.persian.dates import parse_jalali_date

BUILTIN = Path(str(resources.files("dargah.catalogue.builtin")))
JSON_FILES = sorted((BUILTIN / "datasets").glob("*.json"))

# The data sets the catalogue promises (the seed's domains); other parts of Dargah and
# the institutions' integrations rely on these ids.
EXPECTED_IDS = {
    "students",
    "new_entrants",
    "graduates",
    "faculty",
    "staff",
    "research_outputs",
    "research_projects",
    "programme_licences",
    "budget",
    "cultural_activities",
    "international_students",
    "international_agreements",
    "mobility",
    "dormitories",
    "student_welfare",
}

# The HQ units that own and approve data sets (docs/dataset-authoring.md).
OWNERS = {"education", "research", "students", "culture", "finance", "international", "planning"}

_NUMERIC = {"integer", "number"}


@cache
def _documents() -> dict[str, DatasetDocument]:
    documents = {}
    for path in JSON_FILES:
        with path.open(encoding="utf-8") as handle:
            documents[path.stem] = DatasetDocument.model_validate(json.load(handle))
    return documents


@cache
def _code_lists() -> dict[str, CodeListDocument]:
    lists = {document.id: document for document in builtin_code_lists()}
    for path in sorted((BUILTIN / "codelists").glob("*.json")):
        with path.open(encoding="utf-8") as handle:
            document = CodeListDocument.model_validate(json.load(handle))
        lists.setdefault(document.id, document)
    return lists


def _values(list_id: str) -> dict[str, CodeValueDocument]:
    return {value.code: value for value in _code_lists()[list_id].values if not value.deprecated}


def _all() -> list[DatasetDocument]:
    return list(_documents().values())


def _ids(document: DatasetDocument) -> str:
    return document.id


def _field(document: DatasetDocument, name: str) -> SchemaField:
    return document.schema_.field(name)


def _check_codes(field: SchemaField, values: list[Any], where: str) -> None:
    """Values a rule lists for ``field`` are codes of its list (a label would never match
    the stored code)."""
    if field.code_list is None:
        return
    unknown = sorted(str(value) for value in values if value not in _values(field.code_list))
    assert not unknown, f"{where}: not codes of {field.code_list}: {unknown}"


def _texts(document: DatasetDocument) -> Iterator[str]:
    yield from (document.title_fa, document.title_en, document.description_fa)
    yield from (document.description_en, document.usage_notes_fa or "")
    yield document.usage_notes_en or ""
    for field in document.schema_.fields:
        yield from (field.title, field.title_en, field.description or "")
        yield field.description_en or ""
    for rule in document.schema_.rules:
        yield from (rule.message_fa, rule.message_en)


# -- each document ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", JSON_FILES, ids=lambda path: path.name)
def test_each_file_is_a_data_set_named_by_its_id(path: Path) -> None:
    document = _documents()[path.stem]
    assert document.id == path.stem


@pytest.mark.parametrize("path", JSON_FILES, ids=lambda path: path.name)
def test_json_files_are_formatted_for_people(path: Path) -> None:
    # As the code lists: two-space indentation and Persian as Persian, so diffs read.
    text = path.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


def test_builtin_datasets_returns_every_file_once() -> None:
    ids = [document.id for document in builtin_datasets()]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(_documents())


def test_the_catalogue_has_the_promised_data_sets() -> None:
    assert set(_documents()) == EXPECTED_IDS


def test_owners_are_the_ministry_hq_units() -> None:
    # Syncing looks the owner up among the standard HQ units; an unknown one fails there.
    assert {unit.code for unit in STANDARD_HQ_UNITS} == OWNERS
    for document in _all():
        assert document.owner in OWNERS, document.id


@pytest.mark.parametrize("document", _all(), ids=_ids)
def test_required_institution_types_are_known(document: DatasetDocument) -> None:
    types = document.required_institution_types
    assert types, "name the institution types that must report it"
    assert len(types) == len(set(types))
    assert set(types) <= {kind.value for kind in InstitutionType}


@pytest.mark.parametrize("document", _all(), ids=_ids)
def test_text_is_in_persian_normal_form(document: DatasetDocument) -> None:
    # No Arabic ي/ك, Persian digits, diacritics or stray joiners: stored text is normal.
    for text in _texts(document):
        assert normalize(text) == text, (document.id, text)


@pytest.mark.parametrize("document", _all(), ids=_ids)
def test_primary_key_fields_are_required(document: DatasetDocument) -> None:
    schema = document.schema_
    for name in schema.primary_key:
        assert schema.field(name).required, (document.id, name)


@pytest.mark.parametrize("document", _all(), ids=_ids)
def test_no_institution_or_period_columns(document: DatasetDocument) -> None:
    # The gateway adds both itself; a column for them would contradict it.
    names = set(document.schema_.field_names)
    assert not names & {"institution", "institution_code", "period", "term", "year"}


@pytest.mark.parametrize("document", _all(), ids=_ids)
def test_personal_fields_only_in_personal_data_sets(document: DatasetDocument) -> None:
    for field in document.schema_.fields:
        if field.sensitivity.is_personal:
            assert document.sensitivity.is_personal, (document.id, field.name)
        if field.sensitivity is Sensitivity.SENSITIVE_PERSONAL:
            assert document.sensitivity is Sensitivity.SENSITIVE_PERSONAL, (
                document.id,
                field.name,
            )


@pytest.mark.parametrize("document", _all(), ids=_ids)
def test_code_fields_name_existing_code_lists(document: DatasetDocument) -> None:
    missing = sorted(document.schema_.code_lists - set(_code_lists()))
    assert not missing, (document.id, missing)


# -- rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize("document", _all(), ids=_ids)
def test_every_data_set_has_rules_with_its_own_ids(document: DatasetDocument) -> None:
    rules = document.schema_.rules
    assert rules, document.id
    for rule in rules:
        assert rule.id.startswith(f"R.{document.id}."), rule.id


@pytest.mark.parametrize("document", _all(), ids=_ids)
def test_rule_conditions_list_codes(document: DatasetDocument) -> None:
    for rule in document.schema_.rules:
        if isinstance(rule, CompareRule | RequiredIfRule):
            for name, values in (rule.when or {}).items():
                _check_codes(_field(document, name), values, f"{rule.id} when {name}")
        if isinstance(rule, RequiredIfRule):
            assert rule.field not in rule.when, rule.id


@pytest.mark.parametrize("document", _all(), ids=_ids)
def test_compare_rules_compare_like_with_like(document: DatasetDocument) -> None:
    for rule in document.schema_.rules:
        if not isinstance(rule, CompareRule):
            continue
        left = _field(document, rule.left)
        if rule.right_field is not None:
            right = _field(document, rule.right_field)
            kinds = {left.type, right.type}
            assert len(kinds) == 1 or kinds <= _NUMERIC, rule.id
            assert left.code_list == right.code_list, rule.id
            continue
        value = rule.right_value
        if left.code_list is not None:
            _check_codes(left, [value], rule.id)
        elif left.type in _NUMERIC:
            assert isinstance(value, int | float), rule.id
        elif left.dargah_type is DargahType.JALALI_DATE:
            # A constant date is written as people type it: a Jalali date.
            assert isinstance(value, str), rule.id
            parse_jalali_date(value)
        else:
            assert isinstance(value, str), rule.id
        if rule.op in ("<", "<=", ">", ">="):
            # Codes and yes/no have no order.
            assert left.code_list is None, rule.id
            assert left.type != "boolean", rule.id


@pytest.mark.parametrize("document", _all(), ids=_ids)
def test_code_attribute_rules_use_attributes_the_list_carries(document: DatasetDocument) -> None:
    for rule in document.schema_.rules:
        if not isinstance(rule, CodeAttributeRule):
            continue
        field = _field(document, rule.field)
        assert field.code_list is not None, f"{rule.id}: {rule.field} is not a code field"
        values = _values(field.code_list)
        lacking = sorted(
            code for code, value in values.items() if rule.attribute not in value.attributes
        )
        assert not lacking, f"{rule.id}: {field.code_list} values without {rule.attribute}"
        # The attribute lists codes of the list the row's value comes from.
        target = _field(document, rule.value_field)
        if target.code_list is not None:
            for code, value in values.items():
                listed = value.attributes[rule.attribute]
                listed = listed if isinstance(listed, list) else [listed]
                _check_codes(target, listed, f"{rule.id} {field.code_list} {code}")


@pytest.mark.parametrize("document", _all(), ids=_ids)
def test_exists_in_rules_point_at_real_fields(document: DatasetDocument) -> None:
    for rule in document.schema_.rules:
        if not isinstance(rule, ExistsInRule):
            continue
        assert rule.dataset in _documents(), f"{rule.id}: no data set {rule.dataset}"
        other: TableSchema = _documents()[rule.dataset].schema_
        for mine, theirs in rule.match.items():
            assert theirs in other.field_names, f"{rule.id}: {rule.dataset} has no {theirs}"
            here, there = _field(document, mine), other.field(theirs)
            assert here.dargah_type is there.dargah_type, (rule.id, mine, theirs)
            assert here.code_list == there.code_list, (rule.id, mine, theirs)
        for name, values in (rule.where or {}).items():
            assert name in other.field_names, f"{rule.id}: {rule.dataset} has no {name}"
            _check_codes(other.field(name), values, f"{rule.id} where {name}")


# -- what institutions download --------------------------------------------------------------


def test_field_types_are_stored_as_their_table_schema_types() -> None:
    # The parser enforces it; kept here so a loosened parser cannot let a file drift.
    for document in _all():
        for field in document.schema_.fields:
            assert field.type == TABLE_SCHEMA_TYPE[field.dargah_type], (document.id, field.name)


@pytest.mark.parametrize("document", _all(), ids=_ids)
def test_templates_can_be_built(document: DatasetDocument) -> None:
    for language in LANGUAGES:
        text = csv_template(document, language=language).decode("utf-8-sig")
        header = next(csv.reader(io.StringIO(text)))
        assert len(header) == len(document.schema_.fields)
    code_values = {slug: list(_values(slug).values()) for slug in document.schema_.code_lists}
    assert xlsx_template(document, code_values, language="fa").startswith(b"PK")
