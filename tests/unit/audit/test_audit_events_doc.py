"""docs/audit-events.md describes every audit event code, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from dargah.audit.events import AUDIT_ACTION_DESCRIPTIONS, AuditAction

DOC = Path(__file__).resolve().parents[3] / "docs" / "audit-events.md"


def _table_rows() -> dict[str, list[str]]:
    """The rows of the table under "## Event codes", keyed by code."""
    text = DOC.read_text(encoding="utf-8")
    _, found, section = text.partition("## Event codes")
    assert found, "the doc has no '## Event codes' section"
    rows: dict[str, list[str]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0].startswith("`") and cells[0].endswith("`"):
            rows[cells[0].strip("`")] = cells[1:]
    return rows


@pytest.mark.parametrize("action", list(AuditAction), ids=str)
def test_every_action_is_documented_with_its_descriptions(action: AuditAction) -> None:
    description_fa, description_en = AUDIT_ACTION_DESCRIPTIONS[action]

    row = _table_rows().get(action.value)

    assert row is not None, f"{action.value} is missing from {DOC.name}"
    assert description_fa in row
    assert description_en in row


def test_the_doc_lists_no_code_that_does_not_exist() -> None:
    assert set(_table_rows()) == {action.value for action in AuditAction}


def test_every_action_has_descriptions() -> None:
    assert set(AUDIT_ACTION_DESCRIPTIONS) == set(AuditAction)
