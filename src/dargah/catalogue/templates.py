"""Blank templates an institution fills in: an Excel workbook and a CSV file per version.

Pure: a data-set document and its code values in, file bytes out. The service layer
(``catalogue.publishing``) looks the inputs up and serves the bytes.

The workbook has three sheets, the data sheet first because readers take the first sheet:

- ``داده‌ها`` (data): one header row of field titles (Persian by default), right to left,
  frozen; each header carries a comment with the field's name, other title, type and
  description; every column has one data validation whose input message says what to
  type. Code fields get a drop-down of *labels* (submissions accept a label, an alias or a
  code, so a label is what a person should see); text-like columns are formatted as text
  so Excel keeps leading zeros and does not turn ``1403-1`` into a date.
- ``راهنما`` (instructions): how to fill the sheet and a table of the fields.
- ``کدها`` (lists, hidden): two columns per code list — what the drop-down offers (the
  range it points at; a range rather than an inline list because Excel caps inline
  lists at 255 characters) and each entry's code — headed by the list's title and
  «کد» in the template's language, right to left.

Validations cover rows 2 to ``MAX_ROWS + 1``; rows past that are accepted by submissions
but get no drop-down. Every text written goes through :func:`neutralise_formula`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.fonts import DEFAULT_FONT
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from dargah.catalogue.documents import CodeValueDocument, DatasetDocument
from dargah.catalogue.schema import DARGAH_TYPE_LABELS, DargahType, SchemaField, TableSchema
from dargah.persian import match_key, to_persian_digits

TemplateLanguage = Literal["fa", "en", "names"]
LANGUAGES: Final[tuple[TemplateLanguage, ...]] = ("fa", "en", "names")

DATA_SHEET: Final = "داده‌ها"
GUIDE_SHEET: Final = "راهنما"
LISTS_SHEET: Final = "کدها"
MAX_ROWS: Final = 10_000  # data rows that get validations: 2 … MAX_ROWS + 1
CREATOR: Final = "Dargah"

_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")

# Excel's limits on a data validation's texts; longer ones make Excel "repair" the file.
_PROMPT_TITLE_MAX: Final = 32
_PROMPT_MAX: Final = 255
_ERROR_MAX: Final = 225
# Excel stores 15 significant digits; an unbounded number column still gets this range so
# Excel flags text typed into it.
_NUMBER_LIMIT: Final = 999_999_999_999_999

_REQUIRED_FILL: Final = PatternFill("solid", fgColor="FFE699")
_OPTIONAL_FILL: Final = PatternFill("solid", fgColor="DDEBF7")

# Columns Excel must keep as typed: codes and ids with leading zeros, dates, terms.
_TEXT_TYPES: Final = frozenset({"string", "date"})
_WHOLE_TYPES: Final = frozenset({DargahType.INTEGER, DargahType.YEAR, DargahType.MONEY_RIAL})
_DECIMAL_TYPES: Final = frozenset({DargahType.NUMBER, DargahType.PERCENT})

_Pair = tuple[str, str]  # (Persian, English)

_TEXT: Final[dict[str, _Pair]] = {
    "required": ("الزامی", "Required"),
    "optional": ("اختیاری", "Optional"),
    "yes": ("بله", "Yes"),
    "no": ("خیر", "No"),
    "example": ("مثال: ", "Example: "),
    "type": ("نوع: ", "Type: "),
    "name": ("نام فیلد: ", "Field name: "),
    "range": ("مجاز: ", "Allowed: "),
    "not_in_list": (
        "این مقدار در فهرست نیست. از فهرست کشویی انتخاب کنید یا کد معتبر بنویسید.",
        "This value is not in the list. Pick one from the drop-down or type a valid code.",
    ),
    "not_allowed": ("مقدار نامعتبر", "Invalid value"),
    "identifier": ("شناسه", "Identifier"),
    "version": ("نسخه", "Version"),
    "how_to": ("راهنمای پر کردن", "How to fill in this template"),
    "fields": ("فیلدها", "Fields"),
    "rules": ("قواعد بررسی", "Checks across fields"),
    "notes": ("نکته‌های کاربرد", "Usage notes"),
    "code": ("کد", "Code"),
}

_HOW_TO: Final[tuple[_Pair, ...]] = (
    (
        "در برگه «داده‌ها» برای هر رکورد یک سطر پر کنید؛ از سطر دوم شروع کنید.",
        "In the sheet «داده‌ها» (data) fill one row per record, starting at row 2.",
    ),
    (
        "سطر عنوان‌ها را تغییر ندهید، جابه‌جا نکنید و ستونی حذف یا اضافه نکنید.",
        "Do not change, move, add or remove the header row's columns.",
    ),
    (
        "ستون‌های زرد الزامی‌اند؛ ستون‌های آبی اختیاری‌اند و می‌توانند خالی بمانند.",
        "Yellow columns are required; blue ones are optional and may be left empty.",
    ),
    (
        "برای ستون‌های دارای فهرست کشویی، مقدار را از فهرست انتخاب کنید.",
        "Where a column has a drop-down, pick the value from the list.",
    ),
    (
        "تاریخ‌ها را شمسی و به شکل سال/ماه/روز بنویسید، مانند ۱۴۰۲/۰۷/۱۵.",
        "Write dates in the Jalali calendar as year/month/day, e.g. 1402/07/15.",
    ),
    (
        "کد ملی و کدهای عددی را کامل و با صفرهای آغازین بنویسید.",
        "Write national ids and numeric codes in full, keeping leading zeros.",
    ),
    (
        f"فهرست‌های کشویی و راهنمای ستون‌ها برای {to_persian_digits(str(MAX_ROWS))} "
        "سطر نخست داده فعال‌اند.",
        f"Drop-downs and column hints cover the first {MAX_ROWS} data rows.",
    ),
)

_GUIDE_COLUMNS: Final[tuple[_Pair, ...]] = (
    ("نام فیلد", "Field name"),
    ("عنوان فارسی", "Persian title"),
    ("عنوان انگلیسی", "English title"),
    ("نوع", "Type"),
    ("الزامی", "Required"),
    ("فهرست کد", "Code list"),
    ("مقدار مجاز", "Allowed values"),
    ("توضیح", "Description"),
    ("مثال", "Example"),
)

# What to type in a column of each kind: (hint, default example), both as (fa, en).
_HINTS: Final[dict[DargahType, tuple[_Pair, _Pair | None]]] = {
    DargahType.NATIONAL_ID: (
        ("۱۰ رقم، با صفرهای آغازین", "10 digits, keep leading zeros"),
        ("۰۰۱۲۳۴۵۶۷۹", "0012345679"),
    ),
    DargahType.LEGAL_ENTITY_ID: (("۱۱ رقم", "11 digits"), ("۱۴۰۰۰۱۲۳۴۵۳", "14000123453")),
    DargahType.POSTAL_CODE: (("۱۰ رقم، بدون خط تیره", "10 digits, no dash"), None),
    DargahType.MOBILE: (("شماره همراه", "Mobile number"), ("۰۹۱۲۱۲۳۴۵۶۷", "09121234567")),
    DargahType.IBAN: (("IR و ۲۴ رقم", "IR and 24 digits"), None),
    DargahType.EMAIL: (
        ("نشانی رایانامه", "E-mail address"),
        ("name@example.ac.ir", "name@example.ac.ir"),
    ),
    DargahType.URL: (
        ("نشانی وب", "Web address"),
        ("https://example.ac.ir", "https://example.ac.ir"),
    ),
    DargahType.CODE: (("از فهرست کشویی انتخاب کنید", "Pick from the drop-down"), None),
    DargahType.JALALI_DATE: (
        ("تاریخ شمسی، سال/ماه/روز", "Jalali date, year/month/day"),
        ("۱۴۰۲/۰۷/۱۵", "1402/07/15"),
    ),
    DargahType.DATE: (
        ("تاریخ میلادی، سال-ماه-روز", "Gregorian date, year-month-day"),
        ("2023-10-07", "2023-10-07"),
    ),
    DargahType.YEAR: (("سال شمسی چهاررقمی", "Four-digit Jalali year"), ("۱۴۰۳", "1403")),
    DargahType.ACADEMIC_TERM: (
        ("سال-نیمسال؛ نیمسال ۳ یعنی تابستان", "year-term; term 3 is summer"),
        ("۱۴۰۳-۱", "1403-1"),
    ),
    DargahType.INTEGER: (("عدد صحیح", "Whole number"), None),
    DargahType.NUMBER: (("عدد", "Number"), None),
    DargahType.MONEY_RIAL: (("مبلغ به ریال، بدون اعشار", "Amount in rials, no decimals"), None),
    DargahType.PERCENT: (("درصد، بدون علامت ٪", "Percent, without the % sign"), None),
    DargahType.BOOLEAN: (("بله یا خیر", "Yes or No"), None),
}


def neutralise_formula(text: str) -> str:
    """``text`` made safe to put in a spreadsheet cell: no formula can start it.

    A cell beginning with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return, which
    some spreadsheets skip before them) is run as a formula when the file is opened —
    CSV injection. An apostrophe in front makes it plain text. Use it for every *text*
    cell written to a CSV or XLSX file; write numbers as numbers so ``-5`` stays a number.
    """
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def column_headers(schema: TableSchema, *, language: TemplateLanguage = "fa") -> list[str]:
    """The header of each column, in order: Persian or English titles, or field names.

    These are the texts before :func:`neutralise_formula`; a submission reader matches a
    file's headers against them.
    """
    _check_language(language)
    if language == "names":
        return schema.field_names
    return [_pick((field.title, field.title_en), language) for field in schema.fields]


def csv_template(dataset: DatasetDocument, *, language: TemplateLanguage = "fa") -> bytes:
    """The CSV template of a version: one header row, no data.

    UTF-8 with a byte-order mark, because Excel opens a BOM-less UTF-8 file in the local
    ANSI code page and shows Persian as mojibake; CRLF line ends, as RFC 4180 says.
    """
    headers = column_headers(dataset.schema_, language=language)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(
        [neutralise_formula(header) for header in headers]
    )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_template(
    dataset: DatasetDocument,
    code_values: Mapping[str, Sequence[CodeValueDocument]],
    *,
    language: TemplateLanguage = "fa",
    code_list_titles: Mapping[str, tuple[str, str]] | None = None,
) -> bytes:
    """The Excel template of a version (see the module docstring for its layout).

    ``code_values`` maps each code list the schema uses to its values; deprecated values
    are left out of the drop-downs. ``code_list_titles`` gives each list's (Persian,
    English) title for the headers; a list without one is headed by the title of the
    first field that uses it. Raises ``ValueError`` if a list is missing.
    """
    schema = dataset.schema_
    headers = column_headers(schema, language=language)
    missing = sorted(schema.code_lists - set(code_values))
    if missing:
        raise ValueError(f"code values missing for: {', '.join(missing)}")

    workbook = Workbook()
    data = workbook.active
    data.title = DATA_SHEET
    guide = workbook.create_sheet(GUIDE_SHEET)
    lists = workbook.create_sheet(LISTS_SHEET)
    # Hidden, not "veryHidden": an operator can still unhide it to see the lists.
    lists.sheet_state = "hidden"
    right_to_left = language != "en"
    data.sheet_view.rightToLeft = right_to_left
    guide.sheet_view.rightToLeft = right_to_left
    lists.sheet_view.rightToLeft = right_to_left

    titles = _list_titles(schema, code_list_titles or {}, language)
    ranges = _write_lists(lists, schema, code_values, titles, language)
    _write_data_sheet(data, schema, headers, ranges, language)
    _write_guide(guide, dataset, titles, language)

    title = _pick((dataset.title_fa, dataset.title_en), language)
    workbook.properties.title = f"{title} — {dataset.version}"
    workbook.properties.subject = f"{dataset.id} {dataset.version}"
    workbook.properties.creator = CREATOR
    workbook.properties.lastModifiedBy = CREATOR
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- the data sheet ----------------------------------------------------------------------


def _write_data_sheet(
    sheet: Worksheet,
    schema: TableSchema,
    headers: list[str],
    ranges: Mapping[str, str],
    language: TemplateLanguage,
) -> None:
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 36
    for index, (field, header) in enumerate(zip(schema.fields, headers, strict=True), 1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=neutralise_formula(header))
        cell.font = _font(bold=field.required)
        cell.fill = _REQUIRED_FILL if field.required else _OPTIONAL_FILL
        cell.alignment = Alignment(
            horizontal="center",
            vertical="center",
            wrap_text=True,
            readingOrder=1 if language == "en" else 2,  # 2: right to left
        )
        comment = Comment(_header_note(field, language), CREATOR)
        comment.width, comment.height = 320, 160
        cell.comment = comment
        sheet.column_dimensions[letter].width = min(max(len(header) * 1.2 + 4, 14), 45)
        if field.type in _TEXT_TYPES:
            sheet.column_dimensions[letter].number_format = "@"
        validation = _validation(field, ranges, language)
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)


def _header_note(field: SchemaField, language: TemplateLanguage) -> str:
    other = {
        "fa": [field.title_en],
        "en": [field.title],
        "names": [field.title, field.title_en],
    }[language]
    lines = [
        _pick(_TEXT["name"], language) + field.name,
        *other,
        _pick(_TEXT["type"], language) + _pick(DARGAH_TYPE_LABELS[field.dargah_type], language),
        _pick(_TEXT["required" if field.required else "optional"], language),
    ]
    description = _description(field, language)
    if description:
        lines.append(description)
    return neutralise_formula("\n".join(lines))


def _validation(
    field: SchemaField, ranges: Mapping[str, str], language: TemplateLanguage
) -> DataValidation:
    """The one validation Excel allows per cell: a check if there is one, and the prompt.

    Every error style is "warning", not "stop": people on a Persian keyboard type Persian
    digits, which Excel stores as text and a "stop" would refuse — the submission reader
    accepts them. The warning still tells them; submission validation decides.
    """
    constraints = field.constraints
    kind = field.dargah_type
    options: dict[str, Any] = {}
    if kind is DargahType.CODE and field.code_list and field.code_list in ranges:
        options = {"type": "list", "formula1": ranges[field.code_list]}
        error = _pick(_TEXT["not_in_list"], language)
    elif kind is DargahType.BOOLEAN:
        choices = ",".join(_pick(_TEXT[word], language) for word in ("yes", "no"))
        options = {"type": "list", "formula1": f'"{choices}"'}
        error = _pick(_TEXT["not_in_list"], language)
    elif kind in _WHOLE_TYPES or kind in _DECIMAL_TYPES:
        options = {"type": "whole" if kind in _WHOLE_TYPES else "decimal"}
        options |= _bounds(constraints.minimum, constraints.maximum, -_NUMBER_LIMIT)
        error = _range_text(field, language) or _pick(_HINTS[kind][0], language)
    elif constraints.max_length is not None or constraints.min_length is not None:
        options = {"type": "textLength"}
        options |= _bounds(constraints.min_length, constraints.max_length, 0)
        error = _range_text(field, language)
    else:
        error = ""
    return DataValidation(
        allow_blank=True,
        showInputMessage=True,
        showErrorMessage=bool(options),
        errorStyle="warning",
        promptTitle=_clip(_field_title(field, language), _PROMPT_TITLE_MAX),
        prompt=_clip(_prompt(field, language), _PROMPT_MAX),
        errorTitle=_clip(_pick(_TEXT["not_allowed"], language), _PROMPT_TITLE_MAX),
        error=_clip(error, _ERROR_MAX) or None,
        **options,
    )


def _bounds(low: float | None, high: float | None, floor: float) -> dict[str, Any]:
    """Operator and formulas for a range; an open end gets Excel's widest sensible one."""
    if low is not None and high is not None:
        return {"operator": "between", "formula1": _number(low), "formula2": _number(high)}
    if low is not None:
        return {"operator": "greaterThanOrEqual", "formula1": _number(low)}
    if high is not None:
        return {"operator": "lessThanOrEqual", "formula1": _number(high)}
    return {
        "operator": "between",
        "formula1": _number(floor),
        "formula2": _number(_NUMBER_LIMIT),
    }


