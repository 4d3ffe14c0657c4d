"""Iranian mobile numbers via libphonenumber."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dargah.persian import (
    InvalidIdentifier,
    format_mobile_local,
    to_persian_digits,
    validate_mobile,
)


@pytest.mark.parametrize(
    "value",
    [
        "09121234567",
        "9121234567",
        "+989121234567",
        "+98 912 123 4567",
        "0098 912 123 4567",
        "00989121234567",
        "989121234567",
        "0912-123-4567",
        "(0912) 123 4567",
        "0912.123.4567",
        "+98 (0) 912 123 4567",
        "۰۹۱۲۱۲۳۴۵۶۷",
        "٠٩١٢١٢٣٤٥٦٧",
        "+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷",
        "\u200e+98 912 123 4567\u200f",
        " 09121234567\xa0",
    ],
)
def test_mobile_accepted_forms(value: str) -> None:
    assert validate_mobile(value) == "+989121234567"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("09351234567", "+989351234567"),  # Irancell
        ("09191234567", "+989191234567"),  # MCI
        ("09901234567", "+989901234567"),
        ("09211234567", "+989211234567"),  # RighTel
    ],
)
def test_mobile_operators(value: str, expected: str) -> None:
    assert validate_mobile(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "02112345678",  # Tehran landline
        "+98 21 1234 5678",
        "03112345678",  # Isfahan landline
        "+14155552671",  # United States
        "+44 7911 123456",  # a British mobile
        "0912123456",  # one digit short
        "091212345678",  # one digit long
        "0912CALLME1",  # keypad letters are not digits here
        "09121234567 ext 12",
        "++989121234567",
        "0912+1234567",
        "12",
        "0" * 40,
    ],
)
def test_mobile_refused(value: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        validate_mobile(value)
    assert info.value.code == "mobile_invalid"
    assert "همراه" in info.value.message_fa


def test_mobile_rejects_non_str() -> None:
    with pytest.raises(TypeError):
        validate_mobile(9121234567)  # type: ignore[arg-type]


def test_format_mobile_local() -> None:
    assert format_mobile_local("+989121234567") == "09121234567"
    assert format_mobile_local("0098 935 123 4567") == "09351234567"
    with pytest.raises(InvalidIdentifier):
        format_mobile_local("+982112345678")


@given(
    st.sampled_from(["0912", "0919", "0935", "0936", "0901", "0990"]),
    st.text(alphabet="0123456789", min_size=7, max_size=7),
)
def test_mobile_round_trip(prefix: str, rest: str) -> None:
    local = prefix + rest
    e164 = validate_mobile(local)
    assert e164 == "+98" + local[1:]
    assert format_mobile_local(e164) == local
    assert validate_mobile(to_persian_digits(local)) == e164
    assert validate_mobile(e164) == e164
