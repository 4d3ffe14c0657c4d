"""Small validation helpers shared by the API models of several domains."""

from __future__ import annotations

from typing import TypeVar

_T = TypeVar("_T")


def reject_null(value: _T | None) -> _T:
    """In a partial update, "omitted" keeps a value but ``null`` would erase a required
    one: refuse ``null`` (used as a field validator, so the error names the field)."""
    if value is None:
        raise ValueError("may be omitted but not null")
    return value


def check_web_address(value: str | None) -> str | None:
    """An http(s) address or nothing; other schemes (``javascript:``) are refused."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not value.lower().startswith(("http://", "https://")):
        raise ValueError("website must start with http:// or https://")
    return value
