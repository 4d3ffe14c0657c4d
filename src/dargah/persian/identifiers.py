"""Iranian identifiers: national id, legal-entity id, postal code and Sheba (IBAN).

Every ``validate_*`` function returns the canonical string (ASCII digits, no spaces)
or raises ``InvalidIdentifier`` with a stable ``code``. Input may use Persian or
Arabic-Indic digits and may contain spaces, dashes and stray bidi/zero-width marks
(copy-paste from RTL pages), which are removed first. Messages never repeat the value:
these are personal data and the messages end up in logs.
"""

from __future__ import annotations

from typing import Final

from dargah.persian._chars import BIDI_CONTROLS, DASHES, WHITESPACE, ZERO_WIDTH
from dargah.persian.errors import InvalidIdentifier
from dargah.persian.text import to_ascii_digits, to_persian_digits

__all__ = [
    "is_valid_national_id",
    "legal_entity_check_digit",
    "national_id_check_digit",
    "sheba_bank_code",
    "validate_iban",
    "validate_legal_entity_id",
    "validate_national_id",
    "validate_postal_code",
]

# Removed before validation: whitespace of every kind, hyphen/dash/minus variants,
# tatweel and soft hyphen (people group digits with them), bidi controls and
# zero-width characters (copy-paste from RTL pages).
_SEPARATORS: Final = dict.fromkeys(
    [*WHITESPACE, *DASHES, 0x0640, 0x00AD, *BIDI_CONTROLS, *ZERO_WIDTH]
)


def _fa(n: int) -> str:
    return to_persian_digits(str(n))


