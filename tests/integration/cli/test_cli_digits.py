"""Options typed with Persian or Arabic-Indic digits work on the command line too."""

from __future__ import annotations

import pytest
import typer
from test_cli_commands import create_institution, dargah, node, node_url  # noqa: F401

from dargah.cli.inputs import whole_number
from dargah.db.session import Database


def test_whole_numbers_are_read_in_any_digits() -> None:
    assert whole_number("۲۵") == 25
    assert whole_number("٢٥") == 25
    assert whole_number(7) == 7  # a default
    with pytest.raises(typer.BadParameter, match="not a whole number"):
        whole_number("۲۵الف")


def test_members_list_takes_persian_digits(node: Database) -> None:  # noqa: F811
    for code in ("9101", "9102"):
        created_code, created = create_institution(code, "تهران")
        assert created_code == 0, created

    code, listed = dargah("members", "list", "--province", "۲۳", "--limit", "۱")

    assert code == 0, listed
    assert listed.count("IR/UNI/91") == 1  # one per page, as typed in Persian digits
    code, refused = dargah("members", "list", "--limit", "یک")
    assert code != 0
    assert "not a whole number" in refused
