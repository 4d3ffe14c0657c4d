"""Downloads for people: a query's answer or a statistic as a ``LabelledTable``.

The portal's CSV and Excel downloads are read by a clerk, so each column is headed by
its title in the page's language, a coded value shows its label with the code in a
column beside it, a date is Jalali with the ISO date beside, a yes/no is بله/خیر and a
withheld cell says so. The sheet is named in the reader's language and reads right to
left in Persian. Programs ask for ``variant=machine`` (or use the API) and get the
answer as stored: field names, codes and ISO dates (``records.exports.chunks``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final, Literal

from dargah.persian import format_jalali
from dargah.records.exports import LabelledTable
from dargah.records.service import SUPPRESSED, QueryAnswer
from dargah.statistics.service import Statistic
from dargah.web.i18n import Language, translate

Variant = Literal["people", "machine"]
VARIANTS: Final[tuple[Variant, ...]] = ("people", "machine")


def variant_of(text: str | None) -> Variant:
    """The download variant asked for: ``machine`` when named, else for people."""
    return "machine" if (text or "").strip().lower() == "machine" else "people"


def _code_header(title: str, language: Language) -> str:
    return translate(language, "dl.code_of", title=title)


def _iso_header(title: str, language: Language) -> str:
    return translate(language, "dl.iso_of", title=title)


def _value(value: Any, language: Language) -> Any:
    """A value for a person's sheet: yes/no in words, dates Jalali; numbers stay numbers
    (a spreadsheet sums them)."""
    if isinstance(value, bool):
        return translate(language, "q.yes" if value else "q.no")
    if isinstance(value, date | datetime):
        return format_jalali(value, persian_digits=language == "fa", with_time=False)
    return value


def answer_table(
    answer: QueryAnswer,
    *,
    title: str,
    headers: list[str],
    labels: Mapping[str, Mapping[str, str]],
    groups: int,
    language: Language,
) -> LabelledTable:
    """A query's answer for people. ``headers`` are the titles of the answer's shown
    columns (all but the withheld flag), ``labels`` the labels of coded columns by
    column name, ``groups`` how many leading columns are groups (a withheld row keeps
    them and says «پنهان» in its aggregates)."""
    columns = [column for column in answer.columns if column.name != SUPPRESSED]
    positions = [i for i, column in enumerate(answer.columns) if column.name != SUPPRESSED]
    flag = next((i for i, c in enumerate(answer.columns) if c.name == SUPPRESSED), None)
    head: list[str] = []
    for column, text in zip(columns, headers, strict=True):
        head.append(text)
        if column.name in labels:
            head.append(_code_header(text, language))
        elif column.type == "date":
            head.append(_iso_header(text, language))
    withheld = translate(language, "q.withheld")
    rows: list[list[Any]] = []
    for row in answer.rows:
        hidden = flag is not None and bool(row[flag])
        out: list[Any] = []
        for place, (position, column) in enumerate(zip(positions, columns, strict=True)):
            value = row[position]
            if hidden and place >= groups:
                out.append(withheld)
            elif column.name in labels:
                named = labels[column.name]
                out.append(named.get(str(value), value) if value is not None else None)
            else:
                out.append(_value(value, language))
            if column.name in labels:
                out.append(value)
            elif column.type == "date":
                out.append(value.isoformat() if isinstance(value, date) else None)
        rows.append(out)
    return LabelledTable(sheet_title=title, headers=head, rows=rows, right_to_left=language == "fa")


def statistic_table(statistic: Statistic, language: Language) -> LabelledTable:
    """A statistic for people: per dimension its label and code, then the count (or
    «پنهان» where the cell counts fewer than the threshold)."""
    head: list[str] = []
    for dimension in statistic.dimensions:
        head.append(dimension.title(language))
        head.append(_code_header(dimension.title(language), language))
    head.append(translate(language, "dl.count"))
    withheld = translate(language, "q.withheld")
    rows: list[list[Any]] = []
    for cell in statistic.cells:
        out: list[Any] = []
        for label in cell.labels:
            out.extend((label.text(language), label.code))
        out.append(withheld if cell.suppressed or cell.count is None else cell.count)
        rows.append(out)
    title = f"{statistic.pivot.title(language)} {statistic.period}"
    return LabelledTable(sheet_title=title, headers=head, rows=rows, right_to_left=language == "fa")
