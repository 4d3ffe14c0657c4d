"""The ask-first word handling: normalisation, stop words, the light stemmer, typos."""

from __future__ import annotations

import pytest

from dargah.discovery.text import deletions, forms, stems, within_one, words


def _keys(text: str) -> list[str]:
    return [word.key for word in words(text)]


def _meet(a: str, b: str) -> bool:
    [left] = words(a)
    [right] = words(b)
    return bool(left.forms & right.forms)


@pytest.mark.parametrize(
    ("typed", "catalogue"),
    [
        ("دانشجویان", "دانشجو"),  # plural ان with its glide ی
        ("دانشجو‌ها", "دانشجو"),  # ‌ها after a half-space
        ("دانشجوها", "دانشجو"),  # ها written joined
        ("دانشجوهای", "دانشجو"),  # ‌های
        ("دانشجویی", "دانشجویان"),  # the adjective and the plural
        ("دانش‌آموختگان", "دانش‌آموختگی"),  # گان / گی → ه
        ("پزشکي", "پزشکی"),  # Arabic yeh
        ("پزشکی", "پزشک"),  # adjective ی
        ("هیات", "هیئت"),  # هیئت / هیات
        ("هیأت", "هیئت"),
        ("دکترای", "دکتری"),  # ای
        ("دکترا", "دکتری"),
        ("نشریات", "نشریه"),  # Arabic plural of a word ending in ه
        ("خدمات", "خدمت"),
        ("زنان", "زن"),
        ("students", "student"),
        ("faculties", "faculty"),
        ("statuses", "status"),
        ("women", "woman"),
        ("فارغ‌التحصیلان", "دانش‌آموخته"),  # a clerk's word for the catalogue's
    ],
)
def test_inflected_and_variant_forms_meet(typed: str, catalogue: str) -> None:
    assert _meet(typed, catalogue)


@pytest.mark.parametrize(
    ("a", "b"),
    [("زن", "زین"), ("ملی", "مل"), ("دانشگاه", "دانشجو"), ("student", "study")],
)
def test_different_words_do_not_meet(a: str, b: str) -> None:
    assert not _meet(a, b)


def test_stop_words_and_one_letter_words_are_dropped() -> None:
    assert _keys("چند دانشجوی دختر در تهران داریم؟") == ["دانشجوی", "دختر", "تهران"]
    assert _keys("How many of the female students?") == ["female", "students"]
    assert _keys("M 1 و") == []
    assert _keys("field_of_study") == ["field", "study"]


def test_digits_and_punctuation_split_and_normalise() -> None:
    assert _keys("۱۴۰۳-۲") == ["1403"]  # one-digit "2" dropped
    assert _keys("علمی-کاربردی") == ["علمی", "کاربردی"]
    assert _keys("«دانشجویان»،پزشکی") == ["دانشجویان", "پزشکی"]


def test_short_words_keep_their_letters() -> None:
    assert stems("ملی") == []  # not «مل»
    assert stems("زن") == []
    assert "دانشجو" in forms("دانشجویان")


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("پزشگی", "پزشکی", True),  # changed
        ("internatonal", "international", True),  # removed
        ("دانشجوو", "دانشجو", True),  # added
        ("studnet", "student", True),  # swapped
        ("studnte", "student", False),  # two edits
        ("abc", "abcde", False),
    ],
)
def test_within_one(a: str, b: str, near: bool) -> None:
    assert within_one(a, b) is near
    assert within_one(b, a) is near


def test_words_one_edit_apart_share_a_deletion() -> None:
    for a, b in [("پزشگی", "پزشکی"), ("studnet", "student"), ("internatonal", "international")]:
        assert ({a} | deletions(a)) & ({b} | deletions(b))
