"""Reading submitted files: encodings, delimiters, XLSX cells, JSON shapes, bad files."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from openpyxl import Workbook

from dargah.errors import InvalidInput
from dargah.submissions import readers
from dargah.submissions.readers import SourceFormat, TableSource, detect_format, open_table

PERSIAN_CSV = (
    "کد ملی,نام,نام خانوادگی,رشته\n"
    "0012345678,علی,کریمی,مهندسی کامپیوتر\n"
    "0098765432,یاسمن,شکوهی,فیزیک\n"
)
PERSIAN_ROWS = [
    {"_row": 2, "c0": "0012345678", "c1": "علی", "c2": "کریمی", "c3": "مهندسی کامپیوتر"},
    {"_row": 3, "c0": "0098765432", "c1": "یاسمن", "c2": "شکوهی", "c3": "فیزیک"},
]
PERSIAN_HEADERS = ["کد ملی", "نام", "نام خانوادگی", "رشته"]
# Windows-1256 has no Persian yeh or keheh: Persian Windows writes ي and ك.
ARABIC_LETTERS_CSV = PERSIAN_CSV.replace("ی", "ي").replace("ک", "ك")


def _write(tmp_path: Path, data: bytes | str, name: str = "upload.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _all_rows(source: TableSource, size: int = 100_000) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for batch in source.batches(size):
        assert batch.schema[readers.ROW_COLUMN] == pl.Int64
        assert all(batch.schema[name] == pl.String for name in source.columns)
        rows.extend(batch.select([readers.ROW_COLUMN, *source.columns]).to_dicts())
    return rows


def _read(
    tmp_path: Path, data: bytes | str, name: str = "upload.csv", **options: Any
) -> tuple[TableSource, list[dict[str, Any]]]:
    with open_table(_write(tmp_path, data, name), **options) as source:
        return source, _all_rows(source)


def _error(tmp_path: Path, data: bytes | str, name: str = "upload.csv", **options: Any) -> Any:
    with pytest.raises(InvalidInput) as caught:
        _read(tmp_path, data, name, **options)
    return caught.value


# --------------------------------------------------------------------------- CSV text


@pytest.mark.parametrize(
    ("encoding", "bom", "reported"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16"),
        ("utf-16-le", b"", "utf-16-le"),  # no BOM: told by where the NUL bytes fall
    ],
)
def test_reads_unicode_csv_whatever_the_encoding(
    tmp_path: Path, encoding: str, bom: bytes, reported: str
) -> None:
    source, rows = _read(tmp_path, bom + PERSIAN_CSV.encode(encoding))
    assert source.headers == PERSIAN_HEADERS  # no BOM left in the first header
    assert source.encoding == reported
    assert source.format is SourceFormat.CSV
    assert rows == PERSIAN_ROWS


def test_windows_1256_is_detected_and_its_arabic_letters_arrive_as_written(
    tmp_path: Path,
) -> None:
    # Normalising ي and ك is the validator's job, not the reader's.
    source, rows = _read(tmp_path, ARABIC_LETTERS_CSV.encode("cp1256"))
    assert source.encoding == "cp1256"
    assert source.headers == ["كد ملي", "نام", "نام خانوادگي", "رشته"]
    assert rows[1] == {"_row": 3, "c0": "0098765432", "c1": "ياسمن", "c2": "شكوهي", "c3": "فيزيك"}


def test_windows_1256_is_detected_even_past_the_first_megabyte(tmp_path: Path) -> None:
    lines = ["id,name"] + [f"{i:08d},ascii only" for i in range(80_000)] + ["99999999,علي"]
    data = ("\n".join(lines) + "\n").encode("cp1256")
    assert len(data) > 1 << 20
    source, rows = _read(tmp_path, data)
    assert source.encoding == "cp1256"
    assert rows[-1] == {"_row": 80_002, "c0": "99999999", "c1": "علي"}


def test_utf8_is_recognised_when_blocks_cut_its_letters_in_two(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past the first megabyte the whole file is checked, block by block; an odd block
    # size cuts two-byte Persian letters at every boundary.
    monkeypatch.setattr(readers.csv, "_BLOCK_BYTES", 4001)
    lines = ["id,name"] + [f"{i},نام‌خانوادگی {i}" for i in range(40_000)]
    data = ("\n".join(lines) + "\n").encode()
    assert len(data) > 1 << 20
    source, rows = _read(tmp_path, data)
    assert source.encoding == "utf-8"
    assert rows[-1] == {"_row": 40_001, "c0": "39999", "c1": "نام‌خانوادگی 39999"}


def test_a_declared_encoding_wins_over_detection(tmp_path: Path) -> None:
    # These bytes are valid UTF-8, but the sender says Windows-1256.
    data = "a,b\n1,Ø¹\n".encode()
    source, rows = _read(tmp_path, data, encoding="Windows-1256")
    assert source.encoding == "cp1256"
    assert rows == [{"_row": 2, "c0": "1", "c1": data[6:10].decode("cp1256")}]


def test_an_unknown_or_wrong_declared_encoding_is_refused(tmp_path: Path) -> None:
    assert _error(tmp_path, PERSIAN_CSV, encoding="klingon").code == "file_encoding"
    assert _error(tmp_path, PERSIAN_CSV, encoding="base64").code == "file_encoding"
    error = _error(tmp_path, ARABIC_LETTERS_CSV.encode("cp1256"), encoding="utf-8")
    assert error.code == "file_encoding"


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_the_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    # Decimal commas in a semicolon file must not make the comma win.
    text = f"کد{delimiter}معدل{delimiter}نام\n1{delimiter}17,5{delimiter}علی\n"
    text += f"2{delimiter}18,25{delimiter}رضا\n"
    source, rows = _read(tmp_path, text)
    assert source.delimiter == delimiter
    assert source.headers == ["کد", "معدل", "نام"]
    assert rows[0] == {"_row": 2, "c0": "1", "c1": "17,5", "c2": "علی"}


def test_a_declared_delimiter_wins(tmp_path: Path) -> None:
    source, rows = _read(tmp_path, "a;b,c\n1;2,3\n", delimiter=",")
    assert source.headers == ["a;b", "c"]
    assert rows == [{"_row": 2, "c0": "1;2", "c1": "3"}]
    assert _read(tmp_path, "a\tb\n1\t2\n", delimiter="tab")[0].headers == ["a", "b"]
    assert _error(tmp_path, "a,b\n", delimiter="،").code == "file_delimiter_invalid"


def test_quoted_cells_keep_their_commas_quotes_and_newlines(tmp_path: Path) -> None:
    text = (
        'کد,نشانی,یادداشت\r\n1,"تهران، خیابان انقلاب, پلاک ۵","سطر اول\r\nسطر دوم"\r\n'
        '2,"گفت ""سلام""",\r\n3,ساده,\r\n'
    )
    _, rows = _read(tmp_path, text)
    assert rows == [
        {"_row": 2, "c0": "1", "c1": "تهران، خیابان انقلاب, پلاک ۵", "c2": "سطر اول\r\nسطر دوم"},
        {"_row": 3, "c0": "2", "c1": 'گفت "سلام"', "c2": None},
        {"_row": 4, "c0": "3", "c1": "ساده", "c2": None},
    ]


