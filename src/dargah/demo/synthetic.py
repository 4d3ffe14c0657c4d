"""Synthetic student records that look like Iran's higher-education system.

Distributions follow the published shape of the system (bachelor's about 64 %,
associate 13 %, master's 16 %, PhD 4 %); names are common Persian names, national ids
carry valid check digits, and a share of cells is typed the way registrars really type
them (Persian digits, Arabic ي/ك, Jalali dates with dashes) so the normaliser has work.
Used by the demo and the ingest benchmark; generated in columns with numpy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

FIRST_NAMES_MALE = [
    "علی",
    "محمد",
    "حسین",
    "رضا",
    "مهدی",
    "امیر",
    "محمدرضا",
    "حسن",
    "ابوالفضل",
    "امیرحسین",
    "سجاد",
    "مصطفی",
    "عرفان",
    "یوسف",
    "آرش",
    "میلاد",
    "سینا",
    "پارسا",
    "بهنام",
    "کیان",
]
FIRST_NAMES_FEMALE = [
    "فاطمه",
    "زهرا",
    "مریم",
    "زینب",
    "سارا",
    "نرگس",
    "الهام",
    "مهسا",
    "نازنین",
    "ریحانه",
    "فرشته",
    "معصومه",
    "سمیرا",
    "هانیه",
    "کوثر",
    "یاسمن",
    "پریسا",
    "نگار",
    "آیدا",
    "مبینا",
]
LAST_NAMES = [
    "محمدی",
    "حسینی",
    "احمدی",
    "رضایی",
    "موسوی",
    "کریمی",
    "جعفری",
    "صادقی",
    "رحیمی",
    "هاشمی",
    "قاسمی",
    "کاظمی",
    "ابراهیمی",
    "نوری",
    "زارعی",
    "عباسی",
    "سلیمانی",
    "اکبری",
    "مرادی",
    "یوسفی",
    "شریفی",
    "عزیزی",
    "نجفی",
    "طاهری",
    "امینی",
    "رستمی",
    "بهرامی",
    "ملکی",
    "فرهادی",
    "کرمانی",
]
# Typed as people type them: Arabic letters from old keyboards and systems.
ARABIC_VARIANTS = {"ی": "ي", "ک": "ك"}

LEVELS: Mapping[str, float] = {
    "bachelor": 0.64,
    "associate": 0.13,
    "master": 0.16,
    "phd": 0.04,
    "professional_doctorate": 0.02,
    "bachelor_discontinuous": 0.01,
}
STATUSES: Mapping[str, float] = {
    "enrolled": 0.93,
    "on_leave": 0.04,
    "suspended": 0.01,
    "withdrawn": 0.02,
}
MODES: Mapping[str, float] = {"daytime": 0.55, "evening": 0.25, "virtual": 0.1, "self_funded": 0.1}
# Province weights: Tehran (23) and the large provinces carry more students.
PROVINCE_WEIGHTS: Mapping[str, float] = {"23": 8.0}


def pick(rng: np.random.Generator, weights: Mapping[str, float], size: int) -> np.ndarray:
    """``size`` keys of ``weights`` drawn in proportion to their weights."""
    keys = list(weights)
    probabilities = np.array([weights[key] for key in keys], dtype=float)
    return rng.choice(
        np.array(keys, dtype=object), size=size, p=probabilities / probabilities.sum()
    )


def national_ids(rng: np.random.Generator, size: int) -> np.ndarray:
    """Valid, distinct-looking national ids (with the right check digit)."""
    digits = rng.integers(0, 10, size=(size, 9))
    digits[:, 0] = rng.integers(0, 7, size=size)  # real ids start low (city codes)
    same = (digits == digits[:, :1]).all(axis=1)  # ten equal digits are refused
    digits[same, 1] = (digits[same, 0] + 1) % 10
    weights = np.arange(10, 1, -1)
    remainder = (digits * weights).sum(axis=1) % 11
    check = np.where(remainder < 2, remainder, 11 - remainder)
    full = np.concatenate([digits, check[:, None]], axis=1)
    return np.array(["".join(map(str, row)) for row in full], dtype=object)


def students_frame(
    size: int,
    *,
    seed: int,
    fields_by_level: Mapping[str, Sequence[str]],
    provinces: Sequence[str],
    first_number: int = 40_000_000,
    messy: float = 0.05,
) -> pl.DataFrame:
    """``size`` student rows as text, with the columns of the built-in ``students`` set."""
    rng = np.random.default_rng(seed)
    levels = pick(rng, LEVELS, size)
    fields = np.empty(size, dtype=object)
    for level in LEVELS:
        chosen = levels == level
        options = list(fields_by_level.get(level) or fields_by_level["bachelor"])
        fields[chosen] = rng.choice(np.array(options, dtype=object), size=int(chosen.sum()))
    genders = rng.choice(np.array(["male", "female"], dtype=object), size=size)
    male = genders == "male"
    first = np.where(
        male,
        rng.choice(np.array(FIRST_NAMES_MALE, dtype=object), size=size),
        rng.choice(np.array(FIRST_NAMES_FEMALE, dtype=object), size=size),
    )
    last = rng.choice(np.array(LAST_NAMES, dtype=object), size=size)
    foreign = rng.random(size) < 0.015
    nationality = np.where(
        foreign, rng.choice(np.array(["AF", "IQ", "SY"], dtype=object), size=size), "IR"
    )
    ids = national_ids(rng, size)
    ids[foreign] = None
    age_offset = {"associate": 19, "bachelor": 20, "master": 24, "phd": 29}
    birth_year = (
        1403
        - np.array([age_offset.get(level, 22) for level in levels])
        - rng.integers(0, 5, size=size)
    )
    birth = [
        f"{year}/{month:02d}/{day:02d}"
        for year, month, day in zip(
            birth_year, rng.integers(1, 13, size=size), rng.integers(1, 30, size=size), strict=True
        )
    ]
    weights = {code: PROVINCE_WEIGHTS.get(code, 1.0) for code in provinces}
    columns: dict[str, Any] = {
        "student_number": [str(first_number + index) for index in range(size)],
        "national_id": ids,
        "first_name": first,
        "last_name": last,
        "gender": genders,
        "birth_date": birth,
        "nationality": nationality,
        "degree_level": levels,
        "field_of_study": fields,
        "study_mode": pick(rng, MODES, size),
        "entry_term": rng.choice(
            np.array(["1399-1", "1400-1", "1401-1", "1402-1", "1403-1"], dtype=object),
            size=size,
        ),
        "status": pick(rng, STATUSES, size),
        "province_of_residence": pick(rng, weights, size),
        "credits_passed": rng.integers(0, 140, size=size).astype(str).astype(object),
        "gpa": np.round(np.clip(rng.normal(15.5, 2.0, size=size), 10, 20), 2)
        .astype(str)
        .astype(object),
    }
    frame = pl.DataFrame(
        [pl.Series(name, list(values), dtype=pl.String) for name, values in columns.items()]
    )
    if messy:
        frame = _make_messy(frame, rng, messy)
    return frame


STUDENT_COLUMNS = (
    "student_number",
    "national_id",
    "first_name",
    "last_name",
    "gender",
    "birth_date",
    "nationality",
    "degree_level",
    "field_of_study",
    "study_mode",
    "entry_term",
    "status",
    "province_of_residence",
    "credits_passed",
    "gpa",
)


def _make_messy(frame: pl.DataFrame, rng: np.random.Generator, share: float) -> pl.DataFrame:
    """Type a share of cells the way real files have them."""
    size = frame.height
    arabic = pl.Series(rng.random(size) < share)
    persian_digits = pl.Series(rng.random(size) < share)
    return frame.with_columns(
        pl.when(arabic)
        .then(
            pl.col("last_name").str.replace_many(
                list(ARABIC_VARIANTS), list(ARABIC_VARIANTS.values())
            )
        )
        .otherwise(pl.col("last_name"))
        .alias("last_name"),
        pl.when(persian_digits)
        .then(pl.col("birth_date").str.replace_many(list("0123456789"), list("۰۱۲۳۴۵۶۷۸۹")))
        .otherwise(pl.col("birth_date"))
        .alias("birth_date"),
    )


def change_share(frame: pl.DataFrame, share: float, *, seed: int) -> pl.DataFrame:
    """The same rows with ``share`` of them changed (credits and GPA moved on a term)."""
    rng = np.random.default_rng(seed)
    changed = pl.Series(rng.random(frame.height) < share)
    return frame.with_columns(
        pl.when(changed)
        .then((pl.col("credits_passed").cast(pl.Int64) + 17).cast(pl.String))
        .otherwise(pl.col("credits_passed"))
        .alias("credits_passed")
    )


def write_csv(frame: pl.DataFrame, path: Path) -> Path:
    """Write a frame as a UTF-8 CSV with a header row."""
    frame.write_csv(path)
    return path