def _clean(value: str | int, what: str) -> str:
    """ASCII digits (and letters) of ``value`` with separators removed."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"{what} must be str or int, got {type(value).__name__}")
    if isinstance(value, int):
        # A negative int would otherwise lose its sign with the dashes below.
        return str(value) if value >= 0 else "-"
    return to_ascii_digits(value).translate(_SEPARATORS)


def _is_ascii_digits(s: str) -> bool:
    return s.isascii() and s.isdigit()


# --- national id (کد ملی) -------------------------------------------------------------


def national_id_check_digit(first9: str) -> int:
    """The check digit of a national id whose first nine digits are ``first9``.

    ``s = Σ d[i]·(10−i)`` for i = 0..8, ``r = s mod 11``; the check digit is ``r`` if
    ``r < 2`` else ``11 − r``. Useful to generate synthetic ids for tests and demos.
    """
    digits = to_ascii_digits(first9)
    if len(digits) != 9 or not _is_ascii_digits(digits):
        raise InvalidIdentifier(
            "national_id_length",
            "برای محاسبهٔ رقم کنترل، ۹ رقم اول کد ملی لازم است.",
            "The first nine digits of the national id are needed to compute its check digit.",
        )
    r = sum(int(c) * (10 - i) for i, c in enumerate(digits)) % 11
    return r if r < 2 else 11 - r


def validate_national_id(value: str | int) -> str:
    """Validate an Iranian national id (کد ملی) and return its 10 digits.

    8- and 9-digit values are left-padded with zeros first: spreadsheets drop the
    leading zeros of ids such as 0012345679. Ten equal digits (0000000000 …
    9999999999) are refused although they satisfy the checksum.
    Codes: ``national_id_format``, ``national_id_length``, ``national_id_repeated``,
    ``national_id_checksum``.
    """
    digits = _clean(value, "national id")
    if not digits:
        raise InvalidIdentifier(
            "national_id_length", "کد ملی وارد نشده است.", "The national id is empty."
        )
    if not _is_ascii_digits(digits):
        raise InvalidIdentifier(
            "national_id_format",
            "کد ملی فقط باید شامل رقم باشد.",
            "The national id must contain digits only.",
        )
    if not 8 <= len(digits) <= 10:
        raise InvalidIdentifier(
            "national_id_length",
            f"کد ملی باید ۱۰ رقم باشد؛ {_fa(len(digits))} رقم وارد شده است.",
            f"The national id must have 10 digits; {len(digits)} were given.",
        )
    digits = digits.zfill(10)
    if len(set(digits)) == 1:
        raise InvalidIdentifier(
            "national_id_repeated",
            "کد ملی نمی‌تواند از ده رقم یکسان تشکیل شده باشد.",
            "The national id cannot consist of ten identical digits.",
        )
    if national_id_check_digit(digits[:9]) != int(digits[9]):
        raise InvalidIdentifier(
            "national_id_checksum",
            "کد ملی معتبر نیست؛ رقم کنترل آن با بقیهٔ ارقام نمی‌خواند.",
            "The national id is not valid: its check digit does not match.",
        )
    return digits


def is_valid_national_id(value: str | int) -> bool:
    """True if ``validate_national_id(value)`` would succeed."""
    try:
        validate_national_id(value)
    except InvalidIdentifier:
        return False
    return True


# --- legal-entity national id (شناسه ملی اشخاص حقوقی) --------------------------------

_LEGAL_COEFFICIENTS: Final = (29, 27, 23, 19, 17, 29, 27, 23, 19, 17)


def legal_entity_check_digit(first10: str) -> int:
    """The check digit (11th) of a legal-entity id whose first ten digits are ``first10``.

    ``d = first10[9] + 2``; ``s = Σ (first10[i] + d)·coef[i]`` with coefficients
    29, 27, 23, 19, 17, 29, 27, 23, 19, 17; ``r = s mod 11``, and 10 becomes 0.
    """
    digits = to_ascii_digits(first10)
    if len(digits) != 10 or not _is_ascii_digits(digits):
        raise InvalidIdentifier(
            "legal_id_length",
            "برای محاسبهٔ رقم کنترل، ۱۰ رقم اول شناسهٔ ملی لازم است.",
            "The first ten digits of the legal-entity id are needed to compute its check digit.",
        )
    d = int(digits[9]) + 2
    r = sum((int(c) + d) * k for c, k in zip(digits, _LEGAL_COEFFICIENTS, strict=True)) % 11
    return 0 if r == 10 else r


def validate_legal_entity_id(value: str | int) -> str:
    """Validate an Iranian legal-entity national id (شناسه ملی) and return its 11 digits.

    Besides the check digit, ids whose serial part (digits 4-9) is all zeros are
    refused, as the published validators do: no such id is ever issued.
    Codes: ``legal_id_format``, ``legal_id_length``, ``legal_id_invalid``,
    ``legal_id_checksum``.
    """
    digits = _clean(value, "legal-entity id")
    if not digits:
        raise InvalidIdentifier(
            "legal_id_length", "شناسهٔ ملی وارد نشده است.", "The legal-entity id is empty."
        )
    if not _is_ascii_digits(digits):
        raise InvalidIdentifier(
            "legal_id_format",
            "شناسهٔ ملی فقط باید شامل رقم باشد.",
            "The legal-entity id must contain digits only.",
        )
    if len(digits) != 11:
        raise InvalidIdentifier(
            "legal_id_length",
            f"شناسهٔ ملی باید ۱۱ رقم باشد؛ {_fa(len(digits))} رقم وارد شده است.",
            f"The legal-entity id must have 11 digits; {len(digits)} were given.",
        )
    if digits[3:9] == "000000":
        raise InvalidIdentifier(
            "legal_id_invalid",
            "شناسهٔ ملی معتبر نیست.",
            "The legal-entity id is not valid.",
        )
    if legal_entity_check_digit(digits[:10]) != int(digits[10]):
        raise InvalidIdentifier(
            "legal_id_checksum",
            "شناسهٔ ملی معتبر نیست؛ رقم کنترل آن با بقیهٔ ارقام نمی‌خواند.",
            "The legal-entity id is not valid: its check digit does not match.",
        )
    return digits


# --- postal code (کد پستی) ----------------------------------------------------------


def validate_postal_code(value: str | int) -> str:
    """Validate an Iranian postal code and return its 10 digits.

    Rule applied: exactly 10 digits, not all the same digit, and none of the first
    five digits is 0 or 2 (so the first digit is never 0 and no padding is needed).
    This is the published structural rule; it does not prove the code is assigned.
    Code: ``postal_code_invalid``.
    """
    digits = _clean(value, "postal code")
    if not _is_ascii_digits(digits) or len(digits) != 10:
        raise InvalidIdentifier(
            "postal_code_invalid",
            "کد پستی باید ۱۰ رقم باشد.",
            "The postal code must have 10 digits.",
        )
    if len(set(digits)) == 1 or "0" in digits[:5] or "2" in digits[:5]:
        raise InvalidIdentifier(
            "postal_code_invalid",
            "کد پستی معتبر نیست؛ در پنج رقم اول آن ۰ و ۲ نمی‌آید.",
            "The postal code is not valid: its first five digits never contain 0 or 2.",
        )
    return digits


# --- Sheba / IBAN (شبا) -------------------------------------------------------------


def _iban_remainder(iban: str) -> int:
    # ISO 13616 / ISO 7064 mod 97-10: move the first four characters to the end,
    # letters become 10..35, and the number mod 97 must be 1.
    rearranged = iban[4:] + iban[:4]
    numeric = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(numeric) % 97


def validate_iban(value: str) -> str:
    """Validate an Iranian Sheba number and return it as ``IR`` + 24 digits.

    Accepts lower case, spaces and dashes, Persian digits, and the 24 digits alone
    (``IR`` is then added). Checks the ISO 13616 mod-97 checksum. Code: ``iban_invalid``.
    """
    if not isinstance(value, str):
        raise TypeError(f"Sheba must be str, got {type(value).__name__}")
    cleaned = _clean(value, "Sheba").upper()
    if len(cleaned) == 24 and _is_ascii_digits(cleaned):
        cleaned = "IR" + cleaned
    if not cleaned:
        raise InvalidIdentifier("iban_invalid", "شماره شبا وارد نشده است.", "The Sheba is empty.")
    if cleaned[:2].isascii() and cleaned[:2].isalpha() and cleaned[:2] != "IR":
        raise InvalidIdentifier(
            "iban_invalid",
            "فقط شماره شبای ایران (با IR) پذیرفته می‌شود.",
            "Only Iranian Sheba numbers (starting with IR) are accepted.",
        )
    if len(cleaned) != 26 or cleaned[:2] != "IR" or not _is_ascii_digits(cleaned[2:]):
        raise InvalidIdentifier(
            "iban_invalid",
            "شماره شبا باید IR و پس از آن ۲۴ رقم باشد.",
            "A Sheba number is IR followed by 24 digits.",
        )
    if _iban_remainder(cleaned) != 1:
        raise InvalidIdentifier(
            "iban_invalid",
            "شماره شبا معتبر نیست؛ ارقام کنترل آن نمی‌خواند.",
            "The Sheba number is not valid: its check digits do not match.",
        )
    return cleaned


def sheba_bank_code(iban: str) -> str:
    """The 3-digit bank code of a Sheba number (characters 5-7, after ``IR`` and the
    two check digits), e.g. ``"017"`` for Bank Melli. The Sheba is validated first.
    """
    return validate_iban(iban)[4:7]