def test_identifiers_keep_their_leading_zeros_and_excel_text_wrappers_come_off(
    tmp_path: Path,
) -> None:
    text = 'national_id,code,note\n0012345678,="0042",="a""b"\n0000000001,007,=""\n'
    _, rows = _read(tmp_path, text)
    assert rows == [
        {"_row": 2, "c0": "0012345678", "c1": "0042", "c2": '="a""b"'},  # not a wrapper
        {"_row": 3, "c0": "0000000001", "c1": "007", "c2": None},
    ]


def test_short_rows_get_nulls_and_blank_rows_are_skipped_keeping_row_numbers(
    tmp_path: Path,
) -> None:
    text = "a,b,c\n1,2,3\n\n4\n,,\n\r\n5,,6\n"
    _, rows = _read(tmp_path, text)
    assert rows == [
        {"_row": 2, "c0": "1", "c1": "2", "c2": "3"},
        {"_row": 4, "c0": "4", "c1": None, "c2": None},
        {"_row": 7, "c0": "5", "c1": None, "c2": "6"},
    ]


def test_blank_lines_before_the_header_count_as_rows(tmp_path: Path) -> None:
    source, rows = _read(tmp_path, "\n\nکد,نام\n1,علی\n")
    assert source.headers == ["کد", "نام"]
    assert rows == [{"_row": 4, "c0": "1", "c1": "علی"}]


