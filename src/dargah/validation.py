"""Small validation helpers shared by the API models of several domains."""

from __future__ import annotations

from pydantic import BaseModel


def refuse_explicit_nulls(model: BaseModel, *fields: str) -> None:
    """In a partial update, "omitted" keeps a value but ``null`` would erase a required
    one; refuse ``null`` for ``fields`` so the database never sees it."""
    erased = [
        name for name in fields if name in model.model_fields_set and getattr(model, name) is None
    ]
    if erased:
        raise ValueError(f"may be omitted but not null: {', '.join(erased)}")


def check_web_address(value: str | None) -> str | None:
    """An http(s) address or nothing; other schemes (``javascript:``) are refused."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not value.lower().startswith(("http://", "https://")):
        raise ValueError("website must start with http:// or https://")
    return value
