"""The labels a person reads instead of codes: fields, types, constraints, provinces,
institution types, actors — in Persian and in English."""

from __future__ import annotations

import pytest

from dargah.catalogue.schema import Constraints, SchemaField
from dargah.web.labels import (
    actor_label,
    constraint_words,
    field_label,
    field_titles,
    institution_type_label,
    province_label,
    type_label,
)

FIELD = SchemaField.model_validate(
    {
        "name": "degree_level",
        "title": "مقطع",
        "dargah:titleEn": "Degree level",
        "dargah:type": "code",
        "dargah:codeList": "levels",
    }
)


def test_a_field_is_shown_by_its_title() -> None:
    assert field_label(FIELD, "fa") == "مقطع"
    assert field_label(FIELD, "en") == "Degree level"
    assert field_titles([FIELD], "fa") == {"degree_level": "مقطع"}


@pytest.mark.parametrize(
    ("kind", "fa", "en"),
    [
        ("string", "متن", "Text"),
        ("integer", "عدد صحیح", "Integer"),
        ("number", "عدد", "Number"),
        ("date", "تاریخ", "Date"),
        ("boolean", "بله/خیر", "Yes/No"),
    ],
)
def test_storage_types_are_words(kind: str, fa: str, en: str) -> None:
    assert type_label(kind, "fa") == fa
    assert type_label(kind, "en") == en


def test_constraints_are_phrases_with_persian_digits() -> None:
    constraints = Constraints.model_validate({"maxLength": 20, "minimum": 0, "maximum": 24.5})

    assert constraint_words(constraints, "fa") == ["حداکثر ۲۰ نویسه", "کمینه ۰", "بیشینه ۲۴٫۵"]
    assert constraint_words(constraints, "en") == [
        "at most 20 characters",
        "minimum 0",
        "maximum 24.5",
    ]
    assert constraint_words({"minLength": 10, "maxLength": 10}, "fa") == ["دقیقاً ۱۰ نویسه"]
    assert constraint_words({"pattern": "^[0-9]+$"}, "fa") == ["قالب معین (الگو)"]
    assert constraint_words({"required": True}, "fa") == []


def test_provinces_and_institution_types_by_name() -> None:
    assert province_label("23", "fa") == "تهران"
    assert province_label("23", "en") == "Tehran"
    assert province_label("99", "fa") == "99"  # unknown: as given, never an error
    assert institution_type_label("state_university", "fa") == "دانشگاه دولتی"
    assert institution_type_label("state_university", "en") == "State university"


def test_actors_by_a_readable_name() -> None:
    people = {"registrar1": "زهرا احمدی"}

    # The server account is an identifier, marked up as one inside the Persian words.
    account = '<span class="identifier" dir="ltr">root</span>'
    assert actor_label("cli:root", "fa", people) == f"خط فرمان ({account})"
    assert actor_label("cli:root", "en", people) == f"Command line ({account})"
    assert "&lt;b&gt;" in actor_label("cli:<b>", "fa", people)  # escaped, never markup
    assert actor_label("registrar1", "fa", people) == "زهرا احمدی"
    assert actor_label("IR/GOV/MSRT/research-portal#dgk_ab12", "fa", people) == (
        "سامانهٔ IR/GOV/MSRT/research-portal"
    )
    assert actor_label(None, "fa", people) == ""
