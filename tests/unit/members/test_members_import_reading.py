"""Reading institution import files: encodings, delimiters, XLSX, headers, bad files."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook

from dargah.errors import InvalidInput
from dargah.members.importer import read_table

PERSIAN_CSV = (
    "کد,نام,نوع موسسه,استان\n"
    "1001,دانشگاه تهران,دانشگاه دولتی,تهران\n"
    "1002,دانشگاه شیراز,state_university,فارس\n"
)
EXPECTED = [
    {
        "code": "1001",
        "name_fa": "دانشگاه تهران",
        "institution_type": "دانشگاه دولتی",
        "province": "تهران",
    },
    {
        "code": "1002",
        "name_fa": "دانشگاه شیراز",
        "institution_type": "state_university",
        "province": "فارس",
    },
]


def _xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _error(data: bytes, filename: str = "institutions.csv") -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        read_table(data, filename)
    return caught.value


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_reads_unicode_csv_whatever_the_encoding(encoding: str) -> None:
    assert read_table(PERSIAN_CSV.encode(encoding), "institutions.csv") == EXPECTED


def test_reads_windows_1256_csv_and_normalises_its_arabic_letters() -> None:
    # Windows-1256 has no Persian yeh (U+06CC): Persian Windows writes the Arabic ي.
    arabic_yeh = PERSIAN_CSV.replace("ی", "ي").replace("ک", "ك")
    data = arabic_yeh.encode("cp1256")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the test really feeds a non-UTF-8 file

    assert read_table(data, "institutions.csv") == EXPECTED


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_reads_semicolon_and_tab_separated_files(delimiter: str) -> None:
    data = PERSIAN_CSV.replace(",", delimiter).encode("utf-8")

    assert read_table(data, "institutions.csv") == EXPECTED


def test_semicolon_file_keeps_commas_inside_names() -> None:
    data = (
        "code;name_fa;institution_type;province\n"
        "1003;دانشگاه علم و صنعت، ایران, تهران;state_university;23\n"
        "1004;دانشگاه یزد;state_university;21\n"
    ).encode()

    rows = read_table(data, "institutions.csv")

    assert [row["name_fa"] for row in rows] == ["دانشگاه علم و صنعت، ایران, تهران", "دانشگاه یزد"]


def test_reads_xlsx_and_gives_codes_back_as_typed() -> None:
    data = _xlsx(
        [
            ["کد", "نام", "نوع موسسه", "استان", "شهر"],
            [1001.0, "دانشگاه تهران", "دانشگاه دولتی", 23, "تهران"],
            [1002, "دانشگاه شیراز", "state_university", 7.0, None],
        ]
    )

    rows = read_table(data, "institutions.xlsx")

    assert rows == [
        {
            "code": "1001",
            "name_fa": "دانشگاه تهران",
            "institution_type": "دانشگاه دولتی",
            "province": "23",
            "city": "تهران",
        },
        {
            "code": "1002",
            "name_fa": "دانشگاه شیراز",
            "institution_type": "state_university",
            "province": "7",
        },
    ]


def test_xlsx_is_recognised_by_content_whatever_its_name() -> None:
    data = _xlsx([["code", "name_fa", "institution_type", "province"], [1005, "الف", "x", 1]])

    assert read_table(data, "upload")[0]["code"] == "1005"


@pytest.mark.parametrize(
    "header",
    [
        ["code", "name_fa", "institution_type", "province"],
        ["کد", "نام", "نوع موسسه", "استان"],
        ["كد", "نام موسسه", "نوع\u200cموسسه", "استان"],  # Arabic kaf, ZWNJ instead of a space
        ["  کد موسسه ", "نام فارسي", "نوع مؤسسه", "کد استان"],  # Arabic yeh, hamza, padding
        ["Code", "Persian Name", "Institution Type", "PROVINCE"],
    ],
)
def test_headers_match_titles_and_field_names_loosely(header: list[str]) -> None:
    data = (",".join(header) + "\n1001,دانشگاه تهران,state_university,23\n").encode()

    assert read_table(data, "institutions.csv") == [
        {
            "code": "1001",
            "name_fa": "دانشگاه تهران",
            "institution_type": "state_university",
            "province": "23",
        }
    ]


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"", "institutions.csv"),
        (b"  \r\n\r\n  \n", "institutions.csv"),
        (b",,,\n,,\n", "institutions.csv"),
        (_xlsx([]), "institutions.xlsx"),
    ],
    ids=["no-bytes", "blank-lines", "empty-cells", "empty-workbook"],
)
def test_empty_file_is_refused_as_empty(data: bytes, filename: str) -> None:
    error = _error(data, filename)

    assert error.code == "file_empty"
    assert error.message_fa
    assert error.message_en == "The file is empty."


def test_wrong_headers_name_the_missing_and_unknown_columns() -> None:
    error = _error("کد,عنوان,استان,تلفن\n1001,دانشگاه,23,021\n".encode())

    assert error.code == "import_headers"
    assert error.status == 422
    assert error.details["missing"] == ["name_fa", "institution_type"]
    assert error.details["unknown"] == ["عنوان", "تلفن"]
    assert "institution_type" in error.details["expected"]


def test_formula_looking_text_is_read_as_text() -> None:
    csv_data = (
        b"code,name_fa,name_en,institution_type,province\n"
        b'1001,=1+2,"=HYPERLINK(""http://x"",""y"")",state_university,23\n'
    )
    # A cell typed as '=SUM(1,2) in Excel is a text cell that starts with "=".
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["code", "name_fa", "institution_type", "province"])
    sheet.append([1001, "=SUM(1,2)", "state_university", 23])
    sheet["B2"].data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    workbook_data = buffer.getvalue()

    from_csv = read_table(csv_data, "institutions.csv")[0]
    from_xlsx = read_table(workbook_data, "institutions.xlsx")[0]

    assert from_csv["name_fa"] == "=1+2"
    assert from_csv["name_en"] == '=HYPERLINK("http://x","y")'
    assert from_xlsx["name_fa"] == "=SUM(1,2)"


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        # An Excel 97-2003 workbook (OLE compound file) saved with the old extension.
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8, "institutions.xls"),
        (b"PK\x03\x04" + b"\x00\x01broken zip" * 20, "institutions.xlsx"),
    ],
    ids=["xls", "broken-xlsx"],
)
def test_unreadable_spreadsheets_are_refused_with_a_clear_error(data: bytes, filename: str) -> None:
    error = _error(data, filename)

    assert error.code == "xlsx_unreadable"
    assert error.message_en == "The Excel file could not be read; save it as .xlsx."


@pytest.mark.parametrize(
    "data",
    [
        b"code,name_fa,institution_type,province\r\n1001,\x00\rx\x00\r\n" + bytes(range(256)) * 4,
        b"code,name_fa,institution_type,province\n1001," + b"x" * 200_000 + b",1,23\n",
    ],
    ids=["binary-garbage", "oversized-cell"],
)
def test_a_file_csv_cannot_parse_is_a_clear_error(data: bytes) -> None:
    error = _error(data)

    assert error.code == "file_unreadable"
    assert error.message_fa