def test_a_header_only_file_has_headers_and_no_batches(tmp_path: Path) -> None:
    source, rows = _read(tmp_path, "کد ملی,نام")
    assert source.headers == ["کد ملی", "نام"]
    assert rows == []


@pytest.mark.parametrize("data", [b"", b"\n\n", b"\r\n  \r\n", b",,\n"])
def test_an_empty_file_is_refused(tmp_path: Path, data: bytes) -> None:
    assert _error(tmp_path, data).code == "file_empty"


def test_the_same_header_twice_is_refused(tmp_path: Path) -> None:
    error = _error(tmp_path, "کد,نام,کد\n1,2,3\n")
    assert error.code == "file_header_duplicate"
    assert error.details == {"header": "کد", "columns": [1, 3]}


def test_a_row_with_more_cells_than_headers_is_refused_with_its_number(tmp_path: Path) -> None:
    error = _error(tmp_path, 'a,b\n1,2\n3,"x\ny"\n4,5,6\n7,8\n')
    assert error.code == "file_row_too_long"
    assert error.details == {"row": 4, "cells": 3, "headers": 2}


def test_broken_quoting_is_refused(tmp_path: Path) -> None:
    error = _error(tmp_path, 'a,b\n1,"never closed\n2,3\n')
    assert error.code == "file_unreadable"
    error = _error(tmp_path, 'a,b\n1,2\n3,12" pipe\n4,5\n')
    assert error.code == "file_unreadable"
    assert error.details["row"] == 3


def test_binary_garbage_is_refused(tmp_path: Path) -> None:
    garbage = bytes(range(256)) * 20
    assert _error(tmp_path, garbage).code == "file_unreadable"
    assert _error(tmp_path, b"\x01\x02\x03\x04abc\x05\x06" * 100).code == "file_unreadable"


def test_a_large_csv_comes_in_bounded_batches_with_continuous_row_numbers(
    tmp_path: Path,
) -> None:
    count = 250_000
    lines = ["student_no,national_id,name"]
    lines += [f"{i:09d},{i * 7 % 10**10:010d},دانشجو {i}" for i in range(count)]
    path = _write(tmp_path, "\n".join(lines) + "\n")
    with open_table(path) as source:
        batches = list(source.batches(100_000))
    assert len(batches) >= 3
    assert all(batch.height <= 100_000 for batch in batches)
    rows = pl.concat(batches)
    assert rows.height == count
    assert rows[readers.ROW_COLUMN].to_list() == list(range(2, count + 2))
    assert rows["c0"][0] == "000000000"
    assert rows.row(-1) == (
        count + 1,
        f"{count - 1:09d}",
        f"{(count - 1) * 7:010d}",
        "دانشجو 249999",
    )


def test_records_cut_across_chunks_are_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tiny chunks put every chunk boundary somewhere awkward: inside quoted newlines,
    # before blank lines and short rows, in the middle of multi-byte letters.
    monkeypatch.setattr(readers.csv, "_MIN_CHUNK_BYTES", 1)
    lines = ["id,text,extra"]
    for i in range(300):
        match i % 5:
            case 0:
                lines.append(f'{i},"چند\nسطري ""{i}""",x')  # Windows-1256 has no ی
            case 1:
                lines.append("")
            case 2:
                lines.append(f"{i}")
            case 3:
                lines.append(f'{i},"a,b",')
            case _:
                lines.append(f"{i},ساده,y")
    text = "\n".join(lines) + "\n"
    for encoding in ("utf-8", "cp1256", "utf-16"):
        with open_table(_write(tmp_path, text.encode(encoding))) as source:
            rows = _all_rows(source, size=3)
        expected = []
        for number, record in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if number == 1 or not any(record):
                continue
            cells: list[str | None] = [cell or None for cell in record]
            cells += [None] * (3 - len(cells))
            expected.append({"_row": number, "c0": cells[0], "c1": cells[1], "c2": cells[2]})
        assert rows == expected, encoding


