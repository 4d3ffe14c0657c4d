"""The words of a question, as ask-first compares them: tokens, stop words, light stems.

A clerk types «دانشجویان پزشکی», «هیات علمی زن», «تعداد دانشجو‌های دکترا» or "how many
female PhD students". The catalogue says «دانشجویان», «اعضای هیئت علمی», «زن», «دکتری».
To meet, both sides go through the same steps:

1. ``persian.normalize`` then casefold (Arabic ي/ك, Persian and Arabic-Indic digits,
   diacritics, odd spaces), punctuation and dashes split words;
2. each word takes ``persian.match_key`` (ZWNJ and letter variants folded: آ/أ/إ → ا,
   ئ → ی, ة/ۀ → ه), so «دانشجو‌ها», «دانشجوها» and «دانشجو ها» (the last by joining
   neighbours, see ``discovery.index``) meet; a few spellings that differ by more than
   a variant letter (هیئت/هیات, مسئول/مسؤول) are folded by a small table;
3. stop words (چند، تعداد، کدام، در، از، …, "how many", "the", standalone suffixes
   «ها», «های») are dropped — they say what kind of answer is wanted, not what about;
4. every word gets its **forms**: itself and its light stem. The stemmer is ours, on
   purpose small (hazm is heavy and rewrites digits, DESIGN.md): it strips one Persian
   suffix of plural or adjective — ‌ها، ‌های، ‌هایی، ان (دانشجویان → دانشجو, with the
   glide ی), گان → ه (دانش‌آموختگان → دانش‌آموخته), ات (خدمات → خدمت, نشریات →
   نشریه), ای، ی
   (پزشکی → پزشک, دانشجویی → دانشجو) — keeping at least two or three letters, and for
   Latin words the English plural (students, faculties, statuses). Two words match
   when their forms meet, so a stem that is not a real word does no harm;
5. a few words clerks use for what the catalogue calls otherwise take its word too
   (فارغ‌التحصیل → دانش‌آموخته, اساتید → هیئت علمی, کارمند → کارکنان);
6. a word of five letters or more that matches nothing may be one typo away
   (``within_one``: one letter added, removed, changed or two swapped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from dargah.persian import match_key, normalize

# Longer than this, a word is not a typo of another; shorter, too many words are one
# letter apart («زن», «زین», «زمان» …).
TYPO_MIN_LENGTH: Final = 5

# Words split on anything that is not a letter, a digit, a ZWNJ or a combining mark.
_SPLIT: Final = re.compile(r"[^\w\u200c]+")

# Spellings that differ by more than the letter variants match_key folds, each mapped to
# one form (in match-key spelling: ئ is already ی there).
_VARIANTS: Final = {
    "هیات": "هییت",  # هیأت, هیات → هیئت
    "مسوول": "مسیول",  # مسؤول → مسئول
    "مسول": "مسیول",
    "مساله": "مسیله",  # مسأله, مساله → مسئله
    "سیوال": "سوال",  # سئوال → سؤال
    "دکترا": "دکتری",
}

_PERSIAN_STOP: Final = (
    "چند چندتا چه چی چیست چقدر چگونه چطور کدام کدوم کجا کی آیا ایا تعداد شمار میزان "
    "آمار امار اطلاعات داده دادههای دادهها گزارش فهرست لیست جدول "
    "در از به با برای بر تا طی و یا را که این آن اون ان هر همه کل تمام کلیه "
    "است هست هستند بود دارد دارند داریم داشتن وجود موجود شده شدند شود "
    "مربوط مربوطه درباره مورد تفکیک اساس براساس بر حسب برحسب نفر "
    "میخواهم خواهم میخوام لطفا لطفاً بده بدهید بدید نشان نمایش "
    "سال نیمسال ترم "
    "ها های هایی ی ای"
)
_ENGLISH_STOP: Final = (
    "how many much the a an of in on at by for to and or with without is are was were "
    "be what which who whom where when number numbers count counts total totals list "
    "show me all per from data dataset statistics statistic stats information info "
    "there do does we you have has please breakdown each every give get i want need "
    "about across year years term terms semester period"
)
STOP_WORDS: Final = frozenset(
    match_key(word) for word in (_PERSIAN_STOP + " " + _ENGLISH_STOP).split()
)

# Persian suffixes, longest first within each group: (suffix, replacement, letters kept).
_PLURALS: Final = (("هایی", "", 2), ("های", "", 2), ("ها", "", 2))
_VOWELS: Final = frozenset("اوی")


@dataclass(frozen=True)
class Word:
    """One word of a text: how it was written (normalised) and its match forms."""

    text: str  # normalised, as typed (for showing back)
    key: str  # its match key, variants folded
    forms: frozenset[str]  # the key and its stems


def _persian_stems(word: str) -> list[str]:
    for suffix, replacement, keep in _PLURALS:
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            base = word[: -len(suffix)] + replacement
            # «دانشجوهای» → «دانشجو»; «کتابهای» → «کتاب»
            return [base]
    if word.endswith("گان") and len(word) >= 5:
        return [word[:-3] + "ه"]  # دانشآموختگان → دانشآموخته
    if word.endswith("گی") and len(word) >= 5:
        return [word[:-2] + "ه"]  # دانشآموختگی → دانشآموخته
    if word.endswith("یان") and len(word) >= 5 and word[-4] in _VOWELS:
        return [word[:-3]]  # دانشجویان → دانشجو (the ی is a glide)
    if word.endswith("ان") and len(word) >= 4:
        return [word[:-2]]  # زنان → زن, کارکنان → کارکن
    if word.endswith("ات") and len(word) >= 5:
        base = word[:-2]
        return [base, base + "ت", base + "ه"]  # خدمات → خدمت, نشریات → نشریه
    if word.endswith("ای") and len(word) >= 5:
        return [word[:-2]]  # دکترای → دکتر, حرفهای → حرفه
    if word.endswith("ی") and len(word) >= 4:
        base = word[:-1]
        if base.endswith("ی") and len(base) >= 4 and base[-2] in _VOWELS:
            base = base[:-1]  # دانشجویی → دانشجو
        return [base]
    return []


# English plurals no suffix rule reaches.
_IRREGULAR: Final = {"women": "woman", "men": "man", "people": "person", "children": "child"}


def _english_stems(word: str) -> list[str]:
    if word in _IRREGULAR:
        return [_IRREGULAR[word]]
    if len(word) <= 3 or not word.isalpha():
        return []
    if word.endswith("ies") and len(word) > 4:
        return [word[:-3] + "y"]  # faculties → faculty
    if word.endswith(("ses", "xes", "ches", "shes")):
        return [word[:-2]]  # statuses → status
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return [word[:-1]]  # students → student
    return []


# Words a clerk uses for what the catalogue names otherwise (match keys, stems
# included), each with the catalogue's word: a question's word also takes these forms.
_SYNONYMS: Final = {
    "فارغالتحصیل": ("دانشاموخته",),
    "فارغالتحصیلان": ("دانشاموخته",),
    "اساتید": ("هییتعلمی", "استاد"),
    "استادان": ("هییتعلمی", "استاد"),
    "کارمند": ("کارکن",),
    "کارمندان": ("کارکن",),
    "خارجی": ("غیرایرانی",),
    "professors": ("faculty",),
    "professor": ("faculty",),
    "teachers": ("faculty",),
    "employees": ("staff",),
}


def stems(key: str) -> list[str]:
    """The light stems of one match key (empty when it has no suffix to strip)."""
    found = _english_stems(key) if key.isascii() else _persian_stems(key)
    return [_VARIANTS.get(item, item) for item in found]


def forms(key: str) -> frozenset[str]:
    """A match key, its stems and synonyms: what it is compared by."""
    key = _VARIANTS.get(key, key)
    found = {key, *stems(key)}
    for item in list(found):
        found.update(_SYNONYMS.get(item, ()))
    return frozenset(found)


def words(text: str, *, keep_stop_words: bool = False) -> list[Word]:
    """The words of ``text`` with their forms; stop words and one-letter words dropped
    (one-letter codes and aliases such as «M» or «1» would match anything)."""
    found: list[Word] = []
    for raw in _SPLIT.split(normalize(text).casefold()):
        if not raw:
            continue
        for part in raw.split("_"):  # field names: field_of_study
            key = match_key(part)
            if len(key) < 2 or (not keep_stop_words and key in STOP_WORDS):
                continue
            found.append(Word(part, key, forms(key)))
    return found


def within_one(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are at most one edit apart (a letter added, removed or
    changed, or two neighbours swapped)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def deletions(term: str) -> set[str]:
    """``term`` with one letter removed, each way: the keys of the typo index (two words
    one edit apart share one of these, or one is the other's)."""
    return {term[:i] + term[i + 1 :] for i in range(len(term))}
