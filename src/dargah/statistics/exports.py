"""A pivot's answer as CSV or XLSX, written by the query service's export path.

The cells become rows of a ``QueryAnswer`` — per dimension its code and its Persian and
English labels, then the count and whether it was withheld — and ``records.exports``
writes them: CSV in UTF-8 with a BOM for Excel, XLSX as a right-to-left sheet, and in
both every text cell that could start a formula neutralised (labels and codes come
from code lists and institutions).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Final, Literal

from dargah.records import exports
from dargah.records.query import OutputColumn
from dargah.records.service import QueryAnswer
from dargah.statistics.service import Statistic


def as_rows(statistic: Statistic) -> QueryAnswer:
    """The cells as an answer of the query service's shape, one row per cell."""
    types = {column.name: column.type for column in statistic.query.columns}
    columns: list[OutputColumn] = []
    for dimension in statistic.dimensions:
        columns.append(OutputColumn(dimension.name, types.get(dimension.name, "string")))
        columns.append(OutputColumn(f"{dimension.name}_fa", "string"))
        columns.append(OutputColumn(f"{dimension.name}_en", "string"))
    columns.append(OutputColumn("count", "integer"))
    columns.append(OutputColumn("suppressed", "boolean"))
    rows = []
    for cell in statistic.cells:
        values: list[object] = []
        for label in cell.labels:
            values.extend((label.code, label.label_fa, label.label_en))
        values.extend((cell.count, cell.suppressed))
        rows.append(tuple(values))
    return replace(statistic.query, columns=columns, rows=rows, next_cursor=None, masked=[])


FileFormat = Literal["csv", "xlsx"]
FILE_FORMATS: Final[tuple[FileFormat, ...]] = ("csv", "xlsx")


def file_chunks(statistic: Statistic, file_format: FileFormat) -> Iterator[bytes]:
    """The pivot as a CSV or XLSX file, in pieces."""
    return exports.chunks(as_rows(statistic), file_format)


def filename(statistic: Statistic, file_format: FileFormat) -> str:
    """The download's file name: the pivot, the period and the format."""
    return f"{statistic.pivot.id}-{statistic.period}.{file_format}"
