"""The query builder's form: posted fields to a ``QuerySpec``, an answer to a table and a
bar chart.

The form posts rows of conditions (field, operator, value) and of aggregates
(function, field), checkboxes for the columns and groups, and the purpose. Values of
``in``, ``not in`` and ``between`` are comma-separated (Persian comma too). ``as_of``
is a period label (1403-1), a Jalali or ISO date (the records at the end of that day,
Tehran time) or a UTC time. The chart is computed here and drawn as inline SVG by
the template: no script and no third-party library, so it works on an intranet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from pydantic import ValidationError

from dargah.access.protection import Access
from dargah.catalogue.documents import CodeValueDocument, DatasetDocument
from dargah.errors import InvalidInput
from dargah.persian import match_key, normalize, to_persian_digits
from dargah.persian.dates import expiry_of_day
from dargah.records.query import (
    MAX_ROWS,
    PERIOD_PATTERN,
    QUERYABLE_SYSTEM_FIELDS,
    CodeChoice,
    QuerySpec,
    coerce_value,
    system_code_matchers,
)
from dargah.records.service import SUPPRESSED, QueryAnswer
from dargah.web.i18n import Language, format_date, format_number, sort_key, translate

OPERATORS: Final = (
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "in",
    "not_in",
    "between",
    "contains",
    "is_null",
    "is_not_null",
)
FUNCTIONS: Final = ("count", "count_distinct", "sum", "avg", "min", "max")
FILTER_ROWS: Final = 4
AGGREGATE_ROWS: Final = 3
DEFAULT_LIMIT: Final = 100
CHART_BARS: Final = 40
_LISTED: Final = frozenset({"in", "not_in", "between"})
_NO_VALUE: Final = frozenset({"is_null", "is_not_null"})
_SPLIT: Final = re.compile(r"\s*[,،]\s*")


@dataclass(frozen=True)
class FieldChoice:
    """A field the caller may use, as the form offers it."""

    name: str
    title: str
    type: str
    masked: bool = False  # shown masked; not usable in conditions, groups or sorting
    system: bool = False

    @property
    def usable(self) -> bool:
        """Whether conditions, groups, sorting and aggregates may use the field."""
        return not self.masked


def field_choices(
    document: DatasetDocument, access: Access, language: Language
) -> list[FieldChoice]:
    """The system columns (the institution, its province and type, the period) and the
    fields the caller's grant allows, masked ones marked."""
    personal_masked = not access.personal
    own = set(document.schema_.field_names)  # a field of a system column's name wins
    choices = [
        FieldChoice(name, translate(language, f"q.system.{name}"), "string", system=True)
        for name in QUERYABLE_SYSTEM_FIELDS
        if name not in own
    ]
    for item in document.schema_.fields:
        if not access.allows(item.name):
            continue
        choices.append(
            FieldChoice(
                item.name,
                item.title if language == "fa" else item.title_en,
                item.type,
                masked=personal_masked and item.sensitivity.is_personal,
            )
        )
    return choices


@dataclass(frozen=True)
class PickerOption:
    """One value a coded field's picker offers: what fills the box and the code beside.

    The box is filled with the label in the page's language — what the person reads —
    and the query reads a label as its code (``records.query.resolve_code_values``);
    a label two values share is offered as the code itself, so a pick is never
    ambiguous.
    """

    value: str
    code: str


def code_pickers(
    document: DatasetDocument,
    code_values: Mapping[str, Sequence[CodeValueDocument]],
    choices: Sequence[FieldChoice],
    language: Language,
) -> dict[str, list[PickerOption]]:
    """The picker options of every usable coded field among ``choices`` (the data
    set's code-list fields, the province and the institution type), sorted by label."""
    lists: dict[str, list[CodeChoice]] = {
        name: list(matcher.choices) for name, matcher in system_code_matchers().items()
    }
    for item in document.schema_.fields:
        if item.code_list is not None and item.code_list in code_values:
            lists[item.name] = [
                CodeChoice(value.code, value.label_fa, value.label_en, tuple(value.aliases))
                for value in code_values[item.code_list]
                if not value.deprecated
            ]
    pickers: dict[str, list[PickerOption]] = {}
    for choice in choices:
        if not choice.usable or choice.name not in lists:
            continue
        if choice.system and choice.name in document.schema_.field_names:
            continue
        values = lists[choice.name]
        shown = [item.label_fa if language == "fa" else item.label_en for item in values]
        counts: dict[str, int] = {}
        for text in shown:
            counts[match_key(text)] = counts.get(match_key(text), 0) + 1
        options = [
            PickerOption(text if counts[match_key(text)] == 1 else item.code, item.code)
            for item, text in zip(values, shown, strict=True)
        ]
        pickers[choice.name] = sorted(options, key=lambda option: sort_key(option.value, language))
    return pickers


