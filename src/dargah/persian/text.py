"""Persian text normalisation: one storage form, one looser key for matching.

``normalize`` gives the form we store and display: it removes what is invisible or
accidental (Arabic code points typed on Arabic keyboards, tatweel, diacritics, bidi
controls, stray joiners, odd spaces) and keeps what is meaningful Persian spelling
(ZWNJ inside words, ۀ, ئ, أ, ؤ, ة). ``match_key`` is deliberately lossy and is only
for comparing and searching, never for showing.

Both are built on ``str.translate`` tables computed once at import; the rare inputs
that need context (presentation forms, combining hamza, ``¬``, characters beyond the
BMP) take a slower path guarded by a single regex search.
"""

from __future__ import annotations

import re
import string
import unicodedata
from typing import Final

from dargah.persian._chars import BIDI_CONTROLS

__all__ = [
    "PERSIAN_DIGITS",
    "ZWNJ",
    "match_key",
    "normalize",
    "to_ascii_digits",
    "to_persian_digits",
]

ZWNJ: Final = "\u200c"
"""ZERO WIDTH NON-JOINER (نیم‌فاصله), the only joiner control kept in stored text."""

PERSIAN_DIGITS: Final = "۰۱۲۳۴۵۶۷۸۹"

_Table = dict[int, str | None]
_ListTable = list[int | str | None]

# ``str.translate`` with a list indexed by code point is about twice as fast as with a
# dict (no hashing); code points beyond the list (astral) raise IndexError, which
# translate treats as "unchanged". The identity list is built once and copied, so the
# int objects are shared and each extra table costs only its pointer array (~0.5 MB).
_IDENTITY: Final[_ListTable] = list(range(0x10000))


def _list_table(mapping: _Table) -> _ListTable:
    table = _IDENTITY.copy()
    for cp, replacement in mapping.items():
        table[cp] = replacement
    return table


def _scan_bmp() -> tuple[_Table, list[int]]:
    # One pass over the BMP (a few ms at import) collects:
    # - every non-ASCII decimal digit (Persian ۰-۹, Arabic-Indic ٠-٩ and the rest of
    #   Unicode's Nd, e.g. fullwidth) mapped to its ASCII digit, because identifiers
    #   and dates arrive typed on all sorts of keyboards (astral digits take the slow
    #   path);
    # - every punctuation character (categories P*), for match_key.
    digits: _Table = {}
    punctuation: list[int] = []
    for cp in range(0x80, 0x10000):
        ch = chr(cp)
        category = unicodedata.category(ch)
        if category == "Nd":
            digits[cp] = str(unicodedata.decimal(ch))
        elif category[0] == "P":
            punctuation.append(cp)
    return digits, punctuation


_DIGITS, _UNICODE_PUNCTUATION = _scan_bmp()
_DIGIT_TABLE: Final = _list_table(_DIGITS)

# Arabic combining marks removed from stored text: harakat and sukun (064B-0652),
# maddah/hamza above/below (0653-0655, composed first, see _COMPOSE), the other
# 0656-065F marks, superscript alef (0670), honorifics (0610-061A) and Quranic
# annotation marks (06D6-06ED, non-spacing ones only). Persian is written without them
# in administrative text, and they make equal names compare unequal.
_ARABIC_MARKS: Final = [
    *range(0x0610, 0x061B),
    *range(0x064B, 0x0660),
    0x0670,
    *range(0x06D6, 0x06DD),
    *range(0x06DF, 0x06E5),
    0x06E7,
    0x06E8,
    *range(0x06EA, 0x06EE),
]

# Invisible characters that are dropped (ZWNJ is the one joiner kept):
# - U+200D ZWJ forces joining, which Persian letters do by default, so dropping it keeps
#   the look of the word; turning it into ZWNJ would invert its meaning. (It also
#   splits emoji ZWJ sequences into their parts, acceptable for administrative text.)
# - U+200B ZWSP and U+FEFF (BOM / old ZWNBSP) are transparent to cursive joining
#   (Unicode joining type T, unlike ZWNJ), so what the writer saw was a joined word;
#   turning them into ZWNJ would change how the word looks.
# - U+2060 word joiner, U+00AD soft hyphen, U+180E Mongolian vowel separator: invisible.
_INVISIBLE: Final = [0x200B, 0x200D, 0xFEFF, 0x2060, 0x00AD, 0x180E]

