"""Turning the text of one column into typed, normalised values, with findings.

Work is done in columns. Where a vectorised check can accept a value exactly as the
Persian toolkit would (a 10-digit national id with the right check digit), it does;
everything else goes through the toolkit once per *distinct* value, so a column of a
million rows with a few thousand distinct names costs a few thousand Python calls,
and the messages are the toolkit's own.

Most columns repeat a few values (codes, terms, dates, grades): they are converted
through their distinct values, and values and findings spread back to the rows. Columns
of mostly distinct values (ids) go row by row, but rows already in final form (plain
ASCII text, a ten-digit national id with the right check digit) skip the work.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Final

import jdatetime
import numpy as np
import polars as pl

from dargah.catalogue.documents import CodeValueDocument
from dargah.catalogue.schema import DargahType, SchemaField
from dargah.persian import (
    PersianValueError,
    match_key,
    normalize,
    parse_jalali_date,
    validate_iban,
    validate_legal_entity_id,
    validate_mobile,
    validate_national_id,
    validate_postal_code,
)
from dargah.submissions import issues
from dargah.submissions.distinct import DistinctValues
from dargah.submissions.issues import FindingText

# Every Unicode decimal digit a registrar's keyboard produces, mapped to ASCII.
_DIGITS_FROM: Final = [*"۰۱۲۳۴۵۶۷۸۹", *"٠١٢٣٤٥٦٧٨٩"]
_DIGITS_TO: Final = [*"0123456789", *"0123456789"]
# Grouping characters people put inside numbers and ids.
_GROUPING_RE: Final = r"[\s,٬'’_\-\u200c\u200e\u200f\u202a-\u202e]"

STORAGE_DTYPE: Final[dict[str, type[pl.DataType]]] = {
    "string": pl.String,
    "integer": pl.Int64,
    "number": pl.Float64,
    "boolean": pl.Boolean,
    "date": pl.Date,
}

_TRUE: Final = {"1", "true", "yes", "y", "بله", "بلی", "آری", "اری", "دارد", "هست", "درست", "✓"}
_FALSE: Final = {"0", "false", "no", "n", "خیر", "نه", "ندارد", "نیست", "نادرست", "✗"}
_BOOLEAN_KEYS: Final = {match_key(word): True for word in _TRUE} | {
    match_key(word): False for word in _FALSE
}
_ISO_DATE: Final = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def storage_dtype(field: SchemaField) -> type[pl.DataType]:
    """The polars type a field's values are stored as."""
    return STORAGE_DTYPE[field.type]


@dataclass(frozen=True)
class Converted:
    """A column's typed values (null where empty or wrong) and its findings."""

    values: pl.Series
    issues: pl.DataFrame


class CodeLookup:
    """Resolves what people type in a code column (code, label, alias) to the code."""

    def __init__(self, values: Sequence[CodeValueDocument]) -> None:
        self._by_key: dict[str, tuple[str, bool]] = {}
        self.attributes: dict[str, dict[str, Any]] = {}
        self.deprecated = [value.code for value in values if value.deprecated]
        # Codes first, then labels and aliases; the first claim on a key wins so an
        # alias can never shadow a real code.
        for value in values:
            self._by_key.setdefault(value.code, (value.code, value.deprecated))
            self.attributes[value.code] = value.attributes
        for value in sorted(values, key=lambda item: item.deprecated):
            for text in (value.code, value.label_fa, value.label_en, *value.aliases):
                key = match_key(text)
                if key:
                    self._by_key.setdefault(key, (value.code, value.deprecated))

    def resolve(self, text: str) -> tuple[str, bool] | None:
        """``(code, deprecated)`` for what was typed, or None if nothing matches."""
        return self._by_key.get(text) or self._by_key.get(match_key(text))


def ascii_digits(column: pl.Expr) -> pl.Expr:
    """Persian and Arabic-Indic digits to ASCII, vectorised."""
    return column.str.replace_many(_DIGITS_FROM, _DIGITS_TO)


def _blank_to_null(series: pl.Series) -> pl.Series:
    stripped = series.str.strip_chars()
    return pl.select(pl.when(stripped.str.len_bytes() > 0).then(stripped)).to_series()


