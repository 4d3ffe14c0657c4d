"""What a person types, made readable by the code: one place folds Persian digits.

A clerk types «۱۴۰۳-۲» on a Persian keyboard, «١٤٠٣-٢» on an Arabic one and
``1403-2`` on a Latin one; they mean the same period. Every identifier, period, code,
date and number accepted from outside (HTTP bodies and query strings, portal forms, CLI
options) passes through ``fold_digits`` before it is parsed, so Latin-only parsers
(regexes, ``int``, ISO dates) see Latin digits.

Use the ``Annotated`` types in request schemas — ``DigitsStr``, ``DigitsInt``,
``DigitsDate``, ``DigitsDatetime`` — or ``digits_folded`` to fold another type. The
marker ``FOLDS_DIGITS`` is how the schema walk in the tests recognises a field that
is covered. Free prose (names, purposes) is already folded by ``normalize``; secrets
(passwords, keys) are never folded: they are compared exactly.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Final

from pydantic import BeforeValidator

from dargah.persian.text import to_ascii_digits

__all__ = [
    "FOLDS_DIGITS",
    "DigitsDate",
    "DigitsDatetime",
    "DigitsFloat",
    "DigitsInt",
    "DigitsStr",
    "digits_folded",
    "fold_digits",
    "fold_input",
]

# Dashes people type between year and term: hyphen-minus is what the parsers expect;
# the Unicode hyphens, en/em dashes, minus sign, small and fullwidth hyphen-minus and
# the Arabic tatweel-like dash variants are what keyboards and word processors produce.
_DASHES_RE: Final = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
# Bidi marks that Persian keyboards and copy-paste from RTL text put around digits.
_BIDI_RE: Final = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
# The Arabic decimal separator (٫) and thousands separator (٬), and the Persian comma.
_ARABIC_DECIMAL: Final = "\u066b"
_ARABIC_THOUSANDS: Final = "\u066c"


def fold_input(text: str) -> str:
    """``text`` with Latin digits, plain hyphens, no bidi marks and no outer spaces.

    Persian (۰-۹), Arabic-Indic (٠-٩) and other Unicode decimal digits become ASCII;
    Unicode dashes become ``-``; the Arabic decimal separator ``٫`` becomes ``.`` and the
    thousands separator ``٬`` is dropped. Letters are left alone, so a code like
    ``IR/UNI/۱۰۰۱`` keeps its letters and only its digits change. Idempotent.
    """
    text = _BIDI_RE.sub("", to_ascii_digits(text))
    text = _DASHES_RE.sub("-", text)
    if _ARABIC_DECIMAL in text or _ARABIC_THOUSANDS in text:
        text = text.replace(_ARABIC_DECIMAL, ".").replace(_ARABIC_THOUSANDS, "")
    return text.strip()


def fold_digits(value: Any) -> Any:
    """``fold_input`` for text, anything else unchanged (a pydantic before-validator).

    Non-text values (JSON numbers, ``None``, lists) pass through untouched so the
    field's own type reports them; only strings are folded.
    """
    return fold_input(value) if isinstance(value, str) else value


FOLDS_DIGITS: Final = BeforeValidator(fold_digits)
"""The validator that marks (and makes) a field accept Persian and Arabic-Indic digits."""

DigitsStr = Annotated[str, FOLDS_DIGITS]
"""An identifier, period or code typed by a person: digits folded to Latin."""
DigitsInt = Annotated[int, FOLDS_DIGITS]
"""A whole number typed by a person: «۱۲» is 12."""
DigitsFloat = Annotated[float, FOLDS_DIGITS]
"""A number typed by a person: «۱٫۵» is 1.5."""
DigitsDate = Annotated[date, FOLDS_DIGITS]
"""An ISO date typed by a person: «۲۰۲۵-۰۳-۲۱»."""
DigitsDatetime = Annotated[datetime, FOLDS_DIGITS]
"""An ISO date and time typed by a person."""


def digits_folded(kind: Any) -> Any:
    """``Annotated[kind, FOLDS_DIGITS]`` for a type the aliases above do not cover."""
    return Annotated[kind, FOLDS_DIGITS]
