"""Iranian identifiers: national id, legal-entity id, postal code, Sheba."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dargah.persian import (
    InvalidIdentifier,
    PersianValueError,
    is_valid_national_id,
    legal_entity_check_digit,
    national_id_check_digit,
    sheba_bank_code,
    to_persian_digits,
    validate_iban,
    validate_legal_entity_id,
    validate_national_id,
    validate_postal_code,
)


def _code_of(func: Callable[[Any], object], value: object) -> str:
    with pytest.raises(InvalidIdentifier) as info:
        func(value)
    err = info.value
    # Every refusal carries a Persian and an English message.
    assert any("\u0600" <= ch <= "\u06ff" for ch in err.message_fa)
    assert err.message_en
    return err.code


# --- national id ----------------------------------------------------------------------


def _reference_r(first9: str) -> int:
    """s mod 11 of the national-id weighted sum, written independently of the module."""
    weights = [10, 9, 8, 7, 6, 5, 4, 3, 2]
    return sum(int(c) * w for c, w in zip(first9, weights, strict=True)) % 11


def test_national_id_check_digit_by_hand() -> None:
    # 007622964: 0·10 + 0·9 + 7·8 + 6·7 + 2·6 + 2·5 + 9·4 + 6·3 + 4·2
    #          = 0 + 0 + 56 + 42 + 12 + 10 + 36 + 18 + 8 = 182; 182 mod 11 = 6 → 11 − 6 = 5
    assert national_id_check_digit("007622964") == 5
    # 158325068: 10 + 45 + 64 + 21 + 12 + 25 + 0 + 18 + 16 = 211; 211 mod 11 = 2 → 9
    assert national_id_check_digit("158325068") == 9
    # 001153702: 0 + 0 + 8 + 7 + 30 + 15 + 28 + 0 + 4 = 92; 92 mod 11 = 4 → 7
    assert national_id_check_digit("001153702") == 7
    # 000000001: 2; 2 mod 11 = 2 → 9.   000000005: 10 → 1.   100000000: 10 → 1 (r=10!)
    assert national_id_check_digit("000000001") == 9
    assert national_id_check_digit("000000005") == 1
    assert national_id_check_digit("100000000") == 1
    # 000000000 and 200000000 (sum 20, r 9 → 2), r < 2 cases: 000000006 (12 → 1 → 1)
    assert national_id_check_digit("200000000") == 2
    assert national_id_check_digit("000000006") == 1
    assert national_id_check_digit("۰۰۷۶۲۲۹۶۴") == 5


@pytest.mark.parametrize("bad", ["", "12345678", "0076229645", "00762296a"])
def test_national_id_check_digit_needs_nine_digits(bad: str) -> None:
    with pytest.raises(InvalidIdentifier):
        national_id_check_digit(bad)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0076229645", "0076229645"),
        ("1583250689", "1583250689"),
        ("۰۰۷۶۲۲۹۶۴۵", "0076229645"),
        ("٠٠٧٦٢٢٩٦٤٥", "0076229645"),
        ("007-622964-5", "0076229645"),
        (" 007 622 964 5 ", "0076229645"),
        ("\u200e0076229645\u200f", "0076229645"),
        # Excel dropped the leading zeros.
        ("76229645", "0076229645"),
        ("11537027", "0011537027"),
        ("115370277", "0115370277"),
        (76229645, "0076229645"),
        (1583250689, "1583250689"),
    ],
)
def test_national_id_valid(value: str | int, expected: str) -> None:
    assert validate_national_id(value) == expected
    assert is_valid_national_id(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "national_id_length"),
        ("1234567", "national_id_length"),
        ("00762296450", "national_id_length"),
        (1234567, "national_id_length"),
        ("00762296a5", "national_id_format"),
        ("0076229645.0", "national_id_format"),
        (-76229645, "national_id_format"),
        ("0076229646", "national_id_checksum"),
        ("0076229654", "national_id_checksum"),
        ("00000000", "national_id_repeated"),
        *[(str(d) * 10, "national_id_repeated") for d in range(10)],
    ],
)
def test_national_id_refused(value: str | int, code: str) -> None:
    assert _code_of(validate_national_id, value) == code
    assert not is_valid_national_id(value)


def test_repeated_ids_really_pass_the_checksum() -> None:
    # Why the explicit rule exists: every ddddddddd d satisfies the mod-11 check.
    for d in "0123456789":
        assert national_id_check_digit(d * 9) == int(d)


@pytest.mark.parametrize("bad", [True, None, 76229645.0])
def test_national_id_wrong_type(bad: object) -> None:
    with pytest.raises(TypeError):
        validate_national_id(bad)  # type: ignore[arg-type]


nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9).filter(
    lambda s: len(set(s)) > 1
)


@given(nine_digits)
def test_national_id_generated_is_valid(first9: str) -> None:
    national_id = first9 + str(national_id_check_digit(first9))
    assert validate_national_id(national_id) == national_id
    assert validate_national_id(to_persian_digits(national_id)) == national_id


@given(nine_digits, st.integers(min_value=0, max_value=9), st.integers(1, 9))
def test_national_id_single_digit_change(first9: str, position: int, delta: int) -> None:
    national_id = first9 + str(national_id_check_digit(first9))
    digits = [int(c) for c in national_id]
    digits[position] = (digits[position] + delta) % 10
    mutated = "".join(map(str, digits))
    if position == 9:
        # The check digit itself changed: it can no longer match.
        assert not is_valid_national_id(mutated)
        return
    # Changing digit i by δ changes the sum by δ·(10−i); 11 is prime and neither factor
    # is a multiple of 11, so r always changes. But the map r → check digit (r if r < 2
    # else 11 − r) sends both r = 1 and r = 10 to 1, so the change goes undetected
    # exactly when {r, r'} = {1, 10}. That is all the checksum promises.
    r_before = _reference_r(national_id[:9])
    r_after = _reference_r(mutated[:9])
    assert r_before != r_after
    undetectable = {r_before, r_after} == {1, 10}
    expected_valid = undetectable and len(set(mutated)) > 1
    assert is_valid_national_id(mutated) == expected_valid


def test_national_id_undetected_change_exists() -> None:
    # A concrete case of the blind spot above. 000000006: sum 6·2 = 12, r = 1, check 1.
    original = "0000000061"
    assert _reference_r(original[:9]) == 1
    assert is_valid_national_id(original)
    # Adding δ = 2 to the first digit adds 2·10 = 20 ≡ 9 (mod 11): r becomes 10, whose
    # check digit is 11 − 10 = 1 again, so the typo goes unnoticed.
    mutated = "2000000061"
    assert _reference_r(mutated[:9]) == 10
    assert is_valid_national_id(mutated)


@given(st.text(alphabet="0123456789", min_size=7, max_size=7))
def test_national_id_padding(first7: str) -> None:
    # Ids starting with "00" survive losing one or both leading zeros.
    first9 = "00" + first7
    assume(len(set(first9)) > 1)
    national_id = first9 + str(national_id_check_digit(first9))
    assert validate_national_id(national_id[1:]) == national_id
    assert validate_national_id(national_id[2:]) == national_id
    number = int(national_id)
    if len(str(number)) >= 8:
        assert validate_national_id(number) == national_id


# --- legal-entity id ------------------------------------------------------------------


def test_legal_entity_known_valid() -> None:
    # 10380284790: d = 9 + 2 = 11;
    # (1+11)·29 + (0+11)·27 + (3+11)·23 + (8+11)·19 + (0+11)·17
    # + (2+11)·29 + (8+11)·27 + (4+11)·23 + (7+11)·19 + (9+11)·17
    # = 348 + 297 + 322 + 361 + 187 + 377 + 513 + 345 + 342 + 340 = 3432 = 11·312 → 0
    assert legal_entity_check_digit("1038028479") == 0
    assert validate_legal_entity_id("10380284790") == "10380284790"
    assert validate_legal_entity_id(10380284790) == "10380284790"
    assert validate_legal_entity_id("۱۰۳۸۰۲۸۴۷۹۰") == "10380284790"
    assert validate_legal_entity_id("1038-028-4790") == "10380284790"


def test_legal_entity_generated_by_hand() -> None:
    # 1410051234: d = 4 + 2 = 6;
    # 7·29 + 10·27 + 7·23 + 6·19 + 6·17 + 11·29 + 7·27 + 8·23 + 9·19 + 10·17
    # = 203 + 270 + 161 + 114 + 102 + 319 + 189 + 184 + 171 + 170 = 1883;
    # 1883 = 11·171 + 2 → check digit 2.
    assert legal_entity_check_digit("1410051234") == 2
    assert validate_legal_entity_id("14100512342") == "14100512342"
    # 1410051244: d = 6; the ninth term becomes (4+6)·19 = 190 → sum 1902;
    # 1902 = 11·172 + 10 → r = 10, which becomes check digit 0.
    assert legal_entity_check_digit("1410051244") == 0
    assert validate_legal_entity_id("14100512440") == "14100512440"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "legal_id_length"),
        ("1038028479", "legal_id_length"),
        ("103802847901", "legal_id_length"),
        ("1038028479x", "legal_id_format"),
        ("10380284791", "legal_id_checksum"),
        ("14100512341", "legal_id_checksum"),
        ("14100512441", "legal_id_checksum"),
        # Serial part (digits 4-9) all zero: never issued, refused before the checksum.
        ("10300000005", "legal_id_invalid"),
        ("00000000000", "legal_id_invalid"),
    ],
)
def test_legal_entity_refused(value: str, code: str) -> None:
    assert _code_of(validate_legal_entity_id, value) == code


@given(
    st.text(alphabet="0123456789", min_size=10, max_size=10).filter(lambda s: s[3:9] != "000000"),
    st.integers(1, 9),
)
def test_legal_entity_generated_and_check_mutation(first10: str, delta: int) -> None:
    check = legal_entity_check_digit(first10)
    assert 0 <= check <= 9
    assert validate_legal_entity_id(first10 + str(check)) == first10 + str(check)
    wrong = (check + delta) % 10
    assert _code_of(validate_legal_entity_id, first10 + str(wrong)) == "legal_id_checksum"


# --- postal code ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1193653471", "1193653471"),
        ("۱۱۹۳۶-۵۳۴۷۱", "1193653471"),
        ("11936 53471", "1193653471"),
        (1193653471, "1193653471"),
        ("9999999990", "9999999990"),
        ("1345678900", "1345678900"),  # 0 and 2 are fine after the fifth digit
        ("1345622222", "1345622222"),
    ],
)
def test_postal_code_valid(value: str | int, expected: str) -> None:
    assert validate_postal_code(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "119365347",  # 9 digits
        "11936534712",  # 11 digits
        "11936a5347",
        "0193653471",  # first digit 0
        "1203653471",  # 2 and 0 among the first five
        "1193253471",  # 2 at the fifth position
        "1193053471",  # 0 at the fifth position
        "1111111111",  # passes the 0/2 rule but is all one digit
        "9999999999",
        "0000000000",
    ],
)
def test_postal_code_refused(value: str) -> None:
    assert _code_of(validate_postal_code, value) == "postal_code_invalid"


# --- Sheba (IBAN) ---------------------------------------------------------------------


def _make_sheba(bban22: str) -> str:
    """Build a valid Iranian IBAN with the ISO 13616 recipe, independently of the module.

    Check digits = 98 − (int(BBAN + "IR" as 1827 + "00") mod 97), two digits.
    """
    assert len(bban22) == 22
    assert bban22.isdigit()
    remainder = int(bban22 + "1827" + "00") % 97
    return f"IR{98 - remainder:02d}{bban22}"


MELLI = _make_sheba("017" + "0000000123456789012")


def test_sheba_helper_matches_published_example() -> None:
    # The IBAN registry example for Iran; our helper must produce the same check digits.
    assert _make_sheba("0570029971601460641001") == "IR710570029971601460641001"


@pytest.mark.parametrize(
    "value",
    [
        "IR710570029971601460641001",
        "ir710570029971601460641001",
        "IR71 0570 0299 7160 1460 6410 01",
        "IR71-0570-0299-7160-1460-6410-01",
        "710570029971601460641001",
        "IR۷۱۰۵۷۰۰۲۹۹۷۱۶۰۱۴۶۰۶۴۱۰۰۱",
        "\u200eIR710570029971601460641001\u200f",
    ],
)
def test_iban_valid_forms(value: str) -> None:
    assert validate_iban(value) == "IR710570029971601460641001"
    assert sheba_bank_code(value) == "057"


def test_iban_generated_melli() -> None:
    assert validate_iban(MELLI) == MELLI
    assert validate_iban(MELLI[2:]) == MELLI
    assert sheba_bank_code(MELLI) == "017"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "IR",
        "IR71057002997160146064100",  # 23 digits
        "IR7105700299716014606410011",  # 25 digits
        "IR720570029971601460641001",  # check digits off by one
        "IR710570029971601460641002",  # last digit changed
        "IR170570029971601460641001",  # check digits transposed
        "DE89370400440532013000",  # a valid German IBAN
        "GB82WEST12345698765432",
        "IR71057002997160146064100A",
        "71057002997160146064100",  # 23 digits, no prefix
    ],
)
def test_iban_refused(value: str) -> None:
    assert _code_of(validate_iban, value) == "iban_invalid"
    with pytest.raises(InvalidIdentifier):
        sheba_bank_code(value)


@given(
    st.text(alphabet="0123456789", min_size=22, max_size=22),
    st.integers(min_value=2, max_value=25),
    st.integers(1, 9),
)
def test_iban_generated_and_single_digit_mutations(bban: str, position: int, delta: int) -> None:
    iban = _make_sheba(bban)
    assert validate_iban(iban) == iban
    assert sheba_bank_code(iban) == bban[:3]
    # mod 97 detects every single-digit substitution: 97 is prime and divides neither
    # the change (1..9) nor any power of ten.
    chars = list(iban)
    chars[position] = str((int(chars[position]) + delta) % 10)
    assert _code_of(validate_iban, "".join(chars)) == "iban_invalid"


# --- the error type -------------------------------------------------------------------


def test_invalid_identifier_shape() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        validate_national_id("123")
    err = info.value
    assert isinstance(err, PersianValueError)
    assert isinstance(err, ValueError)
    assert err.code == "national_id_length"
    assert err.message_fa == "کد ملی باید ۱۰ رقم باشد؛ ۳ رقم وارد شده است."
    assert err.message("fa") == err.message_fa
    assert err.message("en") == err.message_en
    assert str(err) == f"national_id_length: {err.message_en}"
    copy = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own object
    assert type(copy) is InvalidIdentifier
    assert (copy.code, copy.message_fa, copy.message_en) == (
        err.code,
        err.message_fa,
        err.message_en,
    )