def _per_unique(
    series: pl.Series,
    convert: Callable[[str], Any],
    dtype: type[pl.DataType],
    fallback: FindingText,
) -> tuple[pl.Series, pl.Series, pl.Series, pl.Series]:
    """Apply ``convert`` once per distinct value.

    Returns the converted values and, per row, the finding code and messages (null
    when the value converted). ``convert`` raises ``PersianValueError`` or
    ``ValueError`` for a bad value; the toolkit's code and messages are kept.
    """
    distinct = series.drop_nulls().unique()
    keys: list[str] = []
    results: list[Any] = []
    codes: list[str | None] = []
    texts_fa: list[str | None] = []
    texts_en: list[str | None] = []
    for text in distinct.to_list():
        keys.append(text)
        try:
            results.append(convert(text))
            codes.append(None)
            texts_fa.append(None)
            texts_en.append(None)
        except PersianValueError as exc:
            results.append(None)
            codes.append(exc.code)
            texts_fa.append(exc.message_fa)
            texts_en.append(exc.message_en)
        except ValueError:
            results.append(None)
            codes.append(fallback.code)
            texts_fa.append(fallback.message_fa)
            texts_en.append(fallback.message_en)
    mapping = pl.DataFrame(
        {"key": keys, "result": results, "code": codes, "fa": texts_fa, "en": texts_en},
        schema={
            "key": pl.String,
            "result": dtype,
            "code": pl.String,
            "fa": pl.String,
            "en": pl.String,
        },
    )
    joined = (
        series.rename("key").to_frame().join(mapping, on="key", how="left", maintain_order="left")
    )
    return joined["result"], joined["code"], joined["fa"], joined["en"]


def _type_findings(
    rows: pl.Series,
    raw: pl.Series,
    codes: pl.Series,
    texts_fa: pl.Series,
    texts_en: pl.Series,
    field: str,
) -> pl.DataFrame:
    if codes.null_count() == codes.len():
        # Nothing to report: skip building and filtering a frame as long as the column.
        return issues.empty_issues()
    frame = pl.DataFrame(
        {"row": rows, "value": raw, "code": codes, "message_fa": texts_fa, "message_en": texts_en}
    ).filter(pl.col("code").is_not_null())
    return frame.select(
        pl.col("row").cast(pl.Int64),
        pl.lit(field, dtype=pl.String).alias("field"),
        pl.col("value").cast(pl.String),
        pl.col("code"),
        pl.lit(None, dtype=pl.String).alias("rule_id"),
        pl.lit(issues.ERROR, dtype=pl.String).alias("severity"),
        pl.col("message_fa"),
        pl.col("message_en"),
    )


def _fixed_findings(
    rows: pl.Series, raw: pl.Series, failed: pl.Series, field: str, text: FindingText
) -> pl.DataFrame:
    if not failed.any():
        return issues.empty_issues()
    return issues.issue_frame(rows.filter(failed), raw.filter(failed), field=field, text=text)


# Printable ASCII with single spaces is already in normal form (normalize() only folds
# whitespace in ASCII text): such values skip the per-value call.
_PLAIN_ASCII: Final = r"^[\x21-\x7e]+(?: [\x21-\x7e]+)*$"


def _normalise_text(series: pl.Series) -> tuple[pl.Series, pl.Series]:
    """The normalised values (null where nothing is left) and the normalised text."""
    plain = series.str.contains(_PLAIN_ASCII).fill_null(True)
    if plain.all():
        return series, series
    values, _, _, _ = _per_unique(series.filter(~plain), normalize, pl.String, issues.PATTERN)
    merged = series.clone().scatter(plain.not_().arg_true(), values)
    return pl.select(pl.when(merged.str.len_bytes() > 0).then(merged)).to_series(), merged


def _already_clean(kind: DargahType, raw: pl.Series) -> pl.Series | None:
    """Per row, True where the raw value is already its own typed value with nothing to
    report (and for null); None for kinds without such a test."""
    if kind in (DargahType.TEXT, DargahType.PERSIAN_TEXT, DargahType.IDENTIFIER):
        # Plain ASCII has no blank ends, no digits to convert and nothing to normalise.
        return raw.str.contains(_PLAIN_ASCII).fill_null(True)
    if kind is DargahType.NATIONAL_ID:
        return _clean_national_ids(raw)
    return None


