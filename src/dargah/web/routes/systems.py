"""Systems (X-Road subsystems) of the members: the list, and registering one under a
member.

Reading needs ``members:read`` as the API's ``GET /members/{id}/systems`` does;
registering needs ``systems:write`` (operators, administrators), checked again by
``members.service.create_system``, which records ``system.created``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Final

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy import select
from starlette.responses import RedirectResponse, Response

from dargah.access.policy import Permission
from dargah.api.deps import SessionDep
from dargah.db.session import atomic
from dargah.errors import Conflict, InvalidInput, NotFound
from dargah.members import service as members
from dargah.members.models import MEMBER_STATUS_LABELS, System
from dargah.members.schemas import SystemCreate
from dargah.persian import match_key
from dargah.web import forms
from dargah.web.deps import FormFields, PortalUser, require_form, require_page
from dargah.web.i18n import Language, sort_key, translate
from dargah.web.listing import ListQuery
from dargah.web.templating import language_of, render

router = APIRouter(include_in_schema=False)

CanRead = Annotated[PortalUser, require_page(Permission.MEMBERS_READ)]
CanWrite = Annotated[PortalUser, require_page(Permission.SYSTEMS_WRITE)]
CanPostWrite = Annotated[PortalUser, require_form(Permission.SYSTEMS_WRITE)]

FORM_FIELDS: Final = ("member", "code", "name_fa", "name_en", "description", "role")
_ROLES: Final = {"producer": (True, False), "consumer": (False, True), "both": (True, True)}


def _sorts(language: Language) -> dict[str, Callable[[System], Any]]:
    return {
        "identifier": lambda system: system.identifier,
        "name": lambda system: sort_key(system.name_fa, language),
        "member": lambda system: sort_key(system.member.name_fa, language),
        "created_at": lambda system: system.created_at.timestamp(),
    }


def _matches(system: System, filters: dict[str, str]) -> bool:
    text = filters.get("q")
    if text:
        wanted = match_key(text)
        haystack = match_key(" ".join((system.name_fa, system.name_en or "", system.identifier)))
        if wanted not in haystack:
            return False
    if filters.get("member") and system.member.identifier != filters["member"]:
        return False
    role = filters.get("role")
    if role == "producer" and not system.is_producer:
        return False
    if role == "consumer" and not system.is_consumer:
        return False
    return not (filters.get("status") and system.status != filters["status"])


@router.get("/systems")
def list_systems(request: Request, session: SessionDep, user: CanRead) -> Response:
    """Every member's systems, by name, member, role and status."""
    language = language_of(request)
    query = ListQuery.read(
        "/systems",
        request.query_params,
        filters=("q", "member", "role", "status"),
        sorts=tuple(_sorts(language)),
        default_sort="identifier",
    )
    with atomic(session):
        systems = session.scalars(select(System)).all()
    matched = [system for system in systems if _matches(system, query.filters)]
    rows, pager = query.page_of(matched, _sorts(language))
    return render(
        request,
        "systems/list.html",
        {
            "rows": rows,
            "pager": pager,
            "total": len(matched),
            "query": query,
            "status_choices": forms.member_choices(language)["status"],
            "status_labels": MEMBER_STATUS_LABELS,
            "can_write": user.can(Permission.SYSTEMS_WRITE),
            "can_keys": user.can(Permission.KEYS_MANAGE),
            "notice": request.query_params.get("notice") == "created",
        },
    )


def _form_page(
    request: Request, *, values: dict[str, str], errors: forms.FormErrors | None = None
) -> Response:
    errors = errors or forms.FormErrors()
    return render(
        request,
        "systems/new.html",
        {"values": values, "errors": errors, "field_names": FORM_FIELDS},
        status_code=errors.status if errors.fields or errors.general else 200,
    )


@router.get("/systems/new")
def new_system(request: Request, _user: CanWrite) -> Response:
    """The form for a new system; ``?member=`` fills in the member."""
    return _form_page(
        request, values={"member": request.query_params.get("member", ""), "role": "producer"}
    )


@router.post("/systems/new")
def create_system(
    request: Request, session: SessionDep, user: CanPostWrite, fields: FormFields
) -> Response:
    """Register the system under its member; invalid input shows the form again."""
    language = language_of(request)
    values = {name: fields.get(name, "").strip() for name in FORM_FIELDS}
    errors = forms.FormErrors()
    if not values["member"]:
        errors.fields["member"] = translate(language, "val.missing")
    if values["role"] not in _ROLES:
        errors.fields["role"] = translate(language, "val.choice")
    if errors.fields:
        return _form_page(request, values=values, errors=errors)
    producer, consumer = _ROLES[values["role"]]
    try:
        data = SystemCreate.model_validate(
            {
                "code": values["code"],
                "name_fa": values["name_fa"],
                "name_en": values["name_en"] or None,
                "description": values["description"] or None,
                "is_producer": producer,
                "is_consumer": consumer,
            }
        )
        system = members.create_system(
            session, principal=user.principal, member_identifier=values["member"], data=data
        )
    except ValidationError as exc:
        return _form_page(request, values=values, errors=forms.validation_errors(exc, language))
    except (InvalidInput, Conflict, NotFound) as exc:
        field = {"member_not_found": "member", "system_exists": "code"}.get(exc.code)
        errors = forms.FormErrors(status=exc.status)
        if field:
            errors.fields[field] = exc.message(language)
        else:
            errors.general.append(exc.message(language))
        return _form_page(request, values=values, errors=errors)
    member = system.member.identifier
    return RedirectResponse(f"/systems?member={member}&notice=created", status_code=303)
