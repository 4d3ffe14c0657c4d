"""Matching a file's header row to the fields of a data-set schema, never by guessing.

A column is recognised by the field's name (``national_id``), its Persian title
(``کد ملی``) or its English title (``National ID``), compared with
``dargah.persian.match_key``: case, spaces, ZWNJ, underscores and other punctuation,
Arabic ي/ك against Persian ی/ک and Persian or Arabic digits do not matter. A header
that names no field is reported as unknown, a field that no header names as missing,
and a field named by two headers as a duplicate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dargah.catalogue.schema import TableSchema
from dargah.persian import match_key

__all__ = ["HeaderMatch", "column_name", "match_headers"]


def column_name(index: int) -> str:
    """The name readers give the column at ``index`` (0-based): ``c0``, ``c1``, …"""
    return f"c{index}"


@dataclass(frozen=True)
class HeaderMatch:
    """How a file's header row maps onto a schema."""

    columns: dict[str, str]
    """Reader column name (``"c3"``) → schema field name, in header order."""
    unknown: list[str]
    """Header texts that name no field (empty header cells are not listed)."""
    missing_required: list[str]
    """Required field names that no header names, in schema order."""
    missing_optional: list[str]
    """Optional field names that no header names, in schema order."""
    duplicates: list[str]
    """Field names named by more than one header; only the first such column is mapped."""


def _field_keys(schema: TableSchema) -> dict[str, str]:
    # Names win over Persian titles, which win over English titles, so that one
    # field's English title can never capture another field's name.
    keys: dict[str, str] = {}
    for attribute in ("name", "title", "title_en"):
        for item in schema.fields:
            key = match_key(getattr(item, attribute))
            if key:
                keys.setdefault(key, item.name)
    return keys


def match_headers(headers: Sequence[str], schema: TableSchema) -> HeaderMatch:
    """Map ``headers`` (as a reader returns them) onto the fields of ``schema``.

    Each header is compared with every field's name, Persian title and English title
    through ``match_key``. Empty headers (and headers made only of spaces or
    punctuation) are skipped; every other header either maps to a field or is listed
    in ``unknown``.
    """
    keys = _field_keys(schema)
    columns: dict[str, str] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    found: set[str] = set()
    for index, header in enumerate(headers):
        key = match_key(header)
        if not key:
            continue
        field_name = keys.get(key)
        if field_name is None:
            unknown.append(header)
        elif field_name in found:
            if field_name not in duplicates:
                duplicates.append(field_name)
        else:
            found.add(field_name)
            columns[column_name(index)] = field_name
    missing = [item for item in schema.fields if item.name not in found]
    return HeaderMatch(
        columns=columns,
        unknown=unknown,
        missing_required=[item.name for item in missing if item.required],
        missing_optional=[item.name for item in missing if not item.required],
        duplicates=duplicates,
    )
