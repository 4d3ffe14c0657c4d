"""Excel and CSV templates: what an institution's clerk sees when filling one in."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from dargah.catalogue.documents import CodeValueDocument, DatasetDocument
from dargah.catalogue.templates import (
    DATA_SHEET,
    GUIDE_SHEET,
    LISTS_SHEET,
    MAX_ROWS,
    csv_template,
    neutralise_formula,
    xlsx_template,
)

LEVELS = [
    CodeValueDocument(code="bachelor", label_fa="کارشناسی", label_en="Bachelor"),
    CodeValueDocument(code="master", label_fa="کارشناسی ارشد", label_en="Master"),
    CodeValueDocument(code="assoc", label_fa="کاردانی", label_en="Associate", deprecated=True),
    CodeValueDocument(code="phd", label_fa="دکتری تخصصی", label_en="PhD"),
]
CODE_VALUES = {"test_levels": LEVELS}
TITLES = ["شماره دانشجویی", "کد ملی", "مقطع تحصیلی", "تاریخ تولد", "واحد گذرانده", "رایانامه"]


def _document(**changes: Any) -> DatasetDocument:
    fields: list[dict[str, Any]] = [
        {
            "name": "student_number",
            "title": TITLES[0],
            "dargah:titleEn": "Student number",
            "dargah:type": "identifier",
            "description": "شماره‌ای که دانشگاه به دانشجو داده است",
            "constraints": {"required": True, "maxLength": 20},
        },
        {
            "name": "national_id",
            "title": TITLES[1],
            "dargah:titleEn": "National id",
            "dargah:type": "national_id",
            "dargah:sensitivity": "personal",
            "constraints": {"required": True},
        },
        {
            "name": "degree_level",
            "title": TITLES[2],
            "dargah:titleEn": "Degree level",
            "dargah:type": "code",
            "dargah:codeList": "test_levels",
            "constraints": {"required": True},
        },
        {
            "name": "birth_date",
            "title": TITLES[3],
            "dargah:titleEn": "Birth date",
            "type": "date",
            "dargah:type": "jalali_date",
        },
        {
            "name": "credits",
            "title": TITLES[4],
            "dargah:titleEn": "Credits passed",
            "type": "integer",
            "dargah:type": "integer",
            "constraints": {"minimum": 0, "maximum": 400},
        },
        {
            "name": "email",
            "title": TITLES[5],
            "dargah:titleEn": "E-mail",
            "dargah:type": "email",
            "example": "a@example.ac.ir",
        },
    ]
    document: dict[str, Any] = {
        "id": "test_students",
        "title_fa": "دانشجویان آزمایشی",
        "title_en": "Test students",
        "description_fa": "فهرست دانشجویان برای آزمون",
        "description_en": "Students, for tests",
        "domain": "students",
        "owner": "education",
        "sensitivity": "personal",
        "cadence": "term",
        "version": "2.3",
        "schema": {
            "fields": fields,
            "primaryKey": ["student_number"],
            "dargah:rules": [
                {
                    "id": "R.test_students.1",
                    "kind": "compare",
                    "left": "credits",
                    "op": "<=",
                    "right_value": 300,
                    "when": {"degree_level": ["bachelor"]},
                    "message_fa": "واحدهای کارشناسی بیش از ۳۰۰ نیست.",
                    "message_en": "A bachelor has at most 300 credits.",
                }
            ],
        },
    }
    for name, value in changes.items():
        if name == "fields":
            document["schema"]["fields"] = value(fields)
        else:
            document[name] = value
    return DatasetDocument.model_validate(document)


def _open(content: bytes) -> Any:
    return load_workbook(io.BytesIO(content))


def _validation_of(sheet: Any, column: str) -> Any:
    [found] = [
        validation
        for validation in sheet.data_validations.dataValidation
        if f"{column}2:{column}{MAX_ROWS + 1}" in str(validation.sqref)
    ]
    return found


def _list_cells(workbook: Any, formula: str) -> list[str]:
    """The values a list validation's ``'sheet'!$A$2:$A$9`` formula points at."""
    sheet_part, cells = formula.split("!")
    sheet = workbook[sheet_part.strip("'").replace("''", "'")]
    return [row[0].value for row in sheet[cells.replace("$", "")]]


