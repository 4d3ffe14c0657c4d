"""Synthetic faculty members and their research outputs, shaped like Iran's universities.

Ranks, employment types and the share of women follow the published shape of the
system's faculty (about half assistant professors, a fifth instructors, a quarter
women); research outputs are mostly journal articles, then conference papers, books
and a few patents, each led by one of the institution's faculty members. Columns are
those of the built-in ``faculty`` and ``research_outputs`` data sets, as text, the way
an institution's HR and research systems export them. Used by the demo.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl

from dargah.demo.synthetic import (
    FIRST_NAMES_FEMALE,
    FIRST_NAMES_MALE,
    LAST_NAMES,
    national_ids,
    pick,
)

RANKS: Mapping[str, float] = {
    "instructor_assistant": 0.03,
    "instructor": 0.20,
    "assistant_professor": 0.50,
    "associate_professor": 0.18,
    "professor": 0.09,
}
EMPLOYMENT: Mapping[str, float] = {
    "permanent": 0.58,
    "probationary": 0.20,
    "treaty": 0.10,
    "contract": 0.05,
    "service_obligation": 0.04,
    "conscript": 0.01,
    "retired": 0.02,
}
WOMEN_SHARE = 0.27
# Years since the PhD or master's at appointment, by rank: older ranks were hired earlier.
_HIRED_YEARS_AGO: Mapping[str, tuple[int, int]] = {
    "instructor_assistant": (1, 15),
    "instructor": (2, 25),
    "assistant_professor": (1, 12),
    "associate_professor": (8, 20),
    "professor": (14, 30),
}
OUTPUT_TYPES: Mapping[str, float] = {
    "journal_article": 0.62,
    "conference_paper": 0.22,
    "book_authored": 0.03,
    "book_compiled": 0.02,
    "book_translated": 0.02,
    "book_chapter": 0.03,
    "patent_domestic": 0.02,
    "patent_international": 0.002,
    "software": 0.01,
    "technical_report": 0.018,
}
ARTICLE_INDEXING: Mapping[str, float] = {
    "wos": 0.30,
    "scopus": 0.22,
    "isc": 0.20,
    "msrt_rated": 0.15,
    "doaj": 0.04,
    "pubmed": 0.02,
    "sid": 0.03,
    "not_indexed": 0.04,
}
CONFERENCE_INDEXING: Mapping[str, float] = {"civilica": 0.6, "isc": 0.25, "scopus": 0.15}
TOPICS = (
    "یادگیری ماشین",
    "انرژی‌های تجدیدپذیر",
    "مدیریت منابع آب",
    "سلامت روان دانشجویان",
    "آموزش مجازی",
    "نانوکامپوزیت‌ها",
    "اقتصاد مقاومتی",
    "ادبیات معاصر فارسی",
    "زلزله‌شناسی",
    "کشاورزی دقیق",
    "امنیت شبکه",
    "مواد زیست‌سازگار",
)
FRAMES = (
    "بررسی {topic} در ایران",
    "کاربرد {topic}: یک مطالعهٔ موردی",
    "مروری بر پژوهش‌های {topic}",
    "ارزیابی روش‌های نوین {topic}",
    "{topic} و چالش‌های پیش رو",
)
_DEGREE_BY_RANK: Mapping[str, tuple[str, ...]] = {
    "instructor_assistant": ("master",),
    "instructor": ("master", "master", "master", "phd"),
    "assistant_professor": ("phd",),
    "associate_professor": ("phd",),
    "professor": ("phd",),
}


def faculty_frame(
    size: int,
    *,
    seed: int,
    fields_by_level: Mapping[str, Sequence[str]],
    first_number: int = 10_000,
    term_year: int = 1403,
) -> pl.DataFrame:
    """``size`` faculty rows as text, with the columns of the built-in ``faculty`` set."""
    rng = np.random.default_rng(seed)
    ranks = pick(rng, RANKS, size)
    women = rng.random(size) < WOMEN_SHARE
    degrees = np.array(
        [_DEGREE_BY_RANK[rank][int(rng.integers(len(_DEGREE_BY_RANK[rank])))] for rank in ranks],
        dtype=object,
    )
    fields = np.array(
        [rng.choice(np.array(fields_by_level[degree], dtype=object)) for degree in degrees],
        dtype=object,
    )
    foreign = rng.random(size) < 0.01
    ids = national_ids(rng, size)
    ids[foreign] = None
    hired_ago = np.array(
        [rng.integers(low, high + 1) for low, high in (_HIRED_YEARS_AGO[r] for r in ranks)]
    )
    hire_year = term_year - hired_ago
    birth_year = hire_year - rng.integers(28, 38, size=size)
    months = rng.integers(1, 13, size=(2, size))
    days = rng.integers(1, 30, size=(2, size))
    full_time = rng.random(size) < 0.93
    hours = np.where(
        np.isin(ranks, ["instructor_assistant", "instructor"]),
        rng.integers(12, 25, size=size),
        rng.integers(6, 17, size=size),
    )
    columns: dict[str, Any] = {
        "personnel_number": [str(first_number + index) for index in range(size)],
        "national_id": ids,
        "first_name": np.where(
            women,
            rng.choice(np.array(FIRST_NAMES_FEMALE, dtype=object), size=size),
            rng.choice(np.array(FIRST_NAMES_MALE, dtype=object), size=size),
        ),
        "last_name": rng.choice(np.array(LAST_NAMES, dtype=object), size=size),
        "gender": np.where(women, "female", "male"),
        "birth_date": _dates(birth_year, months[0], days[0]),
        "nationality": np.where(foreign, "AF", "IR"),
        "rank": ranks,
        "employment_type": pick(rng, EMPLOYMENT, size),
        "is_full_time": np.where(full_time, "بله", "خیر"),
        "highest_degree": degrees,
        "field_of_study": fields,
        "degree_country": np.where(rng.random(size) < 0.12, "GB", "IR"),
        "hire_date": _dates(hire_year, months[1], days[1]),
        "weekly_teaching_hours": hours.astype(str),
    }
    return pl.DataFrame(
        [pl.Series(name, list(values), dtype=pl.String) for name, values in columns.items()]
    )


def research_outputs_frame(
    faculty: pl.DataFrame,
    *,
    seed: int,
    year: int,
    isced_of_field: Mapping[str, str],
    per_member: float = 1.6,
    code: str,
) -> pl.DataFrame:
    """Research outputs of one academic year, each led by a member of ``faculty`` (as
    made by ``faculty_frame``), with the columns of the built-in ``research_outputs``."""
    rng = np.random.default_rng(seed)
    size = max(1, int(faculty.height * per_member))
    leads = rng.integers(0, faculty.height, size=size)
    personnel = faculty["personnel_number"].to_numpy()[leads]
    fields = faculty["field_of_study"].to_numpy()[leads]
    types = pick(rng, OUTPUT_TYPES, size)
    article = types == "journal_article"
    conference = types == "conference_paper"
    book = np.isin(types, ["book_authored", "book_compiled", "book_translated"])
    patent = np.isin(types, ["patent_domestic", "patent_international"])
    indexing = np.full(size, None, dtype=object)
    indexing[article] = pick(rng, ARTICLE_INDEXING, int(article.sum()))
    indexing[conference] = pick(rng, CONFERENCE_INDEXING, int(conference.sum()))
    quartile = np.full(size, None, dtype=object)
    ranked = np.isin(indexing, ["wos", "scopus"]) & article
    quartile[ranked] = rng.choice(np.array(["Q1", "Q2", "Q3", "Q4"], dtype=object), ranked.sum())
    authors = np.where(book | patent, rng.integers(1, 4, size=size), rng.integers(2, 8, size=size))
    own = np.minimum(authors, rng.integers(1, 4, size=size))
    serial = np.arange(size)
    topics = rng.integers(0, len(TOPICS), size=size)
    frames = rng.integers(0, len(FRAMES), size=size)
    columns: dict[str, Any] = {
        "output_id": [f"{code}-{year}-{number:05d}" for number in serial],
        "output_type": types,
        "title": [
            FRAMES[frame].format(topic=TOPICS[topic])
            for frame, topic in zip(frames, topics, strict=True)
        ],
        # Mostly the academic year itself; some appear the next year.
        "publication_year": np.where(rng.random(size) < 0.85, year, year + 1).astype(str),
        "venue": np.where(
            book, "انتشارات دانشگاه", np.where(article, "نشریهٔ علمی پژوهشی", "همایش ملی")
        ),
        "issn": _only(article, [f"{1000 + n % 9000:04d}-{n % 997:03d}X" for n in serial]),
        "isbn": _only(book, [f"978-600-{n % 1000:03d}-{n % 100:02d}-{n % 10}" for n in serial]),
        "doi": _only(article & ranked, [f"10.22034/jr.{year}.{code}.{n}" for n in serial]),
        "indexing": indexing,
        "quartile": quartile,
        "isced_field": [isced_of_field.get(field) for field in fields],
        "author_count": authors.astype(str),
        "institution_author_count": own.astype(str),
        "lead_author_personnel_number": personnel,
        "international_collaboration": np.where(rng.random(size) < 0.12, "بله", "خیر"),
        "patent_number": _only(patent, [f"{year}{n:06d}" for n in serial]),
    }
    return pl.DataFrame(
        [pl.Series(name, list(values), dtype=pl.String) for name, values in columns.items()]
    )


def _dates(years: np.ndarray, months: np.ndarray, days: np.ndarray) -> list[str]:
    return [
        f"{year}/{month:02d}/{day:02d}"
        for year, month, day in zip(years, months, days, strict=True)
    ]


def _only(wanted: np.ndarray, values: list[str]) -> list[str | None]:
    """``values`` where ``wanted``, empty elsewhere."""
    return [value if keep else None for value, keep in zip(values, wanted.tolist(), strict=True)]