@dataclass
class QueryForm:
    """What the person filled in, kept as text to show the form again."""

    grant: str = ""
    select: list[str] = field(default_factory=list)
    filters: list[dict[str, str]] = field(default_factory=list)
    group_by: list[str] = field(default_factory=list)
    count: bool = False
    aggregates: list[dict[str, str]] = field(default_factory=list)
    order_field: str = ""
    order_dir: str = "asc"
    limit: str = str(DEFAULT_LIMIT)
    as_of: str = ""
    purpose: str = ""
    cursor: str = ""
    page: int = 1

    def padded(self) -> QueryForm:
        """The form with empty rows to fill in."""
        filters = [*self.filters]
        filters += [{"field": "", "op": "=", "value": ""}] * (FILTER_ROWS - len(filters))
        aggregates = [*self.aggregates]
        aggregates += [{"fn": "", "field": ""}] * (AGGREGATE_ROWS - len(aggregates))
        return QueryForm(**{**self.__dict__, "filters": filters, "aggregates": aggregates})


def read_form(items: Sequence[tuple[str, str]]) -> QueryForm:
    """The posted form's fields (several values per name for checkboxes)."""
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for key, value in items:
        single[key] = value.strip()
        multi.setdefault(key, []).append(value.strip())
    filters = []
    for index in range(FILTER_ROWS * 4):
        name = single.get(f"where_field_{index}", "")
        if name:
            filters.append(
                {
                    "field": name,
                    "op": single.get(f"where_op_{index}", "="),
                    "value": single.get(f"where_value_{index}", ""),
                }
            )
    aggregates = []
    for index in range(AGGREGATE_ROWS * 4):
        fn = single.get(f"agg_fn_{index}", "")
        if fn:
            aggregates.append({"fn": fn, "field": single.get(f"agg_field_{index}", "")})
    try:
        page = max(1, int(single.get("page", "1") or 1))
    except ValueError:
        page = 1
    return QueryForm(
        grant=single.get("grant", ""),
        select=[name for name in multi.get("select", []) if name],
        filters=filters,
        group_by=[name for name in multi.get("group_by", []) if name],
        count=bool(single.get("count")),
        aggregates=aggregates,
        order_field=single.get("order_field", ""),
        order_dir=single.get("order_dir", "asc") or "asc",
        limit=single.get("limit", "") or str(DEFAULT_LIMIT),
        as_of=single.get("as_of", ""),
        purpose=single.get("purpose", ""),
        cursor=single.get("next_cursor", "") if single.get("go") == "next" else "",
        page=page + 1 if single.get("go") == "next" else 1,
    )


def _invalid(message_fa: str, message_en: str, code: str | None = None) -> InvalidInput:
    return InvalidInput(message_fa, message_en, code="query_form_invalid" if code is None else code)


def _condition(
    row: dict[str, str], number: int, titles: Mapping[str, str] | None = None
) -> dict[str, Any]:
    op = row["op"]
    if op not in OPERATORS:
        raise _invalid(
            f"عملگر شرط {to_persian_digits(str(number))} از گزینه‌های فرم نیست.",
            f"The operator of condition {number} is not one of the form's choices.",
        )
    if op in _NO_VALUE:
        return {"field": row["field"], "op": op}
    value = row["value"]
    named = (titles or {}).get(row["field"], row["field"])
    if not value:
        raise _invalid(
            f"شرط {to_persian_digits(str(number))} ({named}) مقدار ندارد.",
            f"Condition {number} ({named}) has no value.",
        )
    if op in _LISTED:
        return {"field": row["field"], "op": op, "value": [v for v in _SPLIT.split(value) if v]}
    return {"field": row["field"], "op": op, "value": value}


def end_of_day(text: str, *, field: str) -> datetime:
    """The end of the Jalali or ISO date ``text`` in Tehran, as a UTC time."""
    day = coerce_value("date", normalize(text).strip(), field=field)
    if not isinstance(day, date):
        raise InvalidInput(
            f"تاریخ «{text}» خوانا نیست.", f"The date '{text}' cannot be read.", code="date_invalid"
        )
    return expiry_of_day(day)


def _as_of(text: str) -> str | None:
    """A period label or a time as they are; a date as the end of that day in Tehran."""
    value = normalize(text).strip()
    if not value:
        return None
    if re.fullmatch(PERIOD_PATTERN, value) or "T" in value:
        return value
    return end_of_day(value, field="as_of").isoformat()


