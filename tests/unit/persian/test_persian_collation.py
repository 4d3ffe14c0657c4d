"""Persian alphabetical order for lists a person reads."""

from __future__ import annotations

from dargah.persian.collation import sort_key


def test_persian_letters_sort_in_alphabet_order_not_code_point_order() -> None:
    names = ["یزد", "گیلان", "کاشان", "ژیان", "چمران", "پردیس", "آزاد", "اصفهان", "جهرم"]
    assert sorted(names, key=sort_key) == [
        "آزاد",
        "اصفهان",
        "پردیس",
        "جهرم",
        "چمران",
        "ژیان",
        "کاشان",
        "گیلان",
        "یزد",
    ]


def test_arabic_letter_variants_sort_as_their_persian_letters() -> None:
    assert sort_key("كاشان") == sort_key("کاشان")
    assert sort_key("علي") == sort_key("علی")
    assert sort_key("أمير") == sort_key("امیر")


def test_half_space_is_ignored_and_a_space_sorts_before_letters() -> None:
    assert sort_key("دانشگاه‌ها") == sort_key("دانشگاهها")
    assert sorted(["دانشگاهی", "دانشگاه تهران"], key=sort_key) == ["دانشگاه تهران", "دانشگاهی"]


def test_numbers_of_every_script_sort_by_value_and_latin_after_persian() -> None:
    assert sort_key("واحد ۲") == sort_key("واحد 2") == sort_key("واحد ٢")
    assert sorted(["واحد ۹", "واحد 1"], key=sort_key) == ["واحد 1", "واحد ۹"]
    assert sorted(["واحد ۱۰", "واحد ۲", "واحد 02"], key=sort_key)[-1] == "واحد ۱۰"
    assert sorted(["Tehran", "تهران"], key=sort_key) == ["تهران", "Tehran"]
    assert sort_key("TEHRAN") == sort_key("tehran")