def _prompt(field: SchemaField, language: TemplateLanguage) -> str:
    """The input message: required or not, what to type, the allowed range, an example."""
    parts = [_pick(_TEXT["required" if field.required else "optional"], language)]
    hint, default_example = _HINTS.get(field.dargah_type, (None, None))
    if hint:
        parts.append(_pick(hint, language))
    allowed = _range_text(field, language)
    if allowed:
        parts.append(allowed)
    example = field.example or (_pick(default_example, language) if default_example else None)
    if example:
        parts.append(_pick(_TEXT["example"], language) + example)
    description = _description(field, language)
    if description:
        parts.append(description)
    return neutralise_formula("\n".join(parts))


# -- the code lists ----------------------------------------------------------------------


def _list_titles(
    schema: TableSchema, given: Mapping[str, tuple[str, str]], language: TemplateLanguage
) -> dict[str, str]:
    """Each code list's title in the template's language: its own, else the title of
    the first field that uses it (never the list's id, which a clerk cannot read)."""
    titles: dict[str, str] = {}
    for field in schema.fields:
        slug = field.code_list
        if slug is not None and slug not in titles:
            pair = given.get(slug) or (field.title, field.title_en)
            titles[slug] = _pick(pair, language)
    return titles


def _write_lists(
    sheet: Worksheet,
    schema: TableSchema,
    code_values: Mapping[str, Sequence[CodeValueDocument]],
    titles: Mapping[str, str],
    language: TemplateLanguage,
) -> dict[str, str]:
    """Two columns per code list, in order of first use — the drop-down's entries and
    their codes; code list id → the entries' range formula."""
    ranges: dict[str, str] = {}
    column = -1
    bold = _font(bold=True)
    for field in schema.fields:
        slug = field.code_list
        if slug is None or slug in ranges:
            continue
        live = [value for value in code_values[slug] if not value.deprecated]
        entries = _list_entries(code_values[slug], language)
        if not entries:
            continue  # every value deprecated: nothing to offer, the prompt still shows
        column += 2
        letter = get_column_letter(column)
        head = sheet.cell(row=1, column=column, value=neutralise_formula(titles[slug]))
        code_head = sheet.cell(row=1, column=column + 1, value=_pick(_TEXT["code"], language))
        head.font = code_head.font = bold
        for row, (entry, value) in enumerate(zip(entries, live, strict=True), 2):
            sheet.cell(row=row, column=column, value=neutralise_formula(entry))
            sheet.cell(row=row, column=column + 1, value=neutralise_formula(value.code))
        sheet.column_dimensions[letter].width = 30
        sheet.column_dimensions[get_column_letter(column + 1)].width = 14
        quoted = "'" + LISTS_SHEET.replace("'", "''") + "'"
        ranges[slug] = f"{quoted}!${letter}$2:${letter}${len(entries) + 1}"
    return ranges


