"""``fold_input``: what a person types with any digits, read as Latin digits."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import TypeAdapter, ValidationError

from dargah.persian.inputs import DigitsDate, DigitsFloat, DigitsInt, DigitsStr, fold_input


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("۱۴۰۳-۲", "1403-2"),  # Persian digits, as the form's hint shows
        ("١٤٠٣-٢", "1403-2"),  # Arabic-Indic digits
        ("1403-2", "1403-2"),
        ("۱۴۰۳–۲", "1403-2"),  # an en dash from a word processor
        ("\u200f۱۴۰۳\u2011۲ ", "1403-2"),  # a bidi mark, a non-breaking hyphen, a space
        ("IR/UNI/۱۰۰۱", "IR/UNI/1001"),  # letters stay, digits change
        ("۱٫۵", "1.5"),  # the Arabic decimal separator
        ("۱٬۲۳۴", "1234"),  # the Arabic thousands separator
    ],
)
def test_digits_of_every_keyboard_are_read_as_latin(typed: str, read: str) -> None:
    assert fold_input(typed) == read
    assert fold_input(fold_input(typed)) == read  # idempotent


def test_the_annotated_types_parse_persian_digits() -> None:
    assert TypeAdapter(DigitsStr).validate_python("۱۴۰۳-۱") == "1403-1"
    assert TypeAdapter(DigitsInt).validate_python("۴۲") == 42
    assert TypeAdapter(DigitsInt).validate_python(42) == 42  # JSON numbers untouched
    assert TypeAdapter(DigitsFloat).validate_python("۲٫۵") == 2.5
    assert TypeAdapter(DigitsDate).validate_python("۲۰۲۵-۰۳-۲۱") == date(2025, 3, 21)


def test_what_is_not_a_number_is_still_refused() -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(DigitsInt).validate_python("۴۲الف")