# C0/C1 control characters other than whitespace (which ``str.split`` handles) are
# dropped: PostgreSQL refuses NUL in text and the rest are never intended.
_CONTROLS: Final = [cp for cp in (*range(0x00, 0x20), *range(0x7F, 0xA0)) if not chr(cp).isspace()]

_NORMALIZE_MAP: Final[_Table] = {
    **_DIGITS,
    # Arabic yeh and alef maksura (what Arabic keyboards and old Windows-1256 data
    # produce) become Persian yeh; the Arabic kaf becomes keheh. ئ (0626) is a letter
    # of its own in Persian spelling and is kept here (match_key folds it).
    0x064A: "\u06cc",
    0x0649: "\u06cc",
    0x0643: "\u06a9",
    # Tatweel (kashida) is pure justification.
    0x0640: None,
    **dict.fromkeys(_ARABIC_MARKS),
    # Bidi controls are presentation, not content, and they break equality.
    **dict.fromkeys(BIDI_CONTROLS),
    **dict.fromkeys(_INVISIBLE),
    **dict.fromkeys(_CONTROLS),
}
_NORMALIZE_TABLE: Final = _list_table(_NORMALIZE_MAP)

# A base letter followed by a combining maddah / hamza is composed into the precomposed
# letter before the marks are stripped, otherwise "ا + ٓ" would lose its madda and the
# ezafe "ه + ٔ" typed on the standard Persian keyboard would lose its hamza. NFC alone
# is not enough: it composes neither ه+ٔ nor ی+ٔ (ۀ decomposes to U+06D5, not U+0647).
_COMPOSE: Final = {
    "\u0627\u0653": "\u0622",  # ا + maddah → آ
    "\u0627\u0654": "\u0623",  # ا + hamza above → أ
    "\u0627\u0655": "\u0625",  # ا + hamza below → إ
    "\u0648\u0654": "\u0624",  # و + hamza → ؤ
    "\u064a\u0654": "\u0626",  # ي + hamza → ئ
    "\u06cc\u0654": "\u0626",  # ی + hamza → ئ
    "\u0647\u0654": "\u06c0",  # ه + hamza → ۀ
    "\u06d5\u0654": "\u06c0",  # ە + hamza → ۀ (canonical decomposition of ۀ)
}
_COMPOSE_RE: Final = re.compile("|".join(_COMPOSE))

# Arabic presentation forms (FB50-FDFF, FE70-FEFE) come from PDFs and legacy systems.
# NFKC maps them back to ordinary letters, but applied to the whole string it would
# also rewrite unrelated text (², ﬁ, fullwidth Latin, ...), so it is applied to these
# characters one at a time.
_PRESENTATION_RE: Final = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]")
_ASTRAL_RE: Final = re.compile("[\U00010000-\U0010ffff]")
# One search decides whether the slow path is needed at all.
_SLOW_PATH_RE: Final = re.compile("[\u0653-\u0655\ufb50-\ufdff\ufe70-\ufefe\U00010000-\U0010ffff]")

# Some keyboard layouts (and fonts that draw the key label) produce ¬ (U+00AC) where a
# ZWNJ was meant. It is only taken as a ZWNJ right after an Arabic-script letter, so a
# logical "not" in Latin text is left alone.
_NOT_SIGN_AS_ZWNJ_RE: Final = re.compile(
    "(?<=[\u0620-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff\u0750-\u077f])\xac+"
)
_ZWNJ_RUN_RE: Final = re.compile(ZWNJ + "{2,}")


