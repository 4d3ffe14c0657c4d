"""Persian alphabetical order, for lists a person reads.

Code-point order puts پ چ ژ گ ک ی after every Arabic letter (``پردیس`` after ``یزد``),
so sorting names by their text is wrong for a Persian reader. ``sort_key`` orders by the
Persian alphabet (آ ا ب پ ت ث ج چ ح خ د ذ ر ز ژ س ش ص ض ط ظ ع غ ف ق ک گ ل م ن و ه ی),
after normalising letter variants (ي/ك, hamza forms), with spaces before letters, the
half-space ignored, numbers of any script by their value (واحد ۲ before واحد ۱۰), and
Latin text after Persian.
"""

from __future__ import annotations

import re
from typing import Final

from dargah.persian.text import ZWNJ, normalize, to_ascii_digits

_ALPHABET: Final = "آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
_FOLD: Final = str.maketrans({"أ": "ا", "إ": "ا", "ٱ": "ا", "ؤ": "و", "ئ": "ی", "ة": "ه"})
_SPACE_RANK: Final = 1
_DIGIT_MARK: Final = 10
_LETTER_BASE: Final = 100
_OTHER_BASE: Final = 1_000
_RUNS: Final = re.compile(r"[0-9]+|\s+|[^0-9\s]+")
_RANKS: Final = {letter: _LETTER_BASE + index for index, letter in enumerate(_ALPHABET)}


def sort_key(text: str) -> tuple[int, ...]:
    """A key that sorts ``text`` in Persian alphabetical order (case-insensitive for Latin)."""
    folded = to_ascii_digits(normalize(text)).translate(_FOLD).replace(ZWNJ, "").casefold()
    key: list[int] = []
    for run in _RUNS.findall(folded):
        if run[0].isdigit():
            # A number sorts by its value: its length (without leading zeros), then digits.
            digits = run.lstrip("0") or "0"
            key.extend((_DIGIT_MARK, len(digits), *map(int, digits)))
        elif run.isspace():
            key.append(_SPACE_RANK)
        else:
            key.extend(_RANKS.get(char, _OTHER_BASE + ord(char)) for char in run)
    return tuple(key)
