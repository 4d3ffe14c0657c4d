"""The shortcuts of column conversion (distinct values, already-clean rows, national-id
check digits from bytes) give exactly what the full row-by-row path gives."""

from __future__ import annotations

import random

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal, assert_series_equal

from dargah.catalogue.documents import CodeListDocument
from dargah.catalogue.schema import SchemaField
from dargah.persian import (
    PersianValueError,
    is_valid_national_id,
    national_id_check_digit,
    parse_jalali_date,
)
from dargah.submissions import issues
from dargah.submissions.fields import (
    CodeLookup,
    _clean_national_ids,
    _convert,
    _jalali_calendar,
    _jalali_dates,
    _jalali_slots,
    convert_field,
)

_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

LEVELS = CodeListDocument.model_validate(
    {
        "id": "levels",
        "title_fa": "مقاطع",
        "title_en": "Levels",
        "version": "1.0",
        "values": [
            {
                "code": "bachelor",
                "label_fa": "کارشناسی",
                "label_en": "Bachelor",
                "aliases": ["لیسانس"],
            },
            {"code": "master", "label_fa": "کارشناسی ارشد", "label_en": "Master"},
            {"code": "old", "label_fa": "فوق دیپلم", "label_en": "Old", "deprecated": True},
        ],
    }
)


def _ids(rng: random.Random, count: int) -> list[str]:
    """Valid national ids, some with leading zeros."""
    out = []
    for _ in range(count):
        body = f"{rng.randrange(10**9):09d}"
        if rng.random() < 0.3:
            body = "00" + body[2:]
        out.append(body + str(national_id_check_digit(body)))
    return out


def _national_ids(rng: random.Random) -> list[str]:
    good = _ids(rng, 40)
    nasty = [
        *(i[:9] + str((int(i[9]) + 1) % 10) for i in good[:8]),  # wrong check digit
        *(d * 10 for d in "0123456789"),  # ten equal digits
        *(i.lstrip("0") for i in good if i.startswith("00")),  # 8 or 9 digits
        *(i.translate(_PERSIAN) for i in good[:5]),
        *(i.translate(_ARABIC) for i in good[5:10]),
        *(
            f"{i[:3]}{sep}{i[3:]}"
            for i, sep in zip(good[:6], [" ", "-", "\u200c", "\u0640", ",", "/"], strict=True)
        ),
        *(f" {i} " for i in good[10:13]),
        good[0] + "1",
        good[1][:7],
        "",
        " ",
        "abcdefghij",
        "+123456789",
        "-123456789",
        "12345 6789",
        "１２３４５６７８９０",
        "00000000",
        "۰۰۰۰۰۰۰۰۰۰",
    ]
    return good + nasty


def test_the_byte_check_digit_accepts_exactly_what_the_toolkit_accepts() -> None:
    rng = random.Random(11)
    values: list[str | None] = [*_national_ids(rng), *_ids(rng, 2000), None]
    # Every ten-digit string with a given body, one per check digit: one is right.
    values += [
        f"{body}{check}" for body in ("014968230", "000000001", "123456789") for check in range(10)
    ]
    clean = _clean_national_ids(pl.Series(values, dtype=pl.String)).to_list()
    for value, accepted in zip(values, clean, strict=True):
        expected = value is None or (
            len(value) == 10 and value.isascii() and value.isdigit() and is_valid_national_id(value)
        )
        assert accepted == expected, value


def _field(kind: str, table_type: str = "string", **extra: object) -> SchemaField:
    return SchemaField.model_validate(
        {
            "name": "f",
            "title": "ستون",
            "dargah:titleEn": "Column",
            "type": table_type,
            "dargah:type": kind,
            **extra,
        }
    )