def _clean_national_ids(raw: pl.Series) -> pl.Series:
    """True for ten ASCII digits with the right check digit, not all equal (and null).

    The bytes of the 10-byte values are read as a digit matrix in numpy: no regex and
    no slicing the ids into ten columns.
    """
    clean = raw.is_null().to_numpy().copy()
    ten = (raw.str.len_bytes() == 10).fill_null(False)
    if not ten.any():
        return pl.Series(clean)
    as_bytes = raw.filter(ten).cast(pl.Binary).bin.reinterpret(dtype=pl.Array(pl.UInt8, 10))
    # One row per digit position; bytes below "0" wrap round to large values.
    digits = (as_bytes.to_numpy() - np.uint8(ord("0"))).T.copy()
    lowest, highest = digits.min(axis=0), digits.max(axis=0)
    total = np.zeros(digits.shape[1], dtype=np.int16)
    for position in range(9):
        total += digits[position] * np.int16(10 - position)
    remainder = total % 11
    check = np.where(remainder < 2, remainder, 11 - remainder)
    # Ten equal digits pass the checksum but are refused.
    good = (highest <= 9) & (check == digits[9]) & (lowest != highest)
    clean[ten.arg_true().to_numpy()] = good
    return pl.Series(clean)


def _compact_digits(series: pl.Series) -> pl.Series:
    return pl.select(ascii_digits(pl.lit(series)).str.replace_all(_GROUPING_RE, "")).to_series()


def _national_ids(series: pl.Series) -> tuple[pl.Series, pl.Series | None]:
    """Vectorised accept of well-formed ids; the rest get the toolkit's verdict."""
    compact = _compact_digits(series)
    padded = pl.select(
        pl.when(compact.str.contains(r"^\d{8,10}$")).then(compact.str.zfill(10))
    ).to_series()
    digits = [padded.str.slice(i, 1).cast(pl.Int64, strict=False) for i in range(10)]
    total = digits[0] * 10
    for index in range(1, 9):
        total = total + digits[index] * (10 - index)
    remainder = total % 11
    check = pl.select(
        pl.when(pl.lit(remainder) < 2).then(pl.lit(remainder)).otherwise(11 - pl.lit(remainder))
    ).to_series()
    # Ten equal digits pass the checksum; refuse them explicitly (no regex backrefs).
    repeated = padded.is_in([digit * 10 for digit in "0123456789"])
    good = padded.is_not_null() & (check == digits[9]).fill_null(False) & ~repeated
    if good.all():
        return padded, None
    return padded, good


def _numbers(series: pl.Series) -> pl.Series:
    cleaned = pl.select(
        ascii_digits(pl.lit(series))
        .str.replace_all("٫", ".")
        .str.replace_all("/", ".", literal=True)
        .str.replace_all(_GROUPING_RE, "")
    ).to_series()
    return cleaned


# Kinds whose values are mostly distinct (ids, e-mails): grouping by value would not
# pay for itself, so they are converted row by row (with a vectorised fast path).
_ROW_BY_ROW: Final = frozenset(
    {DargahType.NATIONAL_ID, DargahType.IDENTIFIER, DargahType.EMAIL, DargahType.URL}
)


def convert_field(
    field: SchemaField,
    raw: pl.Series,
    rows: pl.Series,
    *,
    codes: CodeLookup | None = None,
) -> Converted:
    """Normalise and type one column; report the values that are wrong or missing.

    ``raw`` is the column as read (strings, null for empty cells); ``rows`` the row
    numbers as in the file. Constraints of the field are checked here too.
    """
    if field.dargah_type not in _ROW_BY_ROW and raw.len() > 1:
        keys = raw.unique()
        if keys.len() * 2 <= raw.len():
            return _convert_distinct(field, raw, rows, DistinctValues(raw, keys), codes)
    values, findings = _convert(field, raw, rows, codes)
    return Converted(values=values, issues=_concat(findings))


def _concat(findings: list[pl.DataFrame]) -> pl.DataFrame:
    return pl.concat(findings) if findings else issues.empty_issues()


def _convert_distinct(
    field: SchemaField,
    raw: pl.Series,
    rows: pl.Series,
    distinct: DistinctValues,
    codes: CodeLookup | None,
) -> Converted:
    """Convert each distinct value once, then spread values and findings to the rows.

    Every step of ``_convert`` looks at one value at a time, so this is the same as
    converting the rows; the findings keep their order (by kind, then by row).
    """
    positions = pl.int_range(distinct.keys.len(), dtype=pl.Int64, eager=True)
    values, findings = _convert(field, distinct.keys, positions, codes)
    spread = [distinct.spread_frame(frame, rows, key="row") for frame in findings]
    return Converted(values=distinct.spread(values), issues=_concat(spread))


