"""The docs' shell examples are either runnable against the demo as written (with the
variables each doc defines at its top) or marked as skipped with a reason."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support.docs_examples import all_examples, documents, examples

RUNNABLE = [example for example in all_examples() if example.skip is None]
# A curl whose HTTP status is not checked would let a 4xx or 5xx answer pass.
_CURL = re.compile(r"(?<![\w-])curl\s")
_CHECKED = re.compile(r"(?<![\w-])(-[a-zA-Z]*f[a-zA-Z]*|--fail|--fail-with-body)(?![\w-])")
# Placeholders a reader would have to fill in by hand.
_PLACEHOLDERS = ("…", "dgk_", "dgs_", "<demo key>", "https://dargah.msrt.ir")


def _commands(code: str) -> list[str]:
    """The block's commands, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", code)
    return [
        line for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]


def test_every_document_parses_and_has_its_examples_found() -> None:
    found = {path.name: examples(path) for path in documents()}

    assert found["README.md"]
    assert found["api.md"]
    assert found["queries.md"]


@pytest.mark.parametrize("example", RUNNABLE, ids=lambda example: example.name)
def test_every_curl_checks_the_http_status(example: object) -> None:
    code = example.code  # type: ignore[attr-defined]
    for command in _commands(code):
        for part in re.split(r"\$\(|\||&&|;", command):
            if _CURL.search(part):
                assert _CHECKED.search(part), f"curl without -f (--fail): {part.strip()}"


@pytest.mark.parametrize("example", RUNNABLE, ids=lambda example: example.name)
def test_runnable_examples_have_no_placeholders(example: object) -> None:
    for command in _commands(example.code):  # type: ignore[attr-defined]
        for placeholder in _PLACEHOLDERS:
            assert placeholder not in command, f"{placeholder!r} in: {command.strip()}"


def test_a_skip_needs_a_reason(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("<!-- docs-test: skip -->\n```sh\nmake demo\n```\n", encoding="utf-8")

    with pytest.raises(ValueError, match="skip <reason>"):
        examples(page)


def test_a_marker_names_the_block_after_it(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- docs-test: skip runs forever -->\n\n```sh\ndargah worker\n```\n\n"
        "```sh\ndargah db status\n```\n",
        encoding="utf-8",
    )

    first, second = examples(page)

    assert (first.line, first.skip) == (3, "runs forever")
    assert (second.line, second.skip) == (7, None)