def test_data_sheet_comes_first_right_to_left_with_persian_titles_in_order() -> None:
    workbook = _open(xlsx_template(_document(), CODE_VALUES))
    assert workbook.sheetnames == [DATA_SHEET, GUIDE_SHEET, LISTS_SHEET]
    data = workbook.worksheets[0]
    assert data.sheet_view.rightToLeft
    assert [cell.value for cell in data[1]] == TITLES
    assert data.max_row == 1  # a template has no data rows
    assert data.freeze_panes == "A2"
    assert workbook.properties.creator == "Dargah"
    assert "دانشجویان آزمایشی" in workbook.properties.title


def test_required_headers_stand_out_and_every_header_explains_its_field() -> None:
    data = _open(xlsx_template(_document(), CODE_VALUES))[DATA_SHEET]
    required, optional = data["A1"], data["D1"]
    assert required.font.b
    assert not optional.font.b
    assert required.fill.fgColor.rgb != optional.fill.fgColor.rgb
    note = required.comment.text
    assert "student_number" in note
    assert "Student number" in note
    assert "الزامی" in note
    assert "شماره‌ای که دانشگاه به دانشجو داده است" in note


def test_code_column_drops_down_the_current_persian_labels_from_a_hidden_sheet() -> None:
    workbook = _open(xlsx_template(_document(), CODE_VALUES))
    validation = _validation_of(workbook[DATA_SHEET], "C")
    assert validation.type == "list"
    assert validation.formula1.startswith(f"'{LISTS_SHEET}'!")
    # The deprecated کاردانی is not offered for new records.
    assert _list_cells(workbook, validation.formula1) == [
        "کارشناسی",
        "کارشناسی ارشد",
        "دکتری تخصصی",
    ]
    assert workbook[LISTS_SHEET].sheet_state == "hidden"


def test_a_label_two_values_answer_to_is_offered_as_the_codes() -> None:
    values = [
        CodeValueDocument(code="01", label_fa="آموزش", label_en="Education"),
        CodeValueDocument(code="011", label_fa="آموزش", label_en="Education"),
        CodeValueDocument(code="02", label_fa="هنر", label_en="Arts"),
    ]
    workbook = _open(xlsx_template(_document(), {"test_levels": values}))
    formula = _validation_of(workbook[DATA_SHEET], "C").formula1
    assert _list_cells(workbook, formula) == ["01", "011", "هنر"]


def test_numbers_and_lengths_are_checked_in_excel() -> None:
    data = _open(xlsx_template(_document(), CODE_VALUES))[DATA_SHEET]
    credits = _validation_of(data, "E")
    assert (credits.type, credits.operator) == ("whole", "between")
    assert (credits.formula1, credits.formula2) == ("0", "400")
    assert "۴۰۰" in credits.prompt
    number = _validation_of(data, "A")
    assert (number.type, number.operator, number.formula1) == (
        "textLength",
        "lessThanOrEqual",
        "20",
    )


def test_dates_and_ids_are_text_columns_with_a_persian_hint() -> None:
    data = _open(xlsx_template(_document(), CODE_VALUES))[DATA_SHEET]
    # Text format keeps the national id's leading zeros and the Jalali date as typed.
    assert data.column_dimensions["B"].number_format == "@"
    assert data.column_dimensions["D"].number_format == "@"
    assert data.column_dimensions["E"].number_format == "General"
    assert "مثال: ۱۴۰۲/۰۷/۱۵" in _validation_of(data, "D").prompt
    assert "صفرهای آغازین" in _validation_of(data, "B").prompt
    assert "a@example.ac.ir" in _validation_of(data, "F").prompt
    prompts = [validation.prompt for validation in data.data_validations.dataValidation]
    assert len(prompts) == len(TITLES)
    assert all(prompts)


def test_instructions_sheet_describes_every_field_and_rule() -> None:
    guide = _open(xlsx_template(_document(), CODE_VALUES))[GUIDE_SHEET]
    assert guide.sheet_view.rightToLeft
    rows = [[cell.value for cell in row] for row in guide.iter_rows()]
    texts = {value for row in rows for value in row if value}
    assert "دانشجویان آزمایشی" in texts
    assert any("2.3" in text for text in texts)
    [header_at] = [index for index, row in enumerate(rows) if row[0] == "نام فیلد"]
    table = rows[header_at + 1 : header_at + 7]
    assert [row[0] for row in table] == [
        "student_number",
        "national_id",
        "degree_level",
        "birth_date",
        "credits",
        "email",
    ]
    credits = table[4]
    assert credits[1:6] == ["واحد گذرانده", "Credits passed", "عدد صحیح", "خیر", None]
    assert credits[6] == "از ۰ تا ۴۰۰"
    assert table[2][5] == "مقطع تحصیلی"  # the code list by name, not its id
    assert "R.test_students.1" in texts