def _limit(text: str) -> int:
    value = normalize(text).strip()
    if not value.isdigit() or not 1 <= int(value) <= MAX_ROWS:
        raise _invalid(
            f"شمار سطرها باید عددی از ۱ تا {format_number(MAX_ROWS, 'fa')} باشد.",
            f"The number of rows must be a number from 1 to {MAX_ROWS}.",
        )
    return int(value)


def to_spec(
    form: QueryForm, *, export: bool = False, titles: Mapping[str, str] | None = None
) -> QuerySpec:
    """The query the form describes; ``export`` reads from the start, as many rows as a
    page may hold; ``titles`` name the fields in messages."""
    if len(normalize(form.purpose).strip()) < 3:
        raise _invalid(
            "هدف استفاده را بنویسید (دست‌کم سه نویسه)؛ در گزارش ممیزی ثبت می‌شود.",
            "Write the purpose (at least three characters); it is recorded in the audit log.",
            code="purpose_required",
        )
    aggregates: list[dict[str, Any]] = [{"fn": "count"}] if form.count else []
    for number, row in enumerate(form.aggregates, start=1):
        if row["fn"] not in FUNCTIONS:
            raise _invalid(
                f"تابع تجمیعی {to_persian_digits(str(number))} از گزینه‌های فرم نیست.",
                f"Aggregate {number} is not one of the form's functions.",
            )
        if row["fn"] == "count" and not row["field"]:
            if form.count:
                continue  # the count checkbox already asks for it
            aggregates.append({"fn": "count"})
            continue
        aggregates.append({"fn": row["fn"], "field": row["field"] or None})
    grouped = bool(form.group_by or aggregates)
    if form.group_by and not aggregates:
        aggregates = [{"fn": "count"}]
    body: dict[str, Any] = {
        "where": [_condition(row, n, titles) for n, row in enumerate(form.filters, start=1)],
        "group_by": form.group_by,
        "aggregates": aggregates,
        "order_by": (
            [{"field": form.order_field, "direction": form.order_dir}] if form.order_field else []
        ),
        "limit": MAX_ROWS if export else _limit(form.limit),
        "as_of": _as_of(form.as_of),
    }
    if form.select and not grouped:
        body["select"] = form.select
    if form.cursor and not export:
        body["cursor"] = form.cursor
    try:
        return QuerySpec.model_validate(body)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error.get("loc", ()))
        detail = f"{where}: {error.get('msg', '')}" if where else str(error.get("msg", ""))
        raise _invalid(
            f"پرسش معتبر نیست — {detail}", f"The query is not valid — {detail}"
        ) from None


# -- the answer --------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One value to show: its text, and whether it is a number or was withheld."""

    text: str
    numeric: bool = False
    withheld: bool = False
    hint: str | None = None  # the stored code behind a label