_POOLS: dict[str, tuple[SchemaField, list[str]]] = {
    "national_id": (
        _field("national_id", constraints={"required": True, "pattern": "[0-8].*"}),
        _national_ids(random.Random(3)),
    ),
    "jalali_date": (
        _field("jalali_date", "date", constraints={"required": True}),
        [
            "1402/07/15",
            "۱۴۰۲/۷/۱۵",
            "١٤٠٢/٠٧/١٥",
            "1402-7-15",
            "1402.07.15",
            "1402 / 7 / 15",
            "1402٫07٫15",
            "14020715",
            "1402/12/29",
            "1402/12/30",
            "1403/12/30",
            "1404/12/30",
            "1399/12/30",
            "1402/06/31",
            "1402/07/31",
            "1402/13/01",
            "1402/00/10",
            "1402/07/00",
            "1199/01/01",
            "1200/01/01",
            "1599/12/29",
            "1600/01/01",
            "2023-10-07",
            "2023-02-30",
            "15/07/1402",
            "02/07/15",
            "",
            " ",
            "x",
            " 1402/07/15 ",
            "1402/7/15\u200f",
        ],
    ),
    "integer": (
        _field("integer", "integer", constraints={"minimum": 0, "maximum": 400}),
        [
            "12",
            "۱۲",
            "٣٤",
            "۱٬۲۳۴",
            "1,234",
            "1 234",
            "12.0",
            "12.5",
            "-3",
            "- 3",
            "x",
            "",
            " ",
            "1e3",
            "401",
            "400",
            "0",
            "-0",
            "99999999999999999999",
            " 7 ",
            "nan",
            "1_000",
            "1'000",
            "12/0",
            "۱۲٫۰",
        ],
    ),
    "number": (
        _field("number", "number", constraints={"minimum": 0, "maximum": 20}),
        [
            "12.2",
            "12٫5",
            "۱۲٫۵",
            "20",
            "20.01",
            "-0",
            "0",
            "nan",
            "inf",
            "1,5",
            "12/5",
            "x",
            "",
            "17.66",
            "١٧٫٦٦",
            " 3 ",
            "1e1",
        ],
    ),
    "year": (_field("year", "integer"), ["1402", "۱۴۰۲", "1299", "1501", "14 02", "x", ""]),
    "percent": (_field("percent", "number"), ["5%", "5٪", "۵٪", "12.5", "x", "", "%"]),
    "academic_term": (
        _field("academic_term", constraints={"required": True}),
        [
            "1402-1",
            "1402/2",
            "۱۴۰۲-۳",
            "١٤٠٢_١",
            "1402 _ 1",
            "1402 - 2",
            "1402.1",
            "1402-4",
            "1502-1",
            "14021",
            "1402--1",
            "",
            " ",
            "x",
        ],
    ),
    "persian_text": (
        _field("persian_text", constraints={"required": True, "maxLength": 10}),
        [
            "علی",
            "علي",
            "كريم",
            "محمد\u200cرضا",
            "محمد \u200cرضا",
            "  علی  رضا ",
            "Ali",
            "Ali  Reza",
            " Ali",
            "\u200c",
            "ـ",
            "",
            " ",
            "ﻋﻠﯽ",
            "a\u200fb",
            "x" * 11,
            "ی" * 10,
            "ی" * 11,
            "علی\u00ac",
            "\t",
            "a\nb",
            "۱۲۳",
        ],
    ),
    "text": (
        _field("text", constraints={"minLength": 2, "enum": ["علی", "Ali"]}),
        ["علی", "علي", "Ali", "A", " Ali ", "", "\u200cعلی", "B"],
    ),
    "identifier": (
        _field("identifier", constraints={"required": True, "maxLength": 5}),
        ["4000", "40000001", " 4000 ", "۴۰۰", "a  b", "AB-12", "", " ", "a\u200cb", "\u00a0"],
    ),
    "code": (
        _field("code", constraints={"required": True}, **{"dargah:codeList": "levels"}),
        [
            "bachelor",
            "لیسانس",
            "كارشناسي ارشد",
            "Master",
            " master ",
            "old",
            "فوق دیپلم",
            "nope",
            "",
        ],
    ),
    "boolean": (_field("boolean", "boolean"), ["1", "0", "بله", "خیر", "Yes", "✓", "۱", "x", ""]),
    "mobile": (
        _field("mobile"),
        ["09121234567", "۰۹۱۲۱۲۳۴۵۶۷", "+989121234567", "0912 123 4567", "12", ""],
    ),
    "date": (_field("date", "date"), ["2023-10-07", "2023-02-30", "۲۰۲۳-۱۰-۰۷", "2023/10/07", "x"]),
}


