"""A table for people written as CSV and XLSX: titles as headers, a sheet named in the
reader's language (valid for Excel), right to left in Persian, and formula-safe."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from dargah.records.exports import LabelledTable, labelled_chunks, sheet_name

TABLE = LabelledTable(
    sheet_title="دانشجویان: مقطع/استان [۱۴۰۳-۱]",
    headers=["استان", "کد استان", "تعداد"],
    rows=[["تهران", "23", 120], ['=HYPERLINK("http://x")', "-1", None]],
    right_to_left=True,
)


def test_the_sheet_is_named_titled_right_to_left_and_formula_safe() -> None:
    content = b"".join(labelled_chunks(TABLE, "xlsx"))

    [sheet] = load_workbook(io.BytesIO(content)).worksheets
    assert sheet.title == "دانشجویان مقطع استان ۱۴۰۳-۱"
    assert sheet.sheet_view.rightToLeft
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("استان", "کد استان", "تعداد")
    assert sheet["A1"].font.b
    assert rows[1] == ("تهران", "23", 120)
    assert rows[2][0] == '\'=HYPERLINK("http://x")'  # shown as text, never run
    assert rows[2][1] == "'-1"
    assert rows[2][2] is None


def test_the_csv_has_a_bom_titles_and_neutralised_formulas() -> None:
    text = b"".join(labelled_chunks(TABLE, "csv")).decode("utf-8")

    assert text.startswith("\ufeffاستان,کد استان,تعداد")
    lines = text.splitlines()
    assert lines[1] == "تهران,23,120"
    assert lines[2].startswith("\"'=HYPERLINK(")
    assert lines[2].endswith(",'-1,")


def test_sheet_names_fit_excels_rules() -> None:
    assert sheet_name("a" * 40) == "a" * 31
    assert sheet_name("  ") == "Sheet1"
    assert sheet_name("'x'") == "x"
