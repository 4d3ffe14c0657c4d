"""A pivot as CSV or XLSX through the query export path (no database): one row per cell
with codes, labels in both languages, the count and the withheld flag; text that could
start a spreadsheet formula is neutralised."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from dargah.access.models import GrantLevel
from dargah.access.protection import Access, RowLimits
from dargah.catalogue.models import Dataset
from dargah.records.query import OutputColumn
from dargah.records.service import QueryAnswer
from dargah.statistics.exports import file_chunks, filename
from dargah.statistics.pivots import Pivot
from dargah.statistics.service import Coverage, Dimension, Label, StatCell, Statistic

PIVOT = Pivot(
    id="things-by-kind",
    dataset="things",
    group_by=("kind",),
    title_fa="چیزها",
    title_en="Things",
    description_fa="آزمون",
    description_en="Test",
)


def _statistic(cells: list[StatCell]) -> Statistic:
    return Statistic(
        pivot=PIVOT,
        dataset=Dataset(slug="things", title_fa="چیزها", title_en="Things"),
        version="1.0",
        period="1403-1",
        requested_period=None,
        access=Access(
            dataset="things",
            grant_id=7,
            level=GrantLevel.AGGREGATE,
            personal=False,
            rows=RowLimits(),
        ),
        dimensions=[Dimension("kind", "نوع", "Kind")],
        cells=cells,
        total=42,
        suppressed_cells=sum(cell.suppressed for cell in cells),
        small_cell_threshold=5,
        loaded_at=None,
        coverage=Coverage(1, None, None),
        query=QueryAnswer(
            dataset="things",
            version="1.0",
            grant_id=7,
            aggregate=True,
            columns=[OutputColumn("kind", "string"), OutputColumn("count", "integer")],
            rows=[],
        ),
    )


def _rows(statistic: Statistic) -> list[list[str]]:
    text = b"".join(file_chunks(statistic, "csv")).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the Persian labels as UTF-8
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_cells_become_rows_with_codes_labels_counts_and_flags() -> None:
    statistic = _statistic(
        [
            StatCell((Label("a", "الف", "A"),), 40, False),
            StatCell((Label(None, "نامشخص", "Not given"),), None, True),
        ]
    )

    rows = _rows(statistic)

    assert rows == [
        ["kind", "kind_fa", "kind_en", "count", "suppressed"],
        ["a", "الف", "A", "40", "false"],
        ["", "نامشخص", "Not given", "", "true"],
    ]
    assert filename(statistic, "csv") == "things-by-kind-1403-1.csv"
    assert filename(statistic, "xlsx") == "things-by-kind-1403-1.xlsx"


def test_xlsx_is_a_right_to_left_sheet_with_the_same_rows_and_no_formulas() -> None:
    hostile = '=HYPERLINK("http://evil.example";"x")'
    statistic = _statistic(
        [
            StatCell((Label("a", "الف", "A"),), 40, False),
            StatCell((Label("+1", hostile, "B"),), None, True),
        ]
    )

    book = load_workbook(io.BytesIO(b"".join(file_chunks(statistic, "xlsx"))))
    sheet = book.active
    assert sheet is not None
    assert sheet.sheet_view.rightToLeft
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["kind", "kind_fa", "kind_en", "count", "suppressed"]
    assert rows[1][:4] == ["a", "الف", "A", 40]
    assert rows[2][:4] == ["'+1", "'" + hostile, "B", None]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_text_that_could_start_a_formula_is_neutralised() -> None:
    hostile = '=HYPERLINK("http://evil.example";"x")'
    statistic = _statistic([StatCell((Label("+1", hostile, "@SUM(A1)"),), 9, False)])

    rows = _rows(statistic)

    assert rows[1][:3] == ["'+1", "'" + hostile, "'@SUM(A1)"]
