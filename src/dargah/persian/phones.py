"""Iranian mobile numbers, validated with Google's libphonenumber metadata.

Stored form is E.164 (``+989121234567``); ``format_mobile_local`` gives the
``09121234567`` form Iranians read and type.
"""

from __future__ import annotations

import re
from typing import Final

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from dargah.persian._chars import BIDI_CONTROLS, DASHES, WHITESPACE, ZERO_WIDTH
from dargah.persian.errors import InvalidIdentifier
from dargah.persian.text import to_ascii_digits

__all__ = ["format_mobile_local", "validate_mobile"]

# Spaces, dashes, dots, parentheses and invisible marks people and RTL pages put
# between digit groups.
_GROUPING: Final = dict.fromkeys(
    [*WHITESPACE, *DASHES, *map(ord, ".()"), *BIDI_CONTROLS, *ZERO_WIDTH]
)
# After grouping is removed only an optional leading + and digits may remain; this
# refuses letters, which libphonenumber would otherwise read as a keypad vanity number
# (0912CALLME1), and absurd lengths.
_SHAPE_RE: Final = re.compile(r"\+?[0-9]{7,17}")
_MOBILE_TYPES: Final = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


def _invalid() -> InvalidIdentifier:
    return InvalidIdentifier(
        "mobile_invalid",
        "شماره تلفن همراه معتبر نیست؛ آن را به شکل ۰۹۱۲۱۲۳۴۵۶۷ بنویسید.",
        "The mobile number is not valid; write it like 09121234567.",
    )


def validate_mobile(value: str) -> str:
    """Validate an Iranian mobile number and return it in E.164 (``+989121234567``).

    Accepts ``09121234567``, ``9121234567``, ``+98 912 123 4567``,
    ``0098 912 123 4567``, ``(0912) 123-4567``, Persian/Arabic-Indic digits. Refuses
    landlines, numbers of other countries and anything libphonenumber does not
    consider a valid IR number of type MOBILE (or FIXED_LINE_OR_MOBILE), with code
    ``mobile_invalid``.
    """
    if not isinstance(value, str):
        raise TypeError(f"mobile number must be str, got {type(value).__name__}")
    compact = to_ascii_digits(value).translate(_GROUPING)
    if _SHAPE_RE.fullmatch(compact) is None:
        raise _invalid()
    try:
        number = phonenumbers.parse(compact, "IR")
    except NumberParseException as exc:
        raise _invalid() from exc
    if (
        phonenumbers.region_code_for_number(number) != "IR"
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _MOBILE_TYPES
    ):
        raise _invalid()
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def format_mobile_local(e164: str) -> str:
    """The local form ``09121234567`` of an Iranian mobile number.

    Takes E.164 (or any form ``validate_mobile`` accepts, which it calls first).
    """
    canonical = validate_mobile(e164)
    # canonical is "+98" followed by the 10-digit national number.
    return "0" + canonical[3:]
