"""Reading what people type for a coded field: codes, labels in either language,
aliases, Arabic letters, Persian digits and half-spaces — and refusing the rest with
the closest values."""

from __future__ import annotations

import pytest

from dargah.errors import InvalidInput
from dargah.records.query import (
    CodeChoice,
    CodeMatcher,
    QuerySpec,
    resolve_code_values,
    system_code_matchers,
)

LEVELS = CodeMatcher(
    "مقطع",
    "Degree level",
    [
        CodeChoice("bachelor", "کارشناسی", "Bachelor", ("لیسانس",)),
        CodeChoice("master", "کارشناسی ارشد", "Master"),
        CodeChoice("phd", "دکتری تخصصی", "PhD", ("دکترا",)),
        CodeChoice("1004", "مهندسی کامپیوتر", "Computer engineering"),
    ],
)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("phd", "phd"),
        ("دکتری تخصصی", "phd"),
        ("دكتري تخصصي", "phd"),  # Arabic kaf and yeh
        ("دکتری‌تخصصی", "phd"),  # a half-space instead of a space
        ("  دکترا ", "phd"),  # an alias, with spaces
        ("PHD", "phd"),
        ("master", "master"),
        ("Master", "master"),
        ("۱۰۰۴", "1004"),  # Persian digits of a numeric code
        (1004, "1004"),
    ],
)
def test_codes_labels_and_aliases_are_read_as_the_code(typed: object, code: str) -> None:
    assert LEVELS.resolve(typed) == code


def test_nothing_else_is_read() -> None:
    assert LEVELS.resolve("دکتری حرفه‌ای") is None
    assert LEVELS.resolve(True) is None
    assert LEVELS.resolve(None) is None


def test_close_values_come_first_by_likeness() -> None:
    assert [choice.code for choice in LEVELS.close_to("دکتری")][:1] == ["phd"]
    assert [choice.code for choice in LEVELS.close_to("کارشناسي ارشدد")][:1] == ["master"]
    assert LEVELS.close_to("zzzz") == []


def _spec(op: str, value: object) -> QuerySpec:
    return QuerySpec.model_validate(
        {"where": [{"field": "degree_level", "op": op, "value": value}]}
    )


def test_a_query_is_given_the_codes_of_its_labels() -> None:
    matchers = {"degree_level": LEVELS}

    single = resolve_code_values(_spec("=", "دکتری تخصصی"), matchers)
    listed = resolve_code_values(_spec("not_in", ["لیسانس", "master"]), matchers)
    untouched = _spec("contains", "دکتر")

    assert single.where[0].value == "phd"
    assert listed.where[0].value == ["bachelor", "master"]
    assert resolve_code_values(untouched, matchers) is untouched  # text search stays text
    already = _spec("=", "phd")
    assert resolve_code_values(already, matchers) is already


def test_a_value_outside_the_list_is_refused_with_suggestions_in_both_languages() -> None:
    with pytest.raises(InvalidInput) as raised:
        resolve_code_values(_spec("in", ["master", "دکتری"]), {"degree_level": LEVELS})

    error = raised.value
    assert error.code == "value_not_in_codelist"
    assert error.status == 422
    assert error.details["field"] == "degree_level"
    assert error.details["value"] == "دکتری"
    assert error.details["suggestions"][0]["code"] == "phd"
    assert "«مقطع»" in error.message("fa")
    assert "دکتری تخصصی (phd)" in error.message("fa")
    assert "PhD (phd)" in error.message("en")


def test_provinces_and_institution_types_by_name() -> None:
    system = system_code_matchers()

    assert system["province"].resolve("تهران") == "23"
    assert system["province"].resolve("Tehran") == "23"
    assert system["province"].resolve("۲۳") == "23"
    assert system["province"].resolve("IR-23") == "23"
    assert system["institution_type"].resolve("دانشگاه پیام نور") == "payame_noor"
