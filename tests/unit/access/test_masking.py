"""Masking keeps a recognisable, non-identifying form of each personal value."""

from __future__ import annotations

from datetime import date

from dargah.access.masking import WITHHELD, mask_value
from dargah.catalogue.schema import DargahType


def test_identifiers_keep_their_last_four_characters() -> None:
    assert mask_value(DargahType.NATIONAL_ID, "0012345679") == "******5679"
    assert mask_value(DargahType.MOBILE, "+989121234567") == "*********4567"
    assert mask_value(DargahType.IDENTIFIER, "123") == "***"


def test_names_keep_their_first_letter() -> None:
    assert mask_value(DargahType.PERSIAN_TEXT, "محمد رضایی") == "م…"
    assert mask_value(DargahType.TEXT, "  Ali ") == "A…"


def test_email_keeps_first_letter_and_domain() -> None:
    assert mask_value(DargahType.EMAIL, "ali@ut.ac.ir") == "a…@ut.ac.ir"


def test_dates_keep_only_the_jalali_year() -> None:
    assert mask_value(DargahType.JALALI_DATE, date(2000, 1, 1)) == "1378/**/**"
    assert mask_value(DargahType.DATE, "2000-01-01") == "1378/**/**"


def test_numbers_and_booleans_are_withheld_and_nulls_stay_null() -> None:
    assert mask_value(DargahType.NUMBER, 17.5) == WITHHELD
    assert mask_value(DargahType.BOOLEAN, True) == WITHHELD
    assert mask_value(DargahType.NATIONAL_ID, None) is None
