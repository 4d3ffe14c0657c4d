"""The Persian toolkit: text normalisation, Jalali dates, Iranian identifiers, mobiles.

Everything here is pure (no I/O, no database) and safe to use from any layer.
"""

from __future__ import annotations

from dargah.persian.dates import (
    TEHRAN,
    format_jalali,
    jalali_month_name,
    jalali_year_of,
    parse_jalali_date,
)
from dargah.persian.errors import InvalidIdentifier, InvalidJalaliDate, PersianValueError
from dargah.persian.identifiers import (
    is_valid_national_id,
    legal_entity_check_digit,
    national_id_check_digit,
    sheba_bank_code,
    validate_iban,
    validate_legal_entity_id,
    validate_national_id,
    validate_postal_code,
)
from dargah.persian.phones import format_mobile_local, validate_mobile
from dargah.persian.text import (
    PERSIAN_DIGITS,
    ZWNJ,
    match_key,
    normalize,
    to_ascii_digits,
    to_persian_digits,
)

__all__ = [
    "PERSIAN_DIGITS",
    "TEHRAN",
    "ZWNJ",
    "InvalidIdentifier",
    "InvalidJalaliDate",
    "PersianValueError",
    "format_jalali",
    "format_mobile_local",
    "is_valid_national_id",
    "jalali_month_name",
    "jalali_year_of",
    "legal_entity_check_digit",
    "match_key",
    "national_id_check_digit",
    "normalize",
    "parse_jalali_date",
    "sheba_bank_code",
    "to_ascii_digits",
    "to_persian_digits",
    "validate_iban",
    "validate_legal_entity_id",
    "validate_mobile",
    "validate_national_id",
    "validate_postal_code",
]
