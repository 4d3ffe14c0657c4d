"""The grant request form and the owner's decisions: posted fields to the access
service's models, errors to messages in the page's language.

Dates are typed as people type them — Jalali (1404/12/29, Persian digits too) or ISO —
and a grant runs to the end of that day, Tehran time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Final

from pydantic import ValidationError

from dargah.access.models import GrantLevel
from dargah.access.schemas import GrantRequestApprove, GrantRequestCreate, GrantRequestRefuse
from dargah.db.base import utcnow
from dargah.errors import InvalidInput
from dargah.persian import TEHRAN, format_jalali, normalize
from dargah.web.forms import FormErrors, validation_errors
from dargah.web.i18n import Language, translate
from dargah.web.query_forms import end_of_day

TEXT_FIELDS: Final = (
    "level",
    "institutions",
    "period_from",
    "period_to",
    "purpose",
    "legal_basis",
    "expires_at",
)
_SPLIT_CHARS: Final = ",،\n"


def default_expiry() -> str:
    """A year from today, as a Jalali date to show in the form."""
    return format_jalali(utcnow().astimezone(TEHRAN) + timedelta(days=365))


def _listed(text: str) -> list[str]:
    for char in _SPLIT_CHARS[1:]:
        text = text.replace(char, _SPLIT_CHARS[0])
    return [item.strip() for item in text.split(_SPLIT_CHARS[0]) if item.strip()]


def request_values(items: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The posted request form as values to show again (lists for the multi-choices)."""
    values: dict[str, Any] = dict.fromkeys(TEXT_FIELDS, "")
    values.update({"fields": [], "provinces": [], "institution_types": [], "personal": False})
    for key, value in items:
        if key in ("fields", "provinces", "institution_types"):
            values[key].append(value.strip())
        elif key == "personal":
            values["personal"] = True
        elif key == "all_fields":
            values["all_fields"] = True
        elif key in TEXT_FIELDS:
            values[key] = value.strip()
    return values


def parse_request(slug: str, values: dict[str, Any], language: Language) -> GrantRequestCreate:
    """The request the form describes, or ``FormErrors`` naming each field to fix."""
    errors = FormErrors()
    expires: datetime | None = None
    if not values["expires_at"]:
        errors.fields["expires_at"] = translate(language, "val.missing")
    else:
        try:
            expires = end_of_day(values["expires_at"], field="expires_at")
        except InvalidInput as exc:
            errors.fields["expires_at"] = exc.message(language)
    if not values.get("all_fields") and not values["fields"]:
        errors.fields["fields"] = translate(language, "g.fields_required")
    if errors.fields:
        raise errors
    scope: dict[str, Any] = {
        "institutions": _listed(values["institutions"]) or None,
        "institution_types": values["institution_types"] or None,
        "provinces": values["provinces"] or None,
        "period_from": normalize(values["period_from"]) or None,
        "period_to": normalize(values["period_to"]) or None,
    }
    body = {
        "dataset": slug,
        "fields": None if values.get("all_fields") else values["fields"],
        "scope": scope,
        "level": values["level"] or GrantLevel.AGGREGATE.value,
        "personal": bool(values["personal"]),
        "purpose": values["purpose"],
        "legal_basis": values["legal_basis"],
        "expires_at": expires,
    }
    try:
        return GrantRequestCreate.model_validate(body)
    except ValidationError as exc:
        raise _located(exc, validation_errors(exc, language), language) from None


def _located(exc: ValidationError, errors: FormErrors, language: Language) -> FormErrors:
    """Errors inside the scope belong to the form field of the same name."""
    for error in exc.errors():
        location = error.get("loc", ())
        if len(location) > 1 and location[0] == "scope":
            errors.fields.pop("scope", None)
            errors.fields.setdefault(str(location[1]), translate(language, "val.invalid"))
    return errors


def parse_approval(fields: dict[str, str]) -> GrantRequestApprove:
    """The owner's approval: an optional earlier expiry and a note."""
    expires = fields.get("expires_at", "").strip()
    note = fields.get("note", "").strip() or None
    return GrantRequestApprove(
        expires_at=end_of_day(expires, field="expires_at") if expires else None,
        note=normalize(note) if note else None,
    )


def parse_reason(fields: dict[str, str]) -> str:
    """The reason of a refusal or a revocation: at least three characters."""
    try:
        return GrantRequestRefuse(reason=fields.get("reason", "")).reason
    except ValidationError:
        raise InvalidInput(
            "دلیل را بنویسید (دست‌کم سه نویسه).",
            "Write the reason (at least three characters).",
            code="reason_required",
        ) from None
