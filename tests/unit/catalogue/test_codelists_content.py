"""The built-in code lists: well-formed, consistent with each other, and correct Persian.

The JSON lists are read from the package folder directly, so a file that
``builtin_code_lists()`` would skip (a wrong name, a stray file) still fails here.
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import cache
from importlib import resources
from pathlib import Path

import pytest

from dargah.catalogue.builtin import builtin_code_lists
from dargah.catalogue.builtin.generated import generated_code_lists
from dargah.catalogue.documents import CodeListDocument, CodeValueDocument
from dargah.members.models import InstitutionType
from dargah.persian import match_key, normalize

CODELISTS = Path(str(resources.files("dargah.catalogue.builtin").joinpath("codelists")))
JSON_FILES = sorted(CODELISTS.glob("*.json"))

# The ids (and, for the small lists, the codes) other parts of Dargah rely on.
CONTRACT: dict[str, set[str] | None] = {
    "degree_levels": {
        "associate",
        "bachelor",
        "bachelor_discontinuous",
        "master",
        "master_continuous",
        "professional_doctorate",
        "phd",
        "medical_specialty",
    },
    "isced_fields": None,
    "study_fields": None,
    "study_modes": {
        "daytime",
        "evening",
        "self_funded",
        "virtual",
        "semi_attendance",
        "international_campus",
        "tuition",
    },
    "student_statuses": {
        "enrolled",
        "on_leave",
        "suspended",
        "withdrawn",
        "dismissed",
        "graduated",
        "transferred_out",
        "deceased",
    },
    "faculty_ranks": {
        "instructor_assistant",
        "instructor",
        "assistant_professor",
        "associate_professor",
        "professor",
    },
    "employment_types": {
        "permanent",
        "probationary",
        "treaty",
        "contract",
        "adjunct",
        "service_obligation",
        "conscript",
        "retired",
    },
    "genders": {"male", "female"},
    "research_output_types": {
        "journal_article",
        "conference_paper",
        "book_authored",
        "book_compiled",
        "book_translated",
        "book_chapter",
        "patent_domestic",
        "patent_international",
        "software",
        "technical_report",
        "artwork",
    },
    "licence_types": {
        "institution_establishment",
        "branch_establishment",
        "field_launch",
        "level_launch",
        "capacity_change",
        "course_type_launch",
        "field_closure",
        "research_institute_establishment",
        "science_park",
        "incubator",
        "merger",
    },
    "licence_statuses": {"active", "provisional", "suspended", "revoked", "expired"},
}


@cache
def _authored() -> dict[str, CodeListDocument]:
    documents = {}
    for path in JSON_FILES:
        with path.open(encoding="utf-8") as handle:
            documents[path.stem] = CodeListDocument.model_validate(json.load(handle))
    return documents


@cache
def _generated() -> dict[str, CodeListDocument]:
    return {document.id: document for document in generated_code_lists()}


def _all_lists() -> list[CodeListDocument]:
    return [*_authored().values(), *_generated().values()]


def _values(list_id: str) -> dict[str, CodeValueDocument]:
    document = _authored().get(list_id) or _generated()[list_id]
    return {value.code: value for value in document.values}


def _ancestors(values: dict[str, CodeValueDocument], code: str) -> set[str]:
    found = set()
    parent = values[code].parent
    while parent is not None:
        found.add(parent)
        parent = values[parent].parent
    return found


def _same_branch(values: dict[str, CodeValueDocument], codes: list[str]) -> bool:
    """All ``codes`` lie on one root-to-leaf path of the hierarchy."""
    deepest = max(codes, key=lambda code: len(_ancestors(values, code)))
    return set(codes) <= _ancestors(values, deepest) | {deepest}


GENERATED_IDS = ["provinces", "institution_types", "countries"]
# Every list shipped: the ones above plus any domain list another team adds as JSON.
ALL_IDS = sorted({path.stem for path in JSON_FILES} | set(GENERATED_IDS))


@pytest.mark.parametrize("path", JSON_FILES, ids=lambda path: path.name)
def test_each_json_file_is_a_code_list_named_by_its_id(path: Path) -> None:
    document = _authored()[path.stem]
    assert document.id == path.stem


@pytest.mark.parametrize("path", JSON_FILES, ids=lambda path: path.name)
def test_json_files_are_formatted_for_people(path: Path) -> None:
    # Two-space indentation and Persian as Persian (not \u escapes), so a reviewer can
    # read a diff.
    text = path.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


def test_the_promised_lists_and_codes_exist() -> None:
    assert set(CONTRACT) <= set(_authored())
    for list_id, codes in CONTRACT.items():
        if codes is not None:
            assert set(_values(list_id)) == codes, list_id


def test_builtin_code_lists_returns_authored_and_generated_lists() -> None:
    ids = [document.id for document in builtin_code_lists()]
    assert sorted(ids) == ALL_IDS
    assert sorted(_generated()) == sorted(GENERATED_IDS)
    assert not set(_generated()) & set(_authored()), "a JSON list shadows a generated one"


@pytest.mark.parametrize("list_id", ALL_IDS)
def test_persian_text_is_in_normal_form(list_id: str) -> None:
    # normalize() turns Arabic ي/ك into ی/ک, non-ASCII digits into ASCII, and removes
    # stray joiners and spaces: text equal to its normal form has none of them.
    for value in _values(list_id).values():
        for text in (value.label_fa, value.label_en, *value.aliases):
            assert normalize(text) == text, (list_id, value.code, text)


@pytest.mark.parametrize("list_id", ALL_IDS)
def test_labels_are_unique_within_a_list(list_id: str) -> None:
    values = _values(list_id)
    for language in ("label_fa", "label_en"):
        codes_by_label: dict[str, list[str]] = defaultdict(list)
        for value in values.values():
            codes_by_label[match_key(getattr(value, language))].append(value.code)
        for label, codes in codes_by_label.items():
            if len(codes) == 1:
                continue
            # ISCED-F names a field and its only sub-field alike (042 Law, 0421 Law;
            # 048 and 0488 inter-disciplinary ...): that repetition is the standard's.
            assert list_id == "isced_fields", (list_id, language, label, codes)
            assert _same_branch(values, codes), (language, label, codes)


@pytest.mark.parametrize("list_id", ALL_IDS)
def test_every_way_of_writing_a_value_names_only_that_value(list_id: str) -> None:
    values = _values(list_id)
    codes_by_key: dict[str, set[str]] = defaultdict(set)
    for value in values.values():
        for text in (value.code, value.label_fa, value.label_en, *value.aliases):
            codes_by_key[match_key(text)].add(value.code)
    for key, codes in codes_by_key.items():
        if len(codes) > 1:
            assert list_id == "isced_fields", (list_id, key, sorted(codes))
            assert _same_branch(values, sorted(codes)), (key, sorted(codes))


def test_isced_fields_hierarchy_is_broad_narrow_detailed() -> None:
    values = _values("isced_fields")
    expected = {2: ("broad", None), 3: ("narrow", 2), 4: ("detailed", 3)}
    for code, value in values.items():
        level, parent_length = expected[len(code)]
        assert code.isdigit()
        assert value.attributes == {"level": level}, code
        if parent_length is None:
            assert value.parent is None, code
        else:
            assert value.parent == code[:parent_length], code
            assert values[value.parent].attributes["level"] == expected[parent_length][0]


def test_isced_fields_has_the_whole_classification() -> None:
    values = _values("isced_fields")
    by_level: dict[str, set[str]] = defaultdict(set)
    for code, value in values.items():
        by_level[value.attributes["level"]].add(code)
    assert by_level["broad"] == {f"{n:02d}" for n in range(11)}
    regular = {code for code in by_level["detailed"] if code[-1] not in "89"}
    assert len(regular) == 80
    assert {"0111", "0288", "0421", "0613", "0732", "0912", "1099"} <= by_level["detailed"]
    # Every narrow field has at least one detailed field.
    assert {value.parent for value in values.values()} >= by_level["narrow"]


def test_study_fields_map_to_detailed_isced_fields_and_known_levels() -> None:
    isced = _values("isced_fields")
    levels = list(_values("degree_levels"))
    for code, value in _values("study_fields").items():
        assert len(code) == 4, code
        assert code.isdigit(), code
        mapped = value.attributes["isced"]
        assert isced[mapped].attributes["level"] == "detailed", code
        offered = value.attributes["levels"]
        assert offered, code
        assert set(offered) <= set(levels), code
        assert offered == sorted(offered, key=levels.index), code


def test_study_fields_examples_from_the_brief() -> None:
    fields = {value.label_fa: value for value in _values("study_fields").values()}
    assert fields["پزشکی"].attributes["levels"] == ["professional_doctorate"]
    computer = fields["مهندسی کامپیوتر"]
    assert computer.attributes["levels"] == [
        "associate",
        "bachelor",
        "bachelor_discontinuous",
        "master",
        "phd",
    ]
    assert "مهندسی رایانه" in computer.aliases


def test_degree_levels_map_to_isced_2011() -> None:
    levels = {
        code: value.attributes["isced_level"] for code, value in _values("degree_levels").items()
    }
    assert levels == {
        "associate": "5",
        "bachelor": "6",
        "bachelor_discontinuous": "6",
        "master": "7",
        "master_continuous": "7",
        "professional_doctorate": "7",
        "phd": "8",
        "medical_specialty": "7",
    }


def test_faculty_ranks_are_ordered() -> None:
    orders = [value.attributes["order"] for value in _values("faculty_ranks").values()]
    assert orders == [1, 2, 3, 4, 5]


def test_genders_accept_registrar_codes() -> None:
    values = _values("genders")
    assert {"1", "M", "آقا"} <= set(values["male"].aliases)
    assert {"2", "F", "خانم"} <= set(values["female"].aliases)


def test_generated_provinces() -> None:
    values = _values("provinces")
    assert len(values) == 31
    assert all(len(code) == 2 and code.isdigit() for code in values)
    tehran = values["23"]
    assert (tehran.label_fa, tehran.attributes["iso"]) == ("تهران", "IR-23")
    assert {"IR-23", "استان تهران"} <= set(tehran.aliases)


def test_generated_institution_types() -> None:
    assert set(_values("institution_types")) == {kind.value for kind in InstitutionType}
    assert len(_values("institution_types")) == 9


def test_generated_countries() -> None:
    values = _values("countries")
    assert len(values) >= 240
    iran = values["IR"]
    assert iran.label_fa.startswith("ایران")
    assert iran.label_en == "Iran"
    assert iran.attributes == {"alpha3": "IRN", "numeric": "364"}
    assert {"IRN", "ایران"} <= set(iran.aliases)
    assert values["DE"].label_fa == "آلمان"
    # Every country has a Persian name (pycountry's, or ours where it has none).
    untranslated = [code for code, value in values.items() if value.label_fa.isascii()]
    assert untranslated == []
