"""No input a person types escapes digit folding: a walk over every route's inputs.

Every field of every request body (nested models too) and every query parameter of the
API and the portal whose value is an identifier, period, code, date or number must
carry ``FOLDS_DIGITS`` (``dargah.persian.inputs``), so «۱۴۰۳-۲» reads as 1403-2
wherever it is typed. Enumerations, literals and booleans have no digits to fold;
the few text inputs that are left alone are named below with the reason.

Path parameters and integer query parameters are typed in ``api/deps.py`` (bounded
id types); they are outside this walk.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from fastapi import FastAPI
from pydantic import BaseModel

from dargah.persian.inputs import FOLDS_DIGITS

# Text whose digits are not a person's typed identifier, or must never change.
EXEMPT: dict[str, str] = {
    # Secrets are compared exactly: folding ۱ to 1 would change a password.
    "password": "secret",
    "current_password": "secret",
    "new_password": "secret",
    # Prose is stored through persian.normalize, which folds digits itself.
    "name_fa": "prose",
    "name_en": "prose",
    "title_fa": "prose",
    "title_en": "prose",
    "full_name": "prose",
    "description": "prose",
    "description_fa": "prose",
    "description_en": "prose",
    "usage_notes_fa": "prose",
    "usage_notes_en": "prose",
    "changelog": "prose",
    "notes": "prose",
    "note": "prose",
    "reason": "prose",
    "purpose": "prose",
    "legal_basis": "prose",
    "city": "prose",
    "q": "search text, normalised by the search",
    # Machine tokens and addresses, typed by programs, not people.
    "cursor": "opaque paging token",
    "filename": "the file's own name, kept as sent",
    "website": "URL",
    "email": "e-mail address",
    "next_url": "redirect target",
    "notice": "portal notice key",
    # Record values are read by the data set's own field types (submissions/fields.py),
    # which fold digits per field type.
    "items": "record values, typed by the catalogue's field types",
    "table_schema": "a catalogue document",
    "schema_": "a catalogue document",
    "value": "record values, typed by the catalogue's field types",
    "values": "record values, typed by the catalogue's field types",
    # A new data set's document is checked by the catalogue's own schema (Frictionless).
    "DatasetDocument": "a catalogue document",
    # Choices and names from a fixed vocabulary: letters and _ only, no digits to type.
    "format": "choice",
    "language": "choice",
    "domain": "choice",
    "status": "choice",
    "kind": "choice",
    "action": "audit action codes",
    "entity_type": "choice",
    "institution_type": "choice",
    "select": "field names",
    "group_by": "field names",
    "field": "field name",
    "fields": "field names",
    "name": "a label (prose) or an aggregate's name",
}

_SCALARS = (str, int, float, Decimal, date, datetime)


def _leaves(annotation: Any, folded: bool, path: str) -> Iterator[tuple[str, type, bool]]:
    """``(path, scalar type, folded)`` for every scalar inside ``annotation``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *metadata = get_args(annotation)
        here = folded or any(item is FOLDS_DIGITS for item in metadata)
        for item in metadata:  # FieldInfo inside Annotated keeps its own metadata
            here = here or any(
                extra is FOLDS_DIGITS for extra in getattr(item, "metadata", ()) or ()
            )
        yield from _leaves(base, here, path)
    elif origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            yield from _leaves(arg, folded, path)
    elif origin is Literal:
        return
    elif origin in (list, tuple, set, frozenset, typing.Sequence):
        for arg in get_args(annotation):
            if arg is not Ellipsis:
                yield from _leaves(arg, folded, path + "[]")
    elif origin is dict:
        return  # free-form objects (record items, documents): named in EXEMPT
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield from _model_leaves(annotation, path)
    elif isinstance(annotation, type) and issubclass(annotation, enum.Enum | bool):
        return
    elif isinstance(annotation, type) and issubclass(annotation, _SCALARS):
        yield path, annotation, folded


_seen: set[type] = set()


def _model_leaves(model: type[BaseModel], path: str) -> Iterator[tuple[str, type, bool]]:
    if model in _seen or model.__name__ in EXEMPT:
        return
    _seen.add(model)
    try:
        for name, info in model.model_fields.items():
            if name in EXEMPT:
                continue
            folded = any(item is FOLDS_DIGITS for item in info.metadata)
            yield from _leaves(info.annotation, folded, f"{path}{model.__name__}.{name}")
    finally:
        _seen.discard(model)


def _dependants(app: FastAPI) -> Iterator[tuple[str, Any]]:
    for route in app.routes:
        for context in getattr(route, "effective_route_contexts", lambda: ())():
            yield context.path, context.dependant


def _all_dependencies(dependant: Any) -> Iterator[Any]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _all_dependencies(sub)


def _unfolded(app: FastAPI) -> list[str]:
    missing = []
    for path, dependant in _dependants(app):
        for current in _all_dependencies(dependant):
            for param in current.query_params:
                if param.name in EXEMPT:
                    continue
                info = param.field_info
                folded = any(item is FOLDS_DIGITS for item in info.metadata)
                for leaf, kind, ok in _leaves(info.annotation, folded, f"?{param.name}"):
                    if not ok and kind is not int:  # int query params: api/deps.py
                        missing.append(f"{path} {leaf} ({kind.__name__})")
            for param in current.body_params:
                info = param.field_info
                folded = any(item is FOLDS_DIGITS for item in info.metadata)
                for leaf, kind, ok in _leaves(info.annotation, folded, "body:"):
                    if not ok:
                        missing.append(f"{path} {leaf} ({kind.__name__})")
    return sorted(set(missing))


def test_every_typed_identifier_period_date_and_number_folds_digits(app: FastAPI) -> None:
    assert _unfolded(app) == []