def _list_entries(values: Sequence[CodeValueDocument], language: TemplateLanguage) -> list[str]:
    """What the drop-down offers for each current value: its label, unless that is ambiguous.

    A label that another value also answers to (same normalised label, an alias, or
    another value's code) would be read back as the wrong value, so such a value is
    offered as its code, which a submission always reads exactly.
    """
    live = [value for value in values if not value.deprecated]
    owners: dict[str, int] = {}
    for value in live:
        for key in _keys(value):
            owners[key] = owners.get(key, 0) + 1
    codes = {value.code for value in live}
    entries = []
    for value in live:
        label = value.label_en if language == "en" else value.label_fa
        key = match_key(label)
        clashes = owners.get(key, 0) > 1 or (label.strip() in codes and label != value.code)
        entries.append(value.code if clashes or not key else label)
    return entries


def _keys(value: CodeValueDocument) -> set[str]:
    # The same texts a code-list lookup matches on (codelists.value_keys).
    texts = (value.code, value.label_fa, value.label_en, *value.aliases)
    return {match_key(text) for text in texts} - {""}


# -- the instructions sheet ----------------------------------------------------------------


def _write_guide(
    sheet: Worksheet,
    dataset: DatasetDocument,
    list_titles: Mapping[str, str],
    language: TemplateLanguage,
) -> None:
    bold = _font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 1

    def put(values: Sequence[str | None], *, font: Font | None = None) -> None:
        nonlocal row
        for column, value in enumerate(values, 1):
            if value:
                cell = sheet.cell(row=row, column=column, value=neutralise_formula(value))
                cell.alignment = wrap
                if font is not None:
                    cell.font = font
        row += 1

    put([_pick((dataset.title_fa, dataset.title_en), language)], font=_font(bold=True, size=14))
    put(
        [
            _pick(_TEXT["identifier"], language) + ": " + dataset.id,
            _pick(_TEXT["version"], language) + ": " + dataset.version,
        ]
    )
    put([_pick((dataset.description_fa, dataset.description_en), language)])
    notes = _pick((dataset.usage_notes_fa or "", dataset.usage_notes_en or ""), language)
    if notes:
        put([_pick(_TEXT["notes"], language) + ": " + notes])
    row += 1
    put([_pick(_TEXT["how_to"], language)], font=bold)
    for step, text in enumerate(_HOW_TO, 1):
        put([f"{_digits(step, language)}. {_pick(text, language)}"])
    row += 1
    put([_pick(_TEXT["fields"], language)], font=bold)
    put([_pick(column, language) for column in _GUIDE_COLUMNS], font=bold)
    for field in dataset.schema_.fields:
        put(
            [
                field.name,
                field.title,
                field.title_en,
                _pick(DARGAH_TYPE_LABELS[field.dargah_type], language),
                _pick(_TEXT["yes" if field.required else "no"], language),
                list_titles.get(field.code_list) if field.code_list else None,
                _range_text(field, language),
                _description(field, language),
                field.example,
            ]
        )
    if dataset.schema_.rules:
        row += 1
        put([_pick(_TEXT["rules"], language)], font=bold)
        for rule in dataset.schema_.rules:
            put([rule.id, _pick((rule.message_fa, rule.message_en), language)])
    for column, width in enumerate((22, 26, 26, 16, 10, 18, 24, 50, 18), 1):
        sheet.column_dimensions[get_column_letter(column)].width = width


