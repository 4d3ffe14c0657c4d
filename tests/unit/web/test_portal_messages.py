"""The portal's message catalogue, formatting helpers and redirect guard (no database)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from dargah.members.models import AgencyRole, MemberKind
from dargah.web import i18n
from dargah.web.deps import safe_next
from dargah.web.forms import CREATE_FIELDS
from dargah.web.templating import TEMPLATES_DIR

# t("a.key") or t("a.key", name=...); keys built with ~ are checked below from the enums.
_TEMPLATE_KEY = re.compile(r"""\bt\(\s*["']([A-Za-z0-9_.]+)["']\s*[,)]""")


def test_both_languages_have_the_same_keys() -> None:
    assert set(i18n.MESSAGES["fa"]) == set(i18n.MESSAGES["en"])


def test_no_message_is_empty() -> None:
    for language, messages in i18n.MESSAGES.items():
        assert all(text.strip() for text in messages.values()), language


def test_every_key_the_templates_use_exists() -> None:
    used = {
        key
        for path in TEMPLATES_DIR.rglob("*.html")
        for key in _TEMPLATE_KEY.findall(path.read_text(encoding="utf-8"))
    }
    assert used, "no t('...') calls found: the pattern is out of date"
    # Keys the templates build from values: every value needs its label.
    used |= {f"kind.{kind.value}" for kind in MemberKind}
    used |= {f"agency_role.{role.value}" for role in AgencyRole}
    used |= {f"field.{name}" for name in CREATE_FIELDS}
    assert used - set(i18n.MESSAGES["fa"]) == set()


def test_numbers_use_persian_digits_and_separators_in_persian() -> None:
    assert i18n.format_number(1234567, "fa") == "۱٬۲۳۴٬۵۶۷"
    assert i18n.format_number(1234567, "en") == "1,234,567"


def test_dates_are_jalali_in_persian_and_gregorian_in_english() -> None:
    moment = datetime(2018, 3, 20, 12, 0, tzinfo=UTC)  # 29 Esfand 1396, Tehran 15:30
    # A no-break space: the time never wraps away from its date in a narrow column.
    assert i18n.format_date(moment, "fa") == "۱۳۹۶/۱۲/۲۹\u00a0۱۵:۳۰"
    assert i18n.format_date(moment, "en") == "2018-03-20\u00a015:30"
    assert i18n.format_date(None, "fa") == ""


def test_persian_names_sort_in_alphabet_order() -> None:
    names = ["گیلان", "یزد", "اصفهان", "پیام", "چهارمحال", "بوشهر"]
    ordered = sorted(names, key=lambda name: i18n.sort_key(name, "fa"))
    assert ordered == ["اصفهان", "بوشهر", "پیام", "چهارمحال", "گیلان", "یزد"]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/members?q=1", "/members?q=1"),
        ("/members/IR/UNI/1001", "/members/IR/UNI/1001"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("members", "/"),
    ],
)
def test_safe_next_keeps_only_paths_on_this_site(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected
