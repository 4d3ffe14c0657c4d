"""What a validation finding is: a stable code, a severity and a message in two languages.

Findings about cells and rows are collected as polars frames (one row per finding) so
that a million-row file with a bad column does not build a million Python objects.
The codes here are listed in docs/error-codes.md under "Submission findings".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl

from dargah.catalogue.schema import RuleSeverity

ERROR: Final = RuleSeverity.ERROR.value
WARNING: Final = RuleSeverity.WARNING.value

# The columns of a findings frame, in order.
ISSUE_SCHEMA: Final = {
    "row": pl.Int64,
    "field": pl.String,
    "value": pl.String,
    "code": pl.String,
    "rule_id": pl.String,
    "severity": pl.String,
    "message_fa": pl.String,
    "message_en": pl.String,
}


@dataclass(frozen=True)
class FindingText:
    """The fixed text of a finding code (rules carry their own messages)."""

    code: str
    message_fa: str
    message_en: str


def _text(*, code: str, fa: str, en: str) -> FindingText:
    return FindingText(code, fa, en)


REQUIRED = _text(
    code="value_required", fa="این ستون برای هر سطر الزامی است.", en="This column is required."
)
INTEGER = _text(code="value_not_integer", fa="باید عدد صحیح باشد.", en="Must be a whole number.")
NUMBER = _text(code="value_not_number", fa="باید عدد باشد.", en="Must be a number.")
MONEY = _text(
    code="value_not_money",
    fa="مبلغ باید به ریال و بدون اعشار باشد.",
    en="Amounts are whole rials, without fractions.",
)
BOOLEAN = _text(
    code="value_not_boolean",
    fa="باید «بله» یا «خیر» باشد.",
    en="Must be yes or no.",
)
DATE = _text(
    code="value_not_date",
    fa="تاریخ میلادی باید به شکل 2024-03-20 باشد.",
    en="Gregorian dates are written like 2024-03-20.",
)
YEAR = _text(
    code="value_not_year",
    fa="سال شمسی باید چهاررقمی باشد، مانند ۱۴۰۳.",
    en="The Jalali year must have four digits, e.g. 1403.",
)
TERM = _text(
    code="value_not_term",
    fa="نیمسال باید به شکل ۱۴۰۳-۱ باشد (۱ مهر، ۲ بهمن، ۳ تابستان).",
    en="Terms are written like 1403-1 (1 autumn, 2 spring, 3 summer).",
)
EMAIL = _text(
    code="value_not_email", fa="نشانی رایانامه معتبر نیست.", en="Not a valid e-mail address."
)
URL = _text(
    code="value_not_url",
    fa="نشانی وب باید با http:// یا https:// آغاز شود.",
    en="Web addresses start with http:// or https://.",
)
CODE_UNKNOWN = _text(
    code="code_unknown",
    fa="این مقدار در فهرست کدهای این ستون نیست.",
    en="This value is not in the column's code list.",
)
CODE_DEPRECATED = _text(
    code="code_deprecated",
    fa="این کد منسوخ شده است؛ کد جایگزین را به کار ببرید.",
    en="This code is deprecated; use its replacement.",
)
MINIMUM = _text(
    code="value_below_minimum", fa="مقدار از حداقل مجاز کمتر است.", en="Below the minimum."
)
MAXIMUM = _text(
    code="value_above_maximum", fa="مقدار از حداکثر مجاز بیشتر است.", en="Above the maximum."
)
MIN_LENGTH = _text(code="value_too_short", fa="مقدار کوتاه‌تر از حد مجاز است.", en="Too short.")
MAX_LENGTH = _text(code="value_too_long", fa="مقدار بلندتر از حد مجاز است.", en="Too long.")
PATTERN = _text(
    code="value_pattern", fa="شکل مقدار با الگوی این ستون نمی‌خواند.", en="Wrong format."
)
ENUM = _text(
    code="value_not_allowed",
    fa="این مقدار در فهرست مقادیر مجاز نیست.",
    en="Not one of the allowed values.",
)
KEY_DUPLICATE = _text(
    code="key_duplicate",
    fa="این سطر با سطر دیگری از همین فایل کلید یکسان دارد.",
    en="Another row of this file has the same key.",
)
ACTION_UNKNOWN = _text(
    code="action_unknown",
    fa="ستون عملیات فقط «ثبت» یا «حذف» می‌پذیرد.",
    en="The action column accepts only upsert or delete.",
)
ACTION_IN_SNAPSHOT = _text(
    code="action_in_snapshot",
    fa="در ارسال کامل (snapshot) حذف صریح معنا ندارد؛ سطر را از فایل بردارید.",
    en="A snapshot has no explicit deletes: leave the row out of the file instead.",
)
REFERENCE_UNCHECKED = _text(
    code="reference_unchecked",
    fa="این قاعده بررسی نشد: داده‌ای از مجموعهٔ مرجع برای این موسسه در درگاه نیست.",
    en="This rule was not checked: the gateway holds no data of the referenced data set "
    "for this institution.",
)

RULE_CODES: Final = {
    "compare": "rule_compare",
    "required_if": "rule_required_if",
    "code_attribute": "rule_code_attribute",
    "exists_in": "rule_exists_in",
}
"""The finding code of each rule kind; the rule id says which rule."""

RULE_TEXTS: Final = (
    _text(code="rule_compare", fa="مقایسهٔ دو ستون", en="Comparison of two columns"),
    _text(code="rule_required_if", fa="ستون الزامی در شرایط خاص", en="Conditionally required"),
    _text(code="rule_code_attribute", fa="سازگاری کدها", en="Code consistency"),
    _text(code="rule_exists_in", fa="وجود در مجموعه‌دادهٔ دیگر", en="Exists in another data set"),
)


def empty_issues() -> pl.DataFrame:
    """A findings frame with no rows."""
    return pl.DataFrame(schema=ISSUE_SCHEMA)


def issue_frame(
    rows: pl.Series,
    values: pl.Series,
    *,
    field: str | None,
    text: FindingText,
    severity: str = ERROR,
    rule_id: str | None = None,
) -> pl.DataFrame:
    """Findings with one fixed text for the given rows (``rows`` and ``values`` align)."""
    count = rows.len()
    return pl.DataFrame(
        {
            "row": rows.cast(pl.Int64),
            "field": pl.repeat(field, count, dtype=pl.String, eager=True),
            "value": values.cast(pl.String),
            "code": pl.repeat(text.code, count, dtype=pl.String, eager=True),
            "rule_id": pl.repeat(rule_id, count, dtype=pl.String, eager=True),
            "severity": pl.repeat(severity, count, dtype=pl.String, eager=True),
            "message_fa": pl.repeat(text.message_fa, count, dtype=pl.String, eager=True),
            "message_en": pl.repeat(text.message_en, count, dtype=pl.String, eager=True),
        },
        schema=ISSUE_SCHEMA,
    )