def test_english_template_reads_left_to_right_with_english_titles_and_labels() -> None:
    workbook = _open(xlsx_template(_document(), CODE_VALUES, language="en"))
    data = workbook[DATA_SHEET]
    assert not data.sheet_view.rightToLeft
    assert [cell.value for cell in data[1]][:3] == ["Student number", "National id", "Degree level"]
    formula = _validation_of(data, "C").formula1
    assert _list_cells(workbook, formula) == ["Bachelor", "Master", "PhD"]
    assert "1402/07/15" in _validation_of(data, "D").prompt


def _with_boolean(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    extra = {"title": "فارغ‌التحصیل", "dargah:titleEn": "Graduated", "dargah:type": "boolean"}
    return [*fields, {"name": "graduated", "type": "boolean", **extra}]


def test_yes_no_column_drops_down_yes_and_no() -> None:
    data = _open(xlsx_template(_document(fields=_with_boolean), CODE_VALUES))[DATA_SHEET]
    validation = _validation_of(data, "G")
    assert (validation.type, validation.formula1) == ("list", '"بله,خیر"')


def test_code_values_must_be_given_for_every_list() -> None:
    with pytest.raises(ValueError, match="test_levels"):
        xlsx_template(_document(), {})


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        csv_template(_document(), language="de")  # type: ignore[arg-type]


def _with_formula_title(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    fields[4]["title"] = "=SUM(A1)"
    return fields


def test_a_header_that_looks_like_a_formula_stays_text() -> None:
    document = _document(fields=_with_formula_title)
    cell = _open(xlsx_template(document, CODE_VALUES))[DATA_SHEET]["E1"]
    assert cell.value == "'=SUM(A1)"
    assert cell.data_type == "s"
    header = csv_template(document).decode("utf-8-sig").splitlines()[0]
    assert header.split(",")[4] == "'=SUM(A1)"


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+98912", "'+98912"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("کارشناسی", "کارشناسی"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise_formula(text: str, safe: str) -> None:
    assert neutralise_formula(text) == safe


def test_csv_template_is_a_bom_and_one_header_row() -> None:
    content = csv_template(_document())
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig") == ",".join(TITLES) + "\r\n"


@pytest.mark.parametrize(
    ("language", "first"),
    [("fa", "شماره دانشجویی"), ("en", "Student number"), ("names", "student_number")],
)
def test_csv_template_headers_follow_the_language(language: Any, first: str) -> None:
    header = csv_template(_document(), language=language).decode("utf-8-sig").splitlines()
    assert header[0].split(",")[0] == first
    assert len(header) == 1


def test_the_code_sheet_is_headed_in_the_templates_language_with_codes_beside() -> None:
    titled = {"test_levels": ("مقاطع تحصیلی", "Degree levels")}
    workbook = _open(xlsx_template(_document(), CODE_VALUES, code_list_titles=titled))
    lists = workbook[LISTS_SHEET]

    assert lists.sheet_view.rightToLeft
    assert [lists["A1"].value, lists["B1"].value] == ["مقاطع تحصیلی", "کد"]
    assert [lists["A2"].value, lists["B2"].value] == ["کارشناسی", "bachelor"]
    english = _open(xlsx_template(_document(), CODE_VALUES, code_list_titles=titled, language="en"))
    assert [english[LISTS_SHEET]["A1"].value, english[LISTS_SHEET]["B1"].value] == [
        "Degree levels",
        "Code",
    ]
    # Without the list's own title, the field that uses it names it — never its id.
    untitled = _open(xlsx_template(_document(), CODE_VALUES))[LISTS_SHEET]
    assert untitled["A1"].value == "مقطع تحصیلی"
    guide = _open(xlsx_template(_document(), CODE_VALUES, code_list_titles=titled))[GUIDE_SHEET]
    cells = {cell.value for row in guide.iter_rows() for cell in row}
    assert "مقاطع تحصیلی" in cells
    assert "test_levels" not in cells