def _nfkc_match(m: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", m.group())


def _compose_match(m: re.Match[str]) -> str:
    return _COMPOSE[m.group()]


def _astral_digit_match(m: re.Match[str]) -> str:
    ch = m.group()
    return str(unicodedata.decimal(ch)) if ch.isdecimal() else ch


def _slow_prepass(text: str) -> str:
    text = _PRESENTATION_RE.sub(_nfkc_match, text)
    text = _COMPOSE_RE.sub(_compose_match, text)
    return _ASTRAL_RE.sub(_astral_digit_match, text)


def normalize(text: str) -> str:
    """Return the storage and display form of Persian ``text``.

    Arabic yeh/alef maksura → ی and kaf → ک; Persian, Arabic-Indic and other Unicode
    digits → ASCII; tatweel, Arabic diacritics, bidi controls, control characters and
    invisible characters removed; presentation forms unfolded; combining madda/hamza
    composed; ZWNJ kept inside words only (collapsed, never next to a space or at the
    ends); every run of whitespace (NBSP, thin space, newlines, ...) becomes one space
    and the result is stripped. Idempotent. Meant for single-line fields: newlines are
    folded too.
    """
    if _SLOW_PATH_RE.search(text) is not None:
        text = _slow_prepass(text)
    text = text.translate(_NORMALIZE_TABLE)
    if "\xac" in text:
        text = _NOT_SIGN_AS_ZWNJ_RE.sub(ZWNJ, text)
    if ZWNJ not in text:
        return " ".join(text.split())
    text = _ZWNJ_RUN_RE.sub(ZWNJ, text)
    # Splitting on whitespace makes "next to a space" and "at the ends" the same case:
    # a ZWNJ at either end of a word. A word made only of ZWNJs disappears.
    words = (word.strip(ZWNJ) for word in text.split())
    return " ".join(word for word in words if word)


_MATCH_KEY_MAP: Final[_Table] = {
    # Spaces and ZWNJ vanish so that "دانشگاه‌ها", "دانشگاه ها" and "دانشگاهها" agree;
    # after normalize() the only whitespace left is U+0020.
    0x0020: None,
    0x200C: None,
    # Punctuation vanishes too (it separates like a space, and spaces vanish): ASCII
    # punctuation and symbols (string.punctuation has + = | $ ...) and all Unicode
    # punctuation of the BMP (Persian ، ؛ ؟ « » ٫ ٬ ٪, dashes, quotes).
    **dict.fromkeys(map(ord, string.punctuation)),
    **dict.fromkeys(_UNICODE_PUNCTUATION),
    # Alef variants → ا.
    0x0622: "\u0627",  # آ
    0x0623: "\u0627",  # أ
    0x0625: "\u0627",  # إ
    0x0671: "\u0627",  # ٱ
    # Heh variants → ه: ة (Arabic ta marbuta), ۀ and ۂ (ezafe), ە, ہ, ھ (Kurdish/Urdu).
    0x0629: "\u0647",
    0x06C0: "\u0647",
    0x06C2: "\u0647",
    0x06D5: "\u0647",
    0x06C1: "\u0647",
    0x06BE: "\u0647",
    # Hamza carriers → bare letter; lone hamza (ء, high hamza ٴ) dropped.
    0x0624: "\u0648",  # ؤ → و
    0x0626: "\u06cc",  # ئ → ی
    0x0621: None,
    0x0674: None,
}
_MATCH_KEY_TABLE: Final = _list_table(_MATCH_KEY_MAP)


def match_key(text: str) -> str:
    """Return a lossy key for comparing and searching Persian ``text``; never display it.

    ``normalize`` then ``casefold``, then spaces, ZWNJ, punctuation and lone hamza are
    removed and letter variants folded (آ/أ/إ/ٱ → ا, ة/ۀ → ه, ؤ → و, ئ → ی). So
    ``match_key("دانشگاه‌ تهران ") == match_key("دانشگاه تهران")`` and
    ``match_key("دانشجويان") == match_key("دانشجویان")``.
    """
    return normalize(text).casefold().translate(_MATCH_KEY_TABLE)


_PERSIAN_DIGIT_TABLE: Final = str.maketrans("0123456789", PERSIAN_DIGITS)


def to_ascii_digits(text: str) -> str:
    """Replace Persian, Arabic-Indic and any other Unicode decimal digits with 0-9.

    Nothing else in ``text`` changes.
    """
    text = text.translate(_DIGIT_TABLE)
    if not text.isascii():
        text = _ASTRAL_RE.sub(_astral_digit_match, text)
    return text


def to_persian_digits(text: str) -> str:
    """Replace every decimal digit with its Persian form (۰-۹), for display only.

    Never store the result: stored text and identifiers use ASCII digits.
    """
    return to_ascii_digits(text).translate(_PERSIAN_DIGIT_TABLE)