def _convert(
    field: SchemaField,
    raw: pl.Series,
    rows: pl.Series,
    codes: CodeLookup | None,
    *,
    fast_paths: bool = True,
) -> tuple[pl.Series, list[pl.DataFrame]]:
    """Typed values and findings (one frame per kind of check, each in row order).

    ``fast_paths=False`` sends every row through the full path (tests compare the two).
    """
    clean = _already_clean(field.dargah_type, raw) if fast_paths else None
    if clean is None:
        text = _blank_to_null(raw)
        values, text, findings = _typed(field, text, rows, codes)
    elif clean.all():
        text = values = raw
        findings = []
    else:
        # Only the rows that are not already clean take the full path; a clean row
        # has no type finding, and its text and value are the raw value.
        messy = ~clean
        at = messy.arg_true()
        typed, messy_text, findings = _typed(
            field, _blank_to_null(raw.filter(messy)), rows.filter(messy), codes
        )
        values = raw.clone().scatter(at, typed)
        text = raw.clone().scatter(at, messy_text)
    values = values.cast(storage_dtype(field)).rename(field.name)
    findings.extend(_constraint_findings(field, values, text, rows))
    return values, findings


def _typed(
    field: SchemaField, text: pl.Series, rows: pl.Series, codes: CodeLookup | None
) -> tuple[pl.Series, pl.Series, list[pl.DataFrame]]:
    """The values of ``text`` (stripped, blanks null) as the field's type, the text the
    findings show, and the type findings."""
    name = field.name
    findings: list[pl.DataFrame] = []
    kind = field.dargah_type
    values: pl.Series

    if kind in (DargahType.TEXT, DargahType.PERSIAN_TEXT):
        # Findings show the normalised text of these fields.
        values, text = _normalise_text(text)
    elif kind is DargahType.IDENTIFIER:
        plain = pl.select(ascii_digits(pl.lit(text)).str.strip_chars()).to_series()
        values, _ = _normalise_text(plain)
    elif kind is DargahType.NATIONAL_ID:
        values, good = _national_ids(text)
        if good is not None:
            bad = text.is_not_null() & ~good
            checked, code, fa, en = _per_unique(
                text.filter(bad), validate_national_id, pl.String, issues.PATTERN
            )
            findings.append(_type_findings(rows.filter(bad), text.filter(bad), code, fa, en, name))
            # The toolkit's verdict stands for the rest: its value where it accepted one
            # (an id with a tatweel or half-space inside), null with a finding otherwise.
            values = pl.select(pl.when(good).then(values)).to_series()
            values = values.scatter(bad.arg_true(), checked)
    elif kind in (
        DargahType.LEGAL_ENTITY_ID,
        DargahType.POSTAL_CODE,
        DargahType.IBAN,
        DargahType.MOBILE,
    ):
        validator: Callable[[str], str] = {
            DargahType.LEGAL_ENTITY_ID: validate_legal_entity_id,
            DargahType.POSTAL_CODE: validate_postal_code,
            DargahType.IBAN: validate_iban,
            DargahType.MOBILE: validate_mobile,
        }[kind]
        values, code, fa, en = _per_unique(text, validator, pl.String, issues.PATTERN)
        findings.append(_type_findings(rows, text, code, fa, en, name))
    elif kind is DargahType.EMAIL:
        values = text.str.to_lowercase()
        failed = values.is_not_null() & ~values.str.contains(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
        findings.append(_fixed_findings(rows, text, failed, name, issues.EMAIL))
        values = pl.select(pl.when(~failed).then(values)).to_series()
    elif kind is DargahType.URL:
        failed = text.is_not_null() & ~text.str.contains(r"^https?://\S+$")
        findings.append(_fixed_findings(rows, text, failed, name, issues.URL))
        values = pl.select(pl.when(~failed).then(text)).to_series()
    elif kind is DargahType.CODE:
        lookup = codes
        if lookup is None:
            raise KeyError(f"code list {field.code_list} not supplied for field {name}")
        values, code, fa, en = _per_unique(
            text, lambda typed: _resolve_code(lookup, typed), pl.String, issues.CODE_UNKNOWN
        )
        findings.append(_type_findings(rows, text, code, fa, en, name))
        deprecated = values.is_in(lookup.deprecated)
        if deprecated.any():
            findings.append(
                issues.issue_frame(
                    rows.filter(deprecated),
                    text.filter(deprecated),
                    field=name,
                    text=issues.CODE_DEPRECATED,
                    severity=issues.WARNING,
                )
            )
    elif kind is DargahType.JALALI_DATE:
        values = _jalali_dates(text)
        slow = text.is_not_null() & values.is_null()
        if slow.any():
            checked, code, fa, en = _per_unique(
                text.filter(slow), _jalali_or_iso, pl.Date, issues.DATE
            )
            findings.append(
                _type_findings(rows.filter(slow), text.filter(slow), code, fa, en, name)
            )
            values = values.scatter(slow.arg_true(), checked)
    elif kind is DargahType.DATE:
        values, code, fa, en = _per_unique(text, _iso_date, pl.Date, issues.DATE)
        findings.append(_type_findings(rows, text, code, fa, en, name))
    elif kind is DargahType.ACADEMIC_TERM:
        cleaned = pl.select(
            ascii_digits(pl.lit(text)).str.replace_all(r"\s*[/_.\s]\s*|\s*-\s*", "-")
        ).to_series()
        failed = cleaned.is_not_null() & ~cleaned.str.contains(r"^1[34]\d\d-[123]$")
        findings.append(_fixed_findings(rows, text, failed, name, issues.TERM))
        values = pl.select(pl.when(~failed).then(cleaned)).to_series()
    elif kind is DargahType.BOOLEAN:
        values, code, fa, en = _per_unique(text, _boolean, pl.Boolean, issues.BOOLEAN)
        findings.append(_type_findings(rows, text, code, fa, en, name))
    else:  # numbers
        cleaned = _numbers(text)
        if kind is DargahType.PERCENT:
            cleaned = cleaned.str.strip_chars_end("%٪")
        as_float = cleaned.cast(pl.Float64, strict=False)
        if kind in (DargahType.NUMBER, DargahType.PERCENT):
            failed = cleaned.is_not_null() & as_float.is_null()
            findings.append(_fixed_findings(rows, text, failed, name, issues.NUMBER))
            values = as_float
        else:
            whole = as_float.is_not_null() & (as_float == as_float.round(0))
            text_fail = {
                DargahType.MONEY_RIAL: issues.MONEY,
                DargahType.YEAR: issues.YEAR,
            }.get(kind, issues.INTEGER)
            failed = cleaned.is_not_null() & ~whole.fill_null(False)
            findings.append(_fixed_findings(rows, text, failed, name, text_fail))
            as_int = cleaned.cast(pl.Int64, strict=False)
            values = pl.select(
                pl.when(as_int.is_not_null())
                .then(as_int)
                .otherwise(pl.when(whole).then(as_float.cast(pl.Int64, strict=False)))
            ).to_series()
            if kind is DargahType.YEAR:
                wrong = values.is_not_null() & ~values.is_between(1300, 1500)
                findings.append(_fixed_findings(rows, text, wrong, name, issues.YEAR))
                values = pl.select(pl.when(~wrong).then(values)).to_series()

    return values, text, findings


_JALALI_PARTS: Final = r"^\s*(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*$"


@cache
def _jalali_calendar() -> pl.DataFrame:
    """Every day of Jalali years 1200–1599 as (yyyymmdd, Gregorian date), for joins.

    Built in numpy from each year's first day and length (the toolkit is asked 800
    times, not 146,000): it sits on the path of the first file a process reads.
    """
    epoch = date(1970, 1, 1).toordinal()
    keys: list[np.ndarray] = []
    days: list[np.ndarray] = []
    for year in range(1200, 1600):
        first = jdatetime.date(year, 1, 1)
        lengths = [31] * 6 + [30] * 5 + [30 if first.isleap() else 29]
        months = np.repeat(np.arange(1, 13), lengths)
        day_of_month = np.concatenate([np.arange(1, length + 1) for length in lengths])
        keys.append(year * 10000 + months * 100 + day_of_month)
        start = first.togregorian().toordinal() - epoch
        days.append(start + np.arange(months.size))
    return pl.DataFrame(
        {
            "_key": pl.Series(np.concatenate(keys), dtype=pl.Int64),
            "_date": pl.Series(np.concatenate(days).astype(np.int32)).cast(pl.Date),
        }
    )


# The calendar as a flat table with one slot per (year, month, day ≤ 31), so that a date
# is found by arithmetic and one gather instead of a join on the 146,000-day table.
_FIRST_YEAR: Final = 1200
_YEARS: Final = 400


@cache
def _jalali_slots() -> pl.Series:
    """Gregorian date per slot ``(year − 1200)·372 + (month − 1)·31 + day − 1``; null
    where no such day exists (1402/07/31, 1402/12/30)."""
    table = _jalali_calendar()
    key = table["_key"]
    slot = (key // 10000 - _FIRST_YEAR) * 372 + (key // 100 % 100 - 1) * 31 + key % 100 - 1
    empty = pl.Series("_date", dtype=pl.Date).extend_constant(None, _YEARS * 372)
    return empty.scatter(slot, table["_date"])


def _jalali_dates(text: pl.Series) -> pl.Series:
    """Dates typed as YYYY/MM/DD (any digits, / - or .), converted in columns; null
    for anything else (the toolkit then gives the verdict and the message)."""
    parts = pl.select(ascii_digits(pl.lit(text)).str.extract_groups(_JALALI_PARTS)).to_series()
    year = parts.struct.field("1").cast(pl.Int64, strict=False)
    month = parts.struct.field("2").cast(pl.Int64, strict=False)
    day = parts.struct.field("3").cast(pl.Int64, strict=False)
    in_table = (
        year.is_between(_FIRST_YEAR, _FIRST_YEAR + _YEARS - 1)
        & month.is_between(1, 12)
        & day.is_between(1, 31)
    )
    slot = pl.select(
        pl.when(in_table).then((year - _FIRST_YEAR) * 372 + (month - 1) * 31 + day - 1)
    ).to_series()
    return _jalali_slots().gather(slot)


def _resolve_code(lookup: CodeLookup, typed: str) -> str:
    found = lookup.resolve(typed)
    if found is None:
        raise ValueError(typed)
    return found[0]


def _jalali_or_iso(typed: str) -> date:
    # Excel date cells arrive as ISO Gregorian text; a Jalali year is never above 1500.
    matched = _ISO_DATE.match(typed)
    if matched and int(matched.group(1)) > 1800:
        return _iso_date(typed)
    return parse_jalali_date(typed)


def _iso_date(typed: str) -> date:
    matched = _ISO_DATE.match(normalize(typed))
    if not matched:
        raise ValueError(typed)
    year, month, day = (int(part) for part in matched.groups())
    return date(year, month, day)


def _boolean(typed: str) -> bool:
    found = _BOOLEAN_KEYS.get(match_key(typed))
    if found is None:
        raise ValueError(typed)
    return found


_TEXT_KINDS: Final = frozenset({DargahType.TEXT, DargahType.PERSIAN_TEXT, DargahType.IDENTIFIER})


def _constraint_findings(
    field: SchemaField, values: pl.Series, raw: pl.Series, rows: pl.Series
) -> list[pl.DataFrame]:
    rules = field.constraints
    name = field.name
    findings = []
    if rules.required:
        # Text that normalises to nothing (only half-spaces or tatweels) is missing too.
        missing = values.is_null() if field.dargah_type in _TEXT_KINDS else raw.is_null()
        if missing.any():
            findings.append(_fixed_findings(rows, raw, missing, name, issues.REQUIRED))
    checks: list[tuple[pl.Series, FindingText]] = []
    if values.dtype.is_numeric():
        if rules.minimum is not None:
            checks.append((values < rules.minimum, issues.MINIMUM))
        if rules.maximum is not None:
            checks.append((values > rules.maximum, issues.MAXIMUM))
    if values.dtype == pl.String:
        if rules.min_length is not None:
            checks.append((values.str.len_chars() < rules.min_length, issues.MIN_LENGTH))
        if rules.max_length is not None:
            checks.append((values.str.len_chars() > rules.max_length, issues.MAX_LENGTH))
        if rules.pattern is not None:
            checks.append((~values.str.contains(f"^(?:{rules.pattern})$"), issues.PATTERN))
    if rules.enum is not None:
        allowed = [str(item) for item in rules.enum]
        checks.append((~values.cast(pl.String).is_in(allowed), issues.ENUM))
    for failed, text in checks:
        failed = failed.fill_null(False)
        if failed.any():
            findings.append(_fixed_findings(rows, raw, failed, name, text))
    return findings
