"""Every Persian message of the portal reads as Persian: no code, English word or Latin
number in it (the scanner the browser walks use, ``support.ui_text``), except in the
few messages that document a machine format for authors and integrators."""

from __future__ import annotations

import re

from dargah.web.i18n import MESSAGES
from support.ui_text import leaks

# Help for catalogue authors and integrators: they name JSON keys, a sample code, the
# language switch itself. Each is shown to those who type such codes.
TECHNICAL = frozenset(
    {
        "cat.draft_intro",  # Frictionless Table Schema, by its name
        "cat.schema_help",  # the JSON keys an author writes
        "lang.other",
        "lang.other_code",
        "lang.switch_label",
    }
)
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def test_persian_messages_have_no_codes_english_or_latin_digits() -> None:
    found = {
        key: leaks(_PLACEHOLDER.sub(" ", text))
        for key, text in MESSAGES["fa"].items()
        if key not in TECHNICAL
    }
    assert {key: words for key, words in found.items() if words} == {}
