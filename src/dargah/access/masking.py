"""Masking personal values: recognisable to the person who knows them, useless to others.

A consumer whose grant does not allow personal data still sees that a value exists and
can tell two records apart by eye in most cases, but cannot learn who is who:

- identifiers (national id, mobile, postal code, Sheba, student number …) keep their
  last four characters: ``******1234``;
- e-mail keeps its first letter and its domain: ``a…@ut.ac.ir``;
- names and other text keep their first letter: ``م…``;
- dates keep only the Jalali year: ``1378/**/**``;
- numbers and yes/no values are withheld (``***``): a single digit of a grade or an
  amount is already a disclosure.

Masked values are always text, whatever the field's type. Pure functions.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from dargah.catalogue.schema import DargahType
from dargah.persian import jalali_year_of

WITHHELD: Final = "***"
_KEEP_TAIL: Final = 4
_TAIL_TYPES: Final = frozenset(
    {
        DargahType.IDENTIFIER,
        DargahType.NATIONAL_ID,
        DargahType.LEGAL_ENTITY_ID,
        DargahType.POSTAL_CODE,
        DargahType.MOBILE,
        DargahType.IBAN,
        DargahType.CODE,
        DargahType.ACADEMIC_TERM,
        DargahType.URL,
    }
)
_TEXT_TYPES: Final = frozenset({DargahType.TEXT, DargahType.PERSIAN_TEXT})
_DATE_TYPES: Final = frozenset({DargahType.JALALI_DATE, DargahType.DATE})


def mask_tail(text: str) -> str:
    """All but the last four characters replaced by ``*`` (short values wholly)."""
    if len(text) <= _KEEP_TAIL:
        return "*" * len(text)
    return "*" * (len(text) - _KEEP_TAIL) + text[-_KEEP_TAIL:]


def mask_text(text: str) -> str:
    """The first letter and an ellipsis: ``محمد رضایی`` → ``م…``."""
    stripped = text.strip()
    return f"{stripped[0]}…" if stripped else ""


def mask_email(text: str) -> str:
    """First letter of the mailbox and the domain: ``ali@ut.ac.ir`` → ``a…@ut.ac.ir``."""
    local, at, domain = text.partition("@")
    if not at:
        return mask_text(text)
    return f"{mask_text(local)}@{domain}"


def mask_date(value: date | str) -> str:
    """Only the Jalali year: ``1378/**/**``."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{jalali_year_of(day)}/**/**"


def mask_value(kind: DargahType, value: object) -> str | None:
    """The masked form of one value of a field of type ``kind`` (``None`` stays ``None``)."""
    if value is None:
        return None
    if kind in _TAIL_TYPES:
        return mask_tail(str(value))
    if kind is DargahType.EMAIL:
        return mask_email(str(value))
    if kind in _TEXT_TYPES:
        return mask_text(str(value))
    if kind in _DATE_TYPES and isinstance(value, date | str):
        return mask_date(value)
    return WITHHELD
