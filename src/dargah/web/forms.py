"""The member form: posted fields to ``MemberCreate``/``MemberUpdate``, errors to fields.

A form posts every field as text; empty means "not given". Validation errors from
pydantic and the members service come back as one message per field, in the page's
language, so the form can be shown again with the person's input and what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from pydantic import ValidationError

from dargah.errors import DargahError, InvalidInput
from dargah.members.models import (
    INSTITUTION_TYPE_LABELS,
    MEMBER_STATUS_LABELS,
    AgencyRole,
    Member,
    MemberKind,
)
from dargah.members.provinces import PROVINCES
from dargah.members.schemas import MemberCreate, MemberUpdate
from dargah.web.i18n import Language, sort_key, translate

Choices = list[tuple[str, str]]

CREATE_FIELDS: Final = (
    "kind",
    "code",
    "name_fa",
    "name_en",
    "institution_type",
    "province",
    "city",
    "parent",
    "agency_role",
    "website",
    "status",
    "notes",
)
UPDATE_FIELDS: Final = tuple(name for name in CREATE_FIELDS if name not in ("kind", "code"))
# Fields a stored member must always have: blank is an error, never "leave unchanged".
_NEVER_BLANK: Final = frozenset({"name_fa", "status"})
# Domain error codes that are about one field of the form.
_FIELD_OF_CODE: Final = {
    "member_exists": "code",
    "parent_not_found": "parent",
    "parent_cycle": "parent",
}
# pydantic's value errors, per field, as catalogue keys.
_VALUE_ERROR_KEYS: Final = {
    "code": "val.code",
    "province": "val.province",
    "website": "val.website",
    "name_fa": "val.empty",
}
_TYPE_KEYS: Final = {
    "missing": "val.missing",
    "string_too_short": "val.too_short",
    "string_too_long": "val.too_long",
    "enum": "val.choice",
    "literal_error": "val.choice",
    "int_parsing": "val.number",
}


@dataclass
class FormErrors(Exception):
    """Messages for the form: per field, plus any that concern the whole form."""

    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    status: int = 422


def _cleaned(fields: dict[str, str], names: tuple[str, ...]) -> dict[str, str]:
    return {name: fields.get(name, "").strip() for name in names}


def parse_create(fields: dict[str, str], language: Language) -> MemberCreate:
    """A new member from the posted form, or ``FormErrors``."""
    values = {name: value for name, value in _cleaned(fields, CREATE_FIELDS).items() if value}
    try:
        return MemberCreate.model_validate(values)
    except ValidationError as exc:
        raise validation_errors(exc, language) from None


def parse_update(fields: dict[str, str], member: Member, language: Language) -> MemberUpdate:
    """Changes to ``member`` from the posted edit form, or ``FormErrors``.

    Only fields the form showed are taken; blank optional fields clear their value.
    """
    shown = edit_fields(member)
    values: dict[str, Any] = {}
    for name, value in _cleaned(fields, shown).items():
        if name not in fields and name not in _NEVER_BLANK:
            continue
        values[name] = value if value or name in _NEVER_BLANK else None
    website = values.get("website")
    if website and not str(website).startswith(("http://", "https://")):
        # MemberUpdate does not check the scheme the way MemberCreate does.
        raise FormErrors(fields={"website": translate(language, "val.website")})
    try:
        return MemberUpdate.model_validate(values)
    except ValidationError as exc:
        raise validation_errors(exc, language) from None


def edit_fields(member: Member) -> tuple[str, ...]:
    """The fields the edit form shows for ``member`` (institution or agency ones)."""
    if member.kind == "institution":
        skip = {"agency_role"}
    elif member.kind == "agency":
        skip = {"institution_type", "province", "city", "parent"}
    else:
        skip = {"institution_type", "province", "city", "parent", "agency_role"}
    return tuple(name for name in UPDATE_FIELDS if name not in skip)


def form_values(member: Member) -> dict[str, str]:
    """The edit form's initial values, from a stored member."""
    stored: dict[str, str | None] = {
        "kind": member.kind,
        "code": member.code,
        "name_fa": member.name_fa,
        "name_en": member.name_en,
        "institution_type": member.institution_type,
        "province": member.province_code,
        "city": member.city,
        "parent": member.parent.identifier if member.parent is not None else None,
        "agency_role": member.agency_role,
        "website": member.website,
        "status": member.status,
        "notes": member.notes,
    }
    return {name: value or "" for name, value in stored.items()}


def validation_errors(exc: ValidationError, language: Language) -> FormErrors:
    """One message per field from a pydantic ``ValidationError``."""
    errors = FormErrors()
    for error in exc.errors():
        location = error.get("loc", ())
        name = str(location[0]) if location else ""
        kind = str(error.get("type", "value_error"))
        if kind == "string_too_short" and error.get("input") == "":
            key = "val.missing"
        elif kind == "value_error":
            key = _VALUE_ERROR_KEYS.get(name, "val.invalid")
        else:
            key = _TYPE_KEYS.get(kind, "val.invalid")
        errors.fields.setdefault(name or "_", translate(language, key))
    if "_" in errors.fields:
        errors.general.append(errors.fields.pop("_"))
    return errors


def domain_errors(exc: DargahError, language: Language) -> FormErrors:
    """Field messages from a members-service error (``InvalidInput``, ``Conflict``)."""
    errors = FormErrors(status=exc.status)
    for item in exc.errors:
        name = str(item.get("field", ""))
        if item.get("code") == "required":
            message = translate(language, "val.missing")
        else:
            message = str(item.get("message_en" if language == "en" else "message_fa", ""))
        errors.fields.setdefault(name, message or translate(language, "val.invalid"))
    if not exc.errors:
        field_name = _FIELD_OF_CODE.get(exc.code)
        if field_name is not None:
            errors.fields[field_name] = exc.message(language)
        else:
            errors.general.append(exc.message(language))
    elif isinstance(exc, InvalidInput):
        errors.general.append(exc.message(language))
    return errors


def member_choices(language: Language) -> dict[str, Choices]:
    """The options of the member dropdowns as ``(value, label)`` pairs in ``language``."""
    pick = 0 if language == "fa" else 1
    provinces = sorted(
        PROVINCES, key=lambda p: sort_key(p.name_fa if pick == 0 else p.name_en, language)
    )
    return {
        "kind": [(kind.value, translate(language, f"kind.{kind.value}")) for kind in MemberKind],
        "institution_type": [
            (kind.value, labels[pick]) for kind, labels in INSTITUTION_TYPE_LABELS.items()
        ],
        "province": [
            (province.code, province.name_fa if pick == 0 else province.name_en)
            for province in provinces
        ],
        "status": [(status.value, labels[pick]) for status, labels in MEMBER_STATUS_LABELS.items()],
        "agency_role": [
            (role.value, translate(language, f"agency_role.{role.value}")) for role in AgencyRole
        ],
    }