def _column(pool: list[str], count: int, seed: int) -> pl.Series:
    rng = random.Random(seed)
    return pl.Series(
        "raw",
        [None if rng.random() < 0.1 else rng.choice(pool) for _ in range(count)],
        dtype=pl.String,
    )


@pytest.mark.parametrize("kind", sorted(_POOLS))
@pytest.mark.parametrize(
    "shape", ["repeated", "each_once", "one_row", "mostly_clean", "all_null", "empty"]
)
def test_fast_paths_give_what_the_full_path_gives(kind: str, shape: str) -> None:
    field, pool = _POOLS[kind]
    raw = {
        "repeated": _column(pool, 600, seed=1),  # the distinct-values path
        "each_once": pl.Series("raw", [*pool, None], dtype=pl.String),
        "one_row": pl.Series("raw", pool[:1], dtype=pl.String),
        "mostly_clean": _column([*[pool[0]] * 50, *pool], 400, seed=2),
        "all_null": pl.Series("raw", [None] * 5, dtype=pl.String),
        "empty": pl.Series("raw", [], dtype=pl.String),
    }[shape]
    # Row numbers with gaps, so that spreading findings back to rows is checked.
    rows = pl.Series("_row", range(2, 3 * raw.len() + 2, 3), dtype=pl.Int64)
    codes = CodeLookup(LEVELS.values) if kind == "code" else None

    fast = convert_field(field, raw, rows, codes=codes)
    values, findings = _convert(field, raw, rows, codes, fast_paths=False)
    full = pl.concat(findings) if findings else issues.empty_issues()

    assert_series_equal(fast.values, values)
    assert_frame_equal(fast.issues, full)
    if shape == "repeated":
        assert not full.is_empty()  # the pools hold bad values: the findings are compared


def test_a_typed_minus_zero_keeps_the_sign_the_full_path_gives() -> None:
    # "-" is a grouping character, so "-0" is 0.0; a plain cast would give -0.0, which
    # compares equal to 0.0 but is stored and shown differently.
    field, _ = _POOLS["number"]
    raw = pl.Series("raw", ["-0", "0", "2"] * 4, dtype=pl.String)
    rows = pl.Series("_row", range(raw.len()), dtype=pl.Int64)
    fast = convert_field(field, raw, rows).values.to_numpy()
    full = _convert(field, raw, rows, None, fast_paths=False)[0].to_numpy()
    assert np.signbit(fast).tolist() == np.signbit(full).tolist()


def test_dates_looked_up_by_slot_are_the_calendar_days_and_no_others() -> None:
    table = _jalali_calendar()
    typed = pl.Series([f"{k // 10000}/{k // 100 % 100}/{k % 100}" for k in table["_key"]])
    assert_series_equal(_jalali_dates(typed), table["_date"], check_names=False)
    assert _jalali_slots().drop_nulls().len() == table.height


@pytest.mark.parametrize(
    "typed",
    ["1402/12/29", "1402/12/30", "1403/12/30", "1404/12/30", "1399/12/30", "1402/06/31",
     "1402/07/31", "1402/13/01", "1402/00/10", "1402/07/00", "1402/01/32", "1199/12/29",
     "1200/01/01", "1599/12/29", "1599/12/30", "1600/01/01", "۱۴۰۳/۱۲/۳۰", "١٤٠٢/١٢/٣٠"],
)  # fmt: skip
def test_a_date_is_found_exactly_when_the_toolkit_accepts_it(typed: str) -> None:
    found = _jalali_dates(pl.Series([typed])).item()
    try:
        expected = parse_jalali_date(typed)
    except PersianValueError:
        expected = None
    assert found == expected
