"""Persian text normalisation: known vectors and properties."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from dargah.persian import ZWNJ, match_key, normalize, to_ascii_digits, to_persian_digits

# Characters the normaliser has opinions about, mixed into random text so that
# hypothesis exercises them far more often than uniform sampling would.
_INTERESTING = (
    "يىكئیکۀةآأإٱؤءهە"  # letters and their variants
    "\u0640"  # tatweel
    "\u064b\u064e\u0650\u0651\u0652\u0653\u0654\u0655\u0670"  # diacritics, madda, hamza
    "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩0123456789１𝟏"  # digits (fullwidth, astral)
    "\u200c\u200d\u200b\ufeff\xac\u2060\xad"  # joiners and invisibles
    " \t\n\xa0\u202f\u2009\u3000"  # whitespace
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # bidi
    "\ufeb3\ufefc\ufbfc\ufb8e\ufdf2\ufe70\ufc5e"  # presentation forms
    "،؛؟«»٫٬.,-!?"  # punctuation
    "\x00\x1b\x7f"  # controls
    "aZß"
)
persian_text = st.text(
    alphabet=st.one_of(st.sampled_from(_INTERESTING), st.characters()),
    max_size=40,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Arabic yeh and alef maksura → Persian yeh; Arabic kaf → keheh.
        ("دانشجويان", "دانشجویان"),
        ("موسى", "موسی"),
        ("كتاب", "کتاب"),
        # ئ is a Persian letter of its own: kept in storage.
        ("مسئول", "مسئول"),
        # ۀ and ة are kept in storage.
        ("خانۀ", "خانۀ"),
        ("دائرة", "دائرة"),
        # Digits → ASCII.
        ("۱۴۰۲", "1402"),
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("１２", "12"),
        ("𝟏𝟐", "12"),
        # Tatweel and diacritics go.
        ("تهـــران", "تهران"),
        ("عَلِيّ", "علی"),
        ("رحمٰن", "رحمن"),
        # Combining madda / hamza are composed, not dropped.
        ("\u0627\u0653ب", "آب"),
        ("خانه\u0654 من", "خانۀ من"),
        ("مسا\u0654له", "مسأله"),
        ("مسی\u0654ول", "مسئول"),
        # ZWNJ: kept inside words, runs collapsed, dropped next to spaces and at the ends.
        ("کتاب\u200cها", "کتاب\u200cها"),
        ("کتاب\u200c\u200c\u200cها", "کتاب\u200cها"),
        ("دانشگاه\u200c تهران", "دانشگاه تهران"),
        ("دانشگاه \u200cتهران", "دانشگاه تهران"),
        ("\u200cسلام\u200c", "سلام"),
        ("\u200c", ""),
        # ¬ typed for ZWNJ after a Persian letter; left alone elsewhere.
        ("می¬خواهم", "می\u200cخواهم"),
        ("a ¬b", "a ¬b"),
        ("¬p", "¬p"),
        # Other joiners and invisibles are dropped.
        ("می\u200dخواهم", "میخواهم"),
        ("می\u200bخواهم", "میخواهم"),
        ("\ufeffسلام", "سلام"),
        ("نرم\xadافزار", "نرمافزار"),
        # Whitespace of every kind collapses; result is stripped.
        ("  علی \xa0\u202f\u2009 رضایی\n\t", "علی رضایی"),
        ("a\u3000b", "a b"),
        # Bidi controls go.
        ("\u202bتست\u202c\u200f", "تست"),
        ("\u2067۱۴۰۲\u2069", "1402"),
        # Controls go (PostgreSQL refuses NUL).
        ("x\x00y\x1b\x7f", "xy"),
        # Presentation forms are unfolded; NFKC touches nothing else.
        ("\ufeb3\ufefc\ufee1", "سلام"),
        ("\ufbfc\ufb8e", "یک"),
        ("\ufdf2", "الله"),
        ("\ufeb3\ufefc\ufee1 x² ﬁ", "سلام x² ﬁ"),
        ("x² ﬁ", "x² ﬁ"),
        # Plain text is untouched.
        ("Hello, World!", "Hello, World!"),
        ("", ""),
    ],
)
def test_normalize_vectors(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("دانشگاه\u200cها", "دانشگاه ها"),
        ("دانشگاه ها", "دانشگاهها"),
        ("دانشجويان", "دانشجویان"),
        ("دانشگاه تهران", "دانشگاه\u200c تهران "),
        ("آب", "اب"),
        ("أحمد", "احمد"),
        ("إسلام", "اسلام"),
        ("ٱلله", "الله"),
        ("دائرة", "دائره"),
        ("خانۀ من", "خانه من"),
        ("خانه\u0654 من", "خانه من"),
        ("مؤسسه", "موسسه"),
        ("مسئول", "مسیول"),
        ("جزء", "جز"),
        ("علی، رضا؛ «تست»؟", "علی رضا تست"),
        ("C.E.O.", "ceo"),
        ("Straße", "STRASSE"),
        ("۱۴۰۲/۰۷/۱۵", "14020715"),
        ("كتاب", "کتاب"),
    ],
)
def test_match_key_equal(a: str, b: str) -> None:
    assert match_key(a) == match_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("دانشگاه تهران", "دانشگاه شیراز"),
        ("کتاب", "کباب"),
        ("1402", "1403"),
    ],
)
def test_match_key_different(a: str, b: str) -> None:
    assert match_key(a) != match_key(b)


def test_match_key_exact_value() -> None:
    assert match_key(" دانشگاه‌هاي «آزاد» ") == "دانشگاههایازاد"


def test_digit_helpers() -> None:
    assert to_ascii_digits("کد ۰۰۷۶ و ٢٣ و １ و 𝟗") == "کد 0076 و 23 و 1 و 9"
    assert to_ascii_digits("abc") == "abc"
    assert to_persian_digits("1402/07/15") == "۱۴۰۲/۰۷/۱۵"
    assert to_persian_digits("٢٣ و ۴") == "۲۳ و ۴"
    assert to_persian_digits("بدون رقم") == "بدون رقم"


@given(persian_text)
@example("ب\u200c¬")
@example("ب \u200c¬")
@example("\u0627\u064e\u0654")
@example("\ufe70\u0654")
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(persian_text)
def test_match_key_ignores_normalisation(text: str) -> None:
    assert match_key(normalize(text)) == match_key(text)


@given(persian_text)
@example("\ufdfd \ufdfc")
def test_normalize_output_is_clean(text: str) -> None:
    out = normalize(text)
    for forbidden in "\u064a\u0649\u0643\u0640\u200d\u200b\ufeff\u200e\u200f\x00":
        assert forbidden not in out
    assert not any(ch.isdecimal() and not ch.isascii() for ch in out)
    assert not any("\u064b" <= ch <= "\u0655" for ch in out)
    # Presentation forms are unfolded (the few without a decomposition, like ﷽, stay).
    assert not any(
        ("\ufb50" <= ch <= "\ufdff" or "\ufe70" <= ch <= "\ufefe")
        and unicodedata.normalize("NFKC", ch) != ch
        for ch in out
    )
    # Whitespace is single spaces only, never at the ends.
    assert out == out.strip()
    assert "  " not in out
    assert all(ch == " " or not ch.isspace() for ch in out)
    # ZWNJ only inside words.
    assert not out.startswith(ZWNJ)
    assert not out.endswith(ZWNJ)
    assert ZWNJ * 2 not in out
    assert f" {ZWNJ}" not in out
    assert f"{ZWNJ} " not in out


@given(persian_text)
def test_match_key_has_no_separators(text: str) -> None:
    key = match_key(text)
    assert " " not in key
    assert ZWNJ not in key
    assert not any(ch in key for ch in "،؛؟«».,!?-آأإةۀؤئء")


@given(st.text(alphabet="0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", max_size=20))
def test_digit_round_trip(digits: str) -> None:
    ascii_form = to_ascii_digits(digits)
    assert ascii_form.isascii()
    assert ascii_form.isdigit() or ascii_form == ""
    assert to_ascii_digits(to_persian_digits(digits)) == ascii_form
    assert all("۰" <= ch <= "۹" for ch in to_persian_digits(digits))


def test_whitespace_set_is_complete() -> None:
    # The identifier and phone cleaners rely on this hard-coded set.
    from dargah.persian._chars import WHITESPACE

    assert set(WHITESPACE) == {cp for cp in range(0x10000) if chr(cp).isspace()}