def test_a_too_long_row_in_a_later_chunk_has_its_own_row_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers.csv, "_MIN_CHUNK_BYTES", 1)
    lines = ["a,b"] + [f'{i},"x\ny"' for i in range(100)] + ["1,2,3"]
    with pytest.raises(InvalidInput) as caught:
        _read(tmp_path, "\n".join(lines) + "\n")
    assert caught.value.code == "file_row_too_long"
    assert caught.value.details["row"] == 102


# --------------------------------------------------------------------------- XLSX


def _xlsx(tmp_path: Path, sheets: dict[str, dict[str, Any]], name: str = "upload.xlsx") -> Path:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for title, cells in sheets.items():
        sheet = workbook.create_sheet(title)
        for reference, value in cells.items():
            sheet[reference] = value
    path = tmp_path / name
    workbook.save(path)
    return path


def test_xlsx_cells_become_text_as_a_person_reads_them(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path,
        {
            "دانشجویان": {
                "A1": "شماره دانشجویی",
                "B1": "کد ملی",
                "C1": "تاریخ تولد",
                "D1": "معدل",
                "E1": "فعال",
                "F1": "ثبت",
                "A2": 401123456,  # typed as a number
                "B2": "0012345678",  # typed as text: zeros stay
                "C2": dt.date(2001, 3, 21),
                "D2": 0.1 + 0.2,
                "E2": True,
                "F2": dt.datetime(2024, 9, 22, 8, 30),  # noqa: DTZ001 - Excel has no zones
                "A3": 1234567890123456.0,
                "B3": 12.0,
                "C3": dt.datetime(2001, 3, 21),  # noqa: DTZ001 - a date typed with a time
                "D3": 17.25,
                "E3": False,
            }
        },
    )
    with open_table(path) as source:
        assert source.format is SourceFormat.XLSX
        assert source.encoding is None
        assert source.sheet == "دانشجویان"
        assert source.headers == ["شماره دانشجویی", "کد ملی", "تاریخ تولد", "معدل", "فعال", "ثبت"]
        rows = _all_rows(source)
    assert rows == [
        {
            "_row": 2,
            "c0": "401123456",
            "c1": "0012345678",
            "c2": "2001-03-21",
            "c3": "0.3",
            "c4": "true",
            "c5": "2024-09-22 08:30:00",
        },
        {
            "_row": 3,
            "c0": "1234567890123456",
            "c1": "12",
            "c2": "2001-03-21",
            "c3": "17.25",
            "c4": "false",
            "c5": None,
        },
    ]


def test_xlsx_blank_rows_are_skipped_and_row_numbers_stay_as_excel_shows(
    tmp_path: Path,
) -> None:
    path = _xlsx(
        tmp_path,
        {
            "Sheet1": {
                "B3": "کد",
                "C3": "نام",
                "B4": "1",
                "C4": "علی",
                "B7": "2",
                "C8": "فقط نام",
            }
        },
    )
    with open_table(path) as source:
        assert source.headers == ["کد", "نام"]
        assert _all_rows(source, size=1) == [
            {"_row": 4, "c0": "1", "c1": "علی"},
            {"_row": 7, "c0": "2", "c1": None},
            {"_row": 8, "c0": None, "c1": "فقط نام"},
        ]