# -- small helpers -----------------------------------------------------------------------


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")


def _pick(pair: _Pair, language: TemplateLanguage) -> str:
    """The English text for ``en``; the Persian one for ``fa`` and ``names``."""
    return pair[1] if language == "en" else pair[0]


def _field_title(field: SchemaField, language: TemplateLanguage) -> str:
    return _pick((field.title, field.title_en), language)


def _description(field: SchemaField, language: TemplateLanguage) -> str:
    return _pick((field.description or "", field.description_en or ""), language)


def _range_text(field: SchemaField, language: TemplateLanguage) -> str:
    """The field's constraints in words: range, length, allowed values, pattern."""
    constraints = field.constraints
    low, high = constraints.minimum, constraints.maximum
    parts: list[str] = []
    if low is not None and high is not None:
        parts.append(_words(("از {0} تا {1}", "from {0} to {1}"), language, low, high))
    elif low is not None:
        parts.append(_words(("دست‌کم {0}", "at least {0}"), language, low))
    elif high is not None:
        parts.append(_words(("حداکثر {0}", "at most {0}"), language, high))
    shortest, longest = constraints.min_length, constraints.max_length
    if shortest is not None and longest is not None:
        pair = ("{0} تا {1} نویسه", "{0} to {1} characters")
        parts.append(_words(pair, language, shortest, longest))
    elif longest is not None:
        parts.append(_words(("حداکثر {0} نویسه", "at most {0} characters"), language, longest))
    elif shortest is not None:
        parts.append(_words(("دست‌کم {0} نویسه", "at least {0} characters"), language, shortest))
    if constraints.enum:
        listed = "، ".join(str(item) for item in constraints.enum)
        parts.append(_pick(("یکی از: ", "one of: "), language) + listed)
    if constraints.pattern:
        parts.append(_pick(("الگو: ", "pattern: "), language) + constraints.pattern)
    return "؛ ".join(parts) if language != "en" else "; ".join(parts)


def _words(pair: _Pair, language: TemplateLanguage, *numbers: float) -> str:
    return _pick(pair, language).format(*(_digits(number, language) for number in numbers))


def _digits(number: float, language: TemplateLanguage) -> str:
    text = _number(number)
    return text if language == "en" else to_persian_digits(text)


def _number(value: float) -> str:
    """``5`` and ``5.0`` as ``5``; other numbers as Python writes them."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _font(*, bold: bool, size: float = DEFAULT_FONT.sz) -> Font:
    # Name and size spelt out: a font without them renders oddly in some Excel versions.
    return Font(name=DEFAULT_FONT.name, size=size, bold=bold)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
