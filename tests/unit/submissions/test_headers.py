"""Matching header rows to schema fields: loose spelling, strict reporting."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dargah.catalogue.schema import TableSchema
from dargah.submissions.headers import match_headers

SCHEMA = TableSchema.model_validate(
    {
        "fields": [
            {
                "name": "national_id",
                "title": "کد ملی",
                "dargah:titleEn": "National ID",
                "dargah:type": "national_id",
                "constraints": {"required": True},
            },
            {
                "name": "student_number",
                "title": "شماره دانشجویی",
                "dargah:titleEn": "Student number",
                "dargah:type": "identifier",
                "constraints": {"required": True},
            },
            {
                "name": "grade_1",
                "title": "نمره درس ۱",
                "dargah:titleEn": "Grade 1",
                "dargah:type": "text",
            },
            {
                "name": "mobile",
                "title": "تلفن همراه",
                "dargah:titleEn": "Mobile phone",
                "dargah:type": "mobile",
            },
        ],
        "primaryKey": ["national_id"],
    }
)


def test_matches_names_persian_titles_and_english_titles() -> None:
    matched = match_headers(["national_id", "شماره دانشجویی", "Grade 1", "Mobile phone"], SCHEMA)
    assert matched.columns == {
        "c0": "national_id",
        "c1": "student_number",
        "c2": "grade_1",
        "c3": "mobile",
    }
    assert matched.unknown == []
    assert matched.missing_required == []
    assert matched.missing_optional == []
    assert matched.duplicates == []


def test_spelling_variants_of_persian_headers_match() -> None:
    headers = [
        "  كد   ملي ",  # Arabic kaf and yeh, extra spaces
        "شماره\u200cدانشجويي",  # ZWNJ instead of a space, Arabic yeh
        "نمره درس 1",  # ASCII digit where the title has a Persian one
        "NATIONAL_ID",  # the name in capitals (a duplicate of the first column)
    ]
    matched = match_headers(headers, SCHEMA)
    assert matched.columns == {"c0": "national_id", "c1": "student_number", "c2": "grade_1"}
    assert matched.duplicates == ["national_id"]


def test_unknown_and_missing_columns_are_reported_not_guessed() -> None:
    matched = match_headers(["کد ملی", "نام پدر", "mobil"], SCHEMA)
    assert matched.columns == {"c0": "national_id"}
    assert matched.unknown == ["نام پدر", "mobil"]
    assert matched.missing_required == ["student_number"]
    assert matched.missing_optional == ["grade_1", "mobile"]


def test_empty_headers_are_neither_fields_nor_unknown() -> None:
    matched = match_headers(["", "national_id", "  ", "student_number", "-"], SCHEMA)
    assert matched.columns == {"c1": "national_id", "c3": "student_number"}
    assert matched.unknown == []


def test_a_name_wins_over_another_fields_english_title() -> None:
    schema = TableSchema.model_validate(
        {
            "fields": [
                {"name": "code", "title": "کد", "dargah:titleEn": "Code", "dargah:type": "text"},
                {
                    "name": "title",
                    "title": "عنوان",
                    "dargah:titleEn": "Code",  # clashes with the first field's name
                    "dargah:type": "text",
                },
            ],
            "primaryKey": ["code"],
        }
    )
    assert match_headers(["Code", "title"], schema).columns == {"c0": "code", "c1": "title"}


_SEPARATORS = st.sampled_from([" ", "  ", "\u200c", "", "_", " \u200c "])
_DIGITS = {str(d): (str(d), "۰۱۲۳۴۵۶۷۸۹"[d], "٠١٢٣٤٥٦٧٨٩"[d]) for d in range(10)}


@st.composite
def _variant(draw: st.DrawFn, text: str) -> str:
    """``text`` as someone might type it: other spacing, case, letters and digits."""
    out: list[str] = [draw(st.sampled_from(["", " ", "   "]))]
    for char in text:
        if char in " _":
            out.append(draw(_SEPARATORS))
        elif char == "ی":
            out.append(draw(st.sampled_from(["ی", "ي"])))
        elif char == "ک":
            out.append(draw(st.sampled_from(["ک", "ك"])))
        elif char in "۰۱۲۳۴۵۶۷۸۹" or char.isdigit():
            ascii_digit = str(int(char))
            out.append(draw(st.sampled_from(_DIGITS[ascii_digit])))
        elif char.isascii() and char.isalpha():
            out.append(draw(st.sampled_from([char.lower(), char.upper()])))
        else:
            out.append(char)
    out.append(draw(st.sampled_from(["", " ", "\t"])))
    return "".join(out)


@st.composite
def _field_and_header(draw: st.DrawFn) -> tuple[str, str]:
    field = draw(st.sampled_from(SCHEMA.fields))
    label = draw(st.sampled_from([field.name, field.title, field.title_en]))
    return field.name, draw(_variant(label))


@given(_field_and_header())
def test_any_typing_variant_of_a_label_still_matches_its_field(case: tuple[str, str]) -> None:
    name, header = case
    matched = match_headers([header], SCHEMA)
    assert matched.columns == {"c0": name}
    assert matched.unknown == []
