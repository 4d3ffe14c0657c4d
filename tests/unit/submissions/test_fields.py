"""Column conversion: the vectorised fast paths agree with the Persian toolkit, and bad
values get the toolkit's codes."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from dargah.catalogue.schema import SchemaField
from dargah.persian import is_valid_national_id, normalize, parse_jalali_date
from dargah.submissions.fields import CodeLookup, _jalali_calendar, convert_field
from support.catalogue import LEVELS


def _field(kind: str, **extra: object) -> SchemaField:
    table_type = {"jalali_date": "date", "integer": "integer", "number": "number"}.get(
        kind, "string"
    )
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


def _convert(
    kind: str, values: list[str | None], **extra: object
) -> tuple[list[object], list[str]]:
    series = pl.Series("f", values, dtype=pl.String)
    rows = pl.Series("row", range(2, len(values) + 2), dtype=pl.Int64)
    codes = CodeLookup(LEVELS.values) if kind == "code" else None
    done = convert_field(_field(kind, **extra), series, rows, codes=codes)
    return done.values.to_list(), done.issues["code"].to_list()


def test_the_jalali_calendar_table_matches_the_toolkit() -> None:
    table = _jalali_calendar()
    for key, day in table.gather_every(11).iter_rows():
        year, month, dom = key // 10000, key // 100 % 100, key % 100
        assert parse_jalali_date(f"{year}/{month}/{dom}") == day


def test_dates_as_people_type_them() -> None:
    values, codes = _convert(
        "jalali_date", ["1402/07/15", "۱۴۰۲/۷/۱۵", "1402-7-15", "14020715", "1402/12/30", None]
    )
    assert [str(v) if v else None for v in values] == [
        "2023-10-07",
        "2023-10-07",
        "2023-10-07",
        "2023-10-07",
        None,
        None,
    ]
    assert codes == ["jalali_date_invalid"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789۰۱۲۳۴۵۶۷۸۹ -", min_size=0, max_size=12))
def test_national_ids_fast_path_agrees_with_the_toolkit(text: str) -> None:
    values, codes = _convert("national_id", [text])
    stripped = text.strip()
    if not stripped:
        assert values == [None]
        return
    accepted = values[0] is not None
    assert accepted == (is_valid_national_id(stripped) and not codes), text


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=20))
def test_text_is_normalised_as_the_toolkit_does(text: str) -> None:
    values, _ = _convert("text", [text])
    expected = normalize(text.strip()) or None
    assert values == [expected]


def test_codes_by_label_alias_and_arabic_letters() -> None:
    values, codes = _convert(
        "code",
        ["bachelor", "لیسانس", "كارشناسي ارشد", "nope"],
        **{"dargah:codeList": "test_levels"},
    )
    assert values == ["bachelor", "bachelor", "master", None]
    assert codes == ["code_unknown"]


def test_numbers_with_persian_digits_and_separators() -> None:
    values, codes = _convert("integer", ["۱٬۲۳۴", "1,234", "12.0", "12.5", "x"])
    assert values == [1234, 1234, 12, None, None]
    assert codes == ["value_not_integer", "value_not_integer"]


def test_a_national_id_the_toolkit_accepts_is_kept_never_dropped() -> None:
    # A tatweel or half-space inside: not the fast path's ten digits, yet a valid id.
    values, codes = _convert("national_id", ["0012345ـ679", "001234567\u200c9", "0012345670"])
    assert values == ["0012345679", "0012345679", None]
    assert codes == ["national_id_checksum"]


def test_required_text_that_normalises_to_nothing_is_missing() -> None:
    for column in (["\u200c", "ـ", "علی"], ["\u200c"] * 6 + ["علی"] * 6):  # row by row; distinct
        values, codes = _convert("persian_text", column, constraints={"required": True})
        assert values.count(None) == column.count("\u200c") + column.count("ـ")
        assert codes == ["value_required"] * values.count(None)