@dataclass(frozen=True)
class Bar:
    """One bar of the chart, in SVG user units."""

    label: str
    value_text: str
    x: float
    y: float
    width: float
    label_x: float
    value_x: float
    withheld: bool


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart of the first aggregate by group."""

    title: str
    width: int
    height: int
    bars: list[Bar]
    value_anchor: str
    omitted: int


@dataclass(frozen=True)
class Table:
    """The answer as the page shows it."""

    headers: list[str]
    rows: list[list[Cell]]
    chart: Chart | None


def _text(value: Any, language: Language) -> Cell:
    if value is None:
        return Cell("")
    if isinstance(value, bool):
        return Cell(translate(language, "q.yes" if value else "q.no"))
    if isinstance(value, int):
        return Cell(format_number(value, language), numeric=True)
    if isinstance(value, float):
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
        if language == "fa":
            text = to_persian_digits(text.replace(",", "\u066c"))
        return Cell(text, numeric=True)
    if isinstance(value, date | datetime):
        return Cell(format_date(value, language, with_time=False))
    return Cell(str(value))


def _header(name: str, titles: dict[str, str], language: Language) -> str:
    if name in titles:
        return titles[name]
    for fn in sorted(FUNCTIONS, key=len, reverse=True):
        if name == fn:
            return translate(language, f"q.fn.{fn}")
        if name.startswith(fn + "_") and name[len(fn) + 1 :] in titles:
            return f"{translate(language, f'q.fn.{fn}')} · {titles[name[len(fn) + 1 :]]}"
    return name


Labels = dict[str, dict[str, str]]


def _cell(value: Any, labels: dict[str, str] | None, language: Language) -> Cell:
    if labels is not None and isinstance(value, str) and value in labels:
        return Cell(labels[value], hint=value)
    return _text(value, language)


def present(
    answer: QueryAnswer, titles: dict[str, str], language: Language, labels: Labels | None = None
) -> Table:
    """The answer's header titles, cells (withheld ones marked; codes as their labels,
    from ``labels`` by column) and, for a grouped answer, the chart of its first
    aggregate."""
    labels = labels or {}
    columns = list(answer.columns)
    flag = next((i for i, c in enumerate(columns) if c.name == SUPPRESSED), None)
    shown = [i for i, c in enumerate(columns) if c.name != SUPPRESSED]
    groups = _group_count(answer, titles)
    rows: list[list[Cell]] = []
    for row in answer.rows:
        withheld = flag is not None and bool(row[flag])
        cells = []
        for index in shown:
            if withheld and index >= groups:
                cells.append(Cell(translate(language, "q.withheld"), withheld=True))
            else:
                cells.append(_cell(row[index], labels.get(columns[index].name), language))
        rows.append(cells)
    headers = [_header(columns[i].name, titles, language) for i in shown]
    chart = None
    if answer.aggregate and 0 < groups < len(shown) and answer.rows:
        chart = _chart(answer, groups, flag, headers, language, labels)
    return Table(headers=headers, rows=rows, chart=chart)


def column_headers(answer: QueryAnswer, titles: dict[str, str], language: Language) -> list[str]:
    """The titles of the answer's shown columns (the withheld flag is not shown)."""
    return [_header(c.name, titles, language) for c in answer.columns if c.name != SUPPRESSED]


def group_count(answer: QueryAnswer, titles: dict[str, str]) -> int:
    """How many leading columns of ``answer`` are groups."""
    return _group_count(answer, titles)


def _group_count(answer: QueryAnswer, titles: dict[str, str]) -> int:
    """How many leading columns are groups: those that name fields, not aggregates."""
    if not answer.aggregate:
        return 0
    count = 0
    for column in answer.columns:
        system = column.name in QUERYABLE_SYSTEM_FIELDS and column.field is None
        if (column.name in titles and column.field is not None) or system:
            count += 1
        else:
            break
    return count


def _chart(
    answer: QueryAnswer,
    groups: int,
    flag: int | None,
    headers: list[str],
    language: Language,
    labels: Labels,
) -> Chart:
    items: list[tuple[str, float | None]] = []
    for row in answer.rows:
        label = " · ".join(
            _cell(value, labels.get(column.name), language).text
            for value, column in zip(row[:groups], answer.columns, strict=False)
        )
        value = row[groups]
        withheld = (flag is not None and bool(row[flag])) or value is None
        items.append((label, None if withheld else float(value)))
    return bar_chart(f"{headers[groups]} · {' · '.join(headers[:groups])}", items, language)


def bar_chart(
    title: str,
    items: Sequence[tuple[str, float | None]],
    language: Language,
    *,
    bars: int = CHART_BARS,
) -> Chart:
    """A horizontal bar chart of ``(label, value)`` pairs, a value of None withheld (a
    bar-less row that says so); the first ``bars`` pairs are drawn, right to left in
    Persian."""
    drawn = list(items[:bars])
    # The label column fits the longest label drawn (about 6.5 units a character at the
    # chart's 13px), within bounds that leave the bars most of the width.
    longest = max((len(label) for label, _ in drawn), default=0)
    width, row_height, top = 640, 26, 8
    label_width = min(280, max(90, round(longest * 6.5) + 8))
    bar_space = width - label_width - 70
    biggest = max((value for _, value in drawn if value is not None), default=0.0) or 1.0
    rtl = language == "fa"
    shown = []
    for position, (label, value) in enumerate(drawn):
        withheld = value is None
        length = 0.0 if value is None else max(1.0, bar_space * value / biggest)
        y = top + position * row_height
        if rtl:
            start = width - label_width - 8
            x = start - length
            label_x, value_x = width - 4, x - 6
        else:
            x = label_width + 8
            label_x, value_x = label_width, x + length + 6
        text = (
            translate(language, "q.withheld")
            if value is None
            else _text(int(value) if value.is_integer() else value, language).text
        )
        shown.append(Bar(label, text, x, y, length, label_x, value_x, withheld))
    return Chart(
        title=title,
        width=width,
        height=top * 2 + row_height * len(shown),
        bars=shown,
        value_anchor="end" if rtl else "start",
        omitted=max(0, len(items) - len(shown)),
    )
