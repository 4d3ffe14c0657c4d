"""Every stable error code the code can answer with is listed in docs/error-codes.md."""

from __future__ import annotations

import re
from pathlib import Path

import dargah
from dargah.api.problems import _HTTP_MESSAGES
from dargah.errors import not_found

ROOT = Path(dargah.__file__).parents[2]
SOURCE = Path(dargah.__file__).parent
# `code="…"` in an error's constructor, `"code": "…"` in a row-level error item.
CODE_LITERAL = re.compile(r'(?:\bcode=|"code": )"([a-z][a-z0-9_]+)"')
NOT_FOUND_CALL = re.compile(r'not_found\(\s*"[^"]+",\s*"([^"]+)"')
# The Persian toolkit's errors take their code as the first argument.
PERSIAN_ERROR = re.compile(r'Invalid[A-Za-z]+\(\s*"([a-z][a-z0-9_]+)"')
# Modules whose `code=` keywords name data (HQ unit codes), not errors.
NOT_ERRORS = {"hq_units.py"}


def _codes_in_source() -> set[str]:
    codes: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if path.name in NOT_ERRORS:
            continue
        text = path.read_text(encoding="utf-8")
        codes.update(CODE_LITERAL.findall(text))
        codes.update(PERSIAN_ERROR.findall(text))
        codes.update(not_found("-", entity, "-").code for entity in NOT_FOUND_CALL.findall(text))
    codes.update(code for code, _, _ in _HTTP_MESSAGES.values())
    return codes


def _codes_in_docs() -> set[str]:
    text = (ROOT / "docs" / "error-codes.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([a-z0-9_]+)` \|", text, flags=re.MULTILINE))


def test_every_code_is_documented() -> None:
    assert sorted(_codes_in_source() - _codes_in_docs()) == []


def test_the_doc_lists_no_code_that_no_longer_exists() -> None:
    assert sorted(_codes_in_docs() - _codes_in_source()) == []