def test_xlsx_named_sheet_first_visible_sheet_and_missing_sheet(tmp_path: Path) -> None:
    workbook = Workbook()
    hidden = workbook.active
    assert hidden is not None
    hidden.title = "راهنما"
    hidden["A1"] = "این برگه راهنماست"
    hidden.sheet_state = "hidden"
    data = workbook.create_sheet("دانشجويان")  # Arabic yeh in the sheet name
    data.append(["کد"])
    data.append(["1"])
    other = workbook.create_sheet("استادان")
    other.append(["نام"])
    other.append(["رضا"])
    path = tmp_path / "book.xlsx"
    workbook.save(path)

    with open_table(path) as source:
        assert source.sheet == "دانشجويان"
    with open_table(path, sheet="استادان") as source:
        assert _all_rows(source) == [{"_row": 2, "c0": "رضا"}]
    with open_table(path, sheet="دانشجویان") as source:  # Persian yeh finds it too
        assert source.sheet == "دانشجويان"
    with pytest.raises(InvalidInput) as caught:
        open_table(path, sheet="کارکنان")
    assert caught.value.code == "sheet_not_found"
    assert caught.value.details["sheets"] == ["راهنما", "دانشجويان", "استادان"]


def test_xlsx_data_beyond_the_last_header_is_refused(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, {"S": {"A1": "a", "B1": "b", "A2": 1, "A3": 2, "D3": "stray"}})
    with open_table(path) as source, pytest.raises(InvalidInput) as caught:
        _all_rows(source)
    assert caught.value.code == "file_row_too_long"
    assert caught.value.details == {"row": 3, "cells": 4, "headers": 2}


def test_xlsx_without_content_or_broken_is_refused(tmp_path: Path) -> None:
    assert _error(tmp_path, _xlsx(tmp_path, {"S": {}}).read_bytes(), "e.xlsx").code == "file_empty"
    broken = _error(tmp_path, b"PK\x03\x04 not really a zip", "b.xlsx")
    assert broken.code == "file_unreadable"


def test_old_xls_files_are_refused_with_advice(tmp_path: Path) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    error = _error(tmp_path, ole, "students.xls")
    assert error.code == "file_format_unsupported"
    assert "xlsx" in error.message_en
    assert "CSV" in error.message_fa
    # Named .csv it is still an .xls inside.
    assert _error(tmp_path, ole, "students.csv").code == "file_format_unsupported"
    # Some systems save HTML tables as .xls.
    html = _error(tmp_path, b"<html><table><tr><td>1</td></tr></table></html>", "r.xls")
    assert html.code == "file_format_unsupported"


# --------------------------------------------------------------------------- JSON


def test_ndjson_rows_are_numbered_by_line_and_values_become_text(tmp_path: Path) -> None:
    lines = [
        '{"national_id": "0012345678", "units": 18, "gpa": 17.5, "active": true}',
        "",
        '{"national_id": "0098765432", "units": 20.0, "active": false, "note": null}',
        '{"national_id": 12345678901234567890123, "extra": "x"}',
    ]
    source, rows = _read(tmp_path, "\n".join(lines) + "\n", "rows.ndjson")
    assert source.format is SourceFormat.NDJSON
    assert source.headers == ["national_id", "units", "gpa", "active", "note", "extra"]
    assert rows == [
        {
            "_row": 1,
            "c0": "0012345678",
            "c1": "18",
            "c2": "17.5",
            "c3": "true",
            "c4": None,
            "c5": None,
        },
        {
            "_row": 3,
            "c0": "0098765432",
            "c1": "20",
            "c2": None,
            "c3": "false",
            "c4": None,
            "c5": None,
        },
        {
            "_row": 4,
            "c0": "12345678901234567890123",
            "c1": None,
            "c2": None,
            "c3": None,
            "c4": None,
            "c5": "x",
        },
    ]


def test_ndjson_streams_in_batches(tmp_path: Path) -> None:
    text = "".join(json.dumps({"n": i, "name": "نام"}) + "\n" for i in range(25))
    with open_table(_write(tmp_path, text, "rows.jsonl")) as source:
        heights = [batch.height for batch in source.batches(10)]
    assert heights == [10, 10, 5]


