"""Messages of the ask-first search results, in Persian and English.

Kept apart from ``i18n.MESSAGES`` (which merges them at import), as the query pages'
and the statistics dashboard's messages are.
"""

from __future__ import annotations

from typing import Final

DISCOVERY_MESSAGES: Final[dict[str, dict[str, str]]] = {
    "fa": {
        "ask.found_field": "«{field}»",
        "ask.found_value": "{field}: {value}",
        "ask.filters": "پالایه‌های پیشنهادی",
        "ask.filters_help": "این مقدارها در پرسش شما آمده‌اند؛ سازندهٔ پرسش با آن‌ها باز می‌شود.",
        "ask.open_builder": "باز کردن در سازندهٔ پرسش",
        "ask.filter_of": "{dataset} که در آن {filter}",
        "ask.unmatched": "این واژه‌ها در هیچ مجموعه‌داده، ستون یا مقداری یافت نشد: {words}",
        "ask.weak": "نزدیک‌ترین یافته‌ها (فقط بخشی از یک مقدار با پرسش جور است):",
    },
    "en": {
        "ask.found_field": "“{field}”",
        "ask.found_value": "{field}: {value}",
        "ask.filters": "Suggested filters",
        "ask.filters_help": "These values are in your question; the query builder opens with them.",
        "ask.open_builder": "Open in the query builder",
        "ask.filter_of": "{dataset} where {filter}",
        "ask.unmatched": "These words matched no data set, field or value: {words}",
        "ask.weak": "Closest finds (only part of a value matches the question):",
    },
}
