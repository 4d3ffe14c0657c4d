"""The scanner the browser walks use to find codes and English on Persian pages."""

from __future__ import annotations

import pytest

from support.ui_text import leaks


@pytest.mark.parametrize(
    "text",
    [
        "دانشگاه تهران — ۱۲۳ دانشجو در نیم‌سال ۱۴۰۳-۱",
        "شناسهٔ عضو IR/UNI/1001 و سامانهٔ IR/UNI/1001/sis",
        "پرونده را با قالب CSV یا XLSX بفرستید؛ راهنمای API را ببینید.",
        "نشانی: ops@msrt.ir — https://dargah.msrt.ir/docs",
        "فایل students-1403-1.csv دریافت شد.",
        "",
    ],
)
def test_persian_prose_has_no_leak(text: str) -> None:
    assert leaks(text) == []


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        ("فیلدها: degree_level، gpa", "degree_level"),
        ("قاعدهٔ rule_exists_in نقض شد", "rule_exists_in"),
        ("درخواست‌کننده: cli:root", "cli"),
        ("مصرف‌کننده research است", "research"),
        ("۱ از 190 موسسه", "190"),
        ("خطا: statistics_period_not_loaded", "statistics_period_not_loaded"),
        ("maxLength: 20", "maxLength"),
        ("Submitted", "Submitted"),
    ],
)
def test_codes_english_and_latin_numbers_are_leaks(text: str, leak: str) -> None:
    assert leak in leaks(text)