@pytest.mark.parametrize(
    ("text", "code", "row"),
    [
        ('{"a": 1}\n{"a": {"b": 2}}\n', "json_shape", 2),
        ('{"a": 1}\n[1, 2]\n', "json_shape", 2),
        ('{"a": 1}\n{"a": \n', "file_unreadable", 2),
    ],
)
def test_bad_ndjson_is_refused_with_its_line(
    tmp_path: Path, text: str, code: str, row: int
) -> None:
    error = _error(tmp_path, text, "rows.ndjson")
    assert error.code == code
    assert error.details["row"] == row


def test_a_json_array_or_rows_object_is_read_by_item(tmp_path: Path) -> None:
    items = [{"کد": "001", "نام": "علی"}, {"کد": 2, "سن": 20}]
    for document in (items, {"rows": items}):
        source, rows = _read(tmp_path, json.dumps(document, ensure_ascii=False), "d.json")
        assert source.format is SourceFormat.JSON
        assert source.headers == ["کد", "نام", "سن"]
        assert rows == [
            {"_row": 1, "c0": "001", "c1": "علی", "c2": None},
            {"_row": 2, "c0": "2", "c1": None, "c2": "20"},
        ]


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ({"data": []}, "json_shape"),
        ([{"a": 1}, "text"], "json_shape"),
        ([{"a": [1, 2]}], "json_shape"),
        ([], "file_empty"),
        ("[{]", "file_unreadable"),
    ],
)
def test_json_that_is_not_an_array_of_flat_objects_is_refused(
    tmp_path: Path, document: Any, code: str
) -> None:
    text = document if isinstance(document, str) else json.dumps(document)
    assert _error(tmp_path, text, "d.json").code == code


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("filename", "head", "declared", "expected"),
    [
        ("a.csv", b"a,b\n", None, SourceFormat.CSV),
        ("a.TXT", b"a\tb\n", None, SourceFormat.CSV),
        ("a.xlsx", b"PK\x03\x04", None, SourceFormat.XLSX),
        ("a.csv", b"PK\x03\x04", None, SourceFormat.XLSX),  # the signature wins
        ("a.json", b'{"a": 1}\n{"a": 2}\n', None, SourceFormat.NDJSON),  # content decides
        ("a.ndjson", b'[{"a": 1}]', None, SourceFormat.JSON),
        ("a.json", b'{\n  "rows": []\n}', None, SourceFormat.JSON),
        (None, b"\xef\xbb\xbf[{}]", None, SourceFormat.JSON),
        (None, b"a,b\n", None, SourceFormat.CSV),
        ("upload.bin", b"a,b\n", "csv", SourceFormat.CSV),
        ("a.csv", b"a,b\n", "application/vnd.ms-excel", SourceFormat.CSV),  # says nothing
        ("upload", b'{"a": 1}\n', "application/x-ndjson", SourceFormat.NDJSON),
        ("upload", b"a;b\n", "text/csv; charset=utf-8", SourceFormat.CSV),
        ("upload", b'{"a": "' + b"x" * 100, None, SourceFormat.JSON),  # line longer than head
        ("a.ndjson", b'{"a": "' + b"x" * 100, None, SourceFormat.NDJSON),
    ],
)
def test_detect_format(
    filename: str | None, head: bytes, declared: str | None, expected: SourceFormat
) -> None:
    assert detect_format(filename, head, declared) is expected


@pytest.mark.parametrize(
    ("filename", "head", "declared"),
    [
        ("a.pdf", b"%PDF-1.7", None),
        ("a.csv", b"\x1f\x8b\x08", None),
        ("a.csv", b"a,b\n", "application/pdf"),
        ("a.csv", b"a,b\n", "xls"),
    ],
)
def test_detect_format_refuses_what_it_cannot_read(
    filename: str, head: bytes, declared: str | None
) -> None:
    with pytest.raises(InvalidInput) as caught:
        detect_format(filename, head, declared)
    assert caught.value.code == "file_format_unsupported"
