"""People's accounts: the list (filtered, sorted, paged), a new account, one account
with its details, and switching it off or on.

The permissions are the API's (``identity/router.py``): ``people:read`` to see
accounts (administrators, operators, auditors), ``people:write`` to change them. Which
roles a person may hand out is the service's rule (operators: institution, HQ and
agency staff only; administrators: any), so the form offers only those. Reading the
list is a read of personal data and is recorded with its purpose; every change is
recorded by the service. A role cannot be changed once given (the API has no such
operation): a person who moves gets a new account and the old one is switched off.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Final

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from dargah.access.policy import (
    ASSIGNABLE_ROLES,
    OPERATOR_ASSIGNABLE_ROLES,
    ROLE_LABELS,
    Permission,
    Principal,
    Role,
)
from dargah.api.deps import SessionDep
from dargah.db.session import atomic
from dargah.errors import Conflict, DargahError, InvalidInput, NotFound, PermissionDenied
from dargah.identity import secrets
from dargah.identity import service as identity
from dargah.identity.models import Person
from dargah.identity.schemas import PersonCreate, PersonUpdate
from dargah.members import service as members
from dargah.web import forms
from dargah.web.deps import FormFields, PortalUser, require_form, require_page
from dargah.web.i18n import Language, sort_key, translate
from dargah.web.listing import ListQuery
from dargah.web.templating import language_of, render

router = APIRouter(include_in_schema=False)

CanRead = Annotated[PortalUser, require_page(Permission.PEOPLE_READ)]
CanWrite = Annotated[PortalUser, require_page(Permission.PEOPLE_WRITE)]
CanPostWrite = Annotated[PortalUser, require_form(Permission.PEOPLE_WRITE)]

_PURPOSE: Final = "مدیریت کاربران در درگاه"
# The whole list is read once per page view (accounts number in the hundreds) and then
# filtered, sorted and paged here; the service's cap is the API's.
_READ_LIMIT: Final = 1000
CREATE_FIELDS: Final = (
    "username",
    "full_name",
    "role",
    "institution",
    "hq_unit",
    "email",
    "mobile",
    "password",
)
EDIT_FIELDS: Final = ("full_name", "email", "mobile")
_FIELD_OF_CODE: Final = {
    "username_taken": "username",
    "weak_password": "password",
    "role_not_assignable": "role",
    "member_not_found": "institution",
    "hq_unit_not_found": "hq_unit",
}
_NOTICES: Final = {
    "created": "people.notice.created",
    "saved": "people.notice.saved",
    "deactivated": "people.notice.deactivated",
    "activated": "people.notice.activated",
}


def assignable_roles(principal: Principal) -> list[Role]:
    """The roles ``principal`` may give, in the policy's order."""
    allowed = ASSIGNABLE_ROLES if principal.role is Role.ADMIN else OPERATOR_ASSIGNABLE_ROLES
    return [role for role in Role if role in allowed]


def _role_choices(roles: list[Role], language: Language) -> list[tuple[str, str]]:
    pick = 0 if language == "fa" else 1
    return [(role.value, ROLE_LABELS[role][pick]) for role in roles]


def _sort_keys(language: Language) -> dict[str, Callable[[Person], Any]]:
    return {
        "username": lambda person: person.username,
        "full_name": lambda person: sort_key(person.full_name, language),
        "role": lambda person: person.role,
        "last_login_at": lambda person: (
            person.last_login_at.timestamp() if person.last_login_at else 0.0
        ),
    }


def _matches(person: Person, filters: dict[str, str]) -> bool:
    text = filters.get("q", "").lower()
    if text and text not in person.username and text not in person.full_name.lower():
        return False
    state = filters.get("state")
    if state == "active" and not person.is_active:
        return False
    return not (state == "inactive" and person.is_active)


@router.get("/people")
def list_people(request: Request, session: SessionDep, user: CanRead) -> Response:
    """Accounts, by role, institution, state and name; the read is recorded."""
    language = language_of(request)
    query = ListQuery.read(
        "/people",
        request.query_params,
        filters=("q", "role", "institution", "state"),
        sorts=tuple(_sort_keys(language)),
        default_sort="username",
    )
    role_text = query.filters.get("role")
    role = Role(role_text) if role_text in {item.value for item in ASSIGNABLE_ROLES} else None
    if role_text and role is None:
        raise InvalidInput(
            "نقش انتخاب‌شده در فهرست نقش‌ها نیست.",
            "The chosen role is not one of the roles.",
            code="invalid_filter",
            details={"fields": ["role"]},
        )
    people = identity.list_people(
        session,
        principal=user.principal,
        purpose=_PURPOSE,
        role=role,
        institution=query.filters.get("institution"),
        limit=_READ_LIMIT,
    )
    matched = [person for person in people if _matches(person, query.filters)]
    rows, pager = query.page_of(matched, _sort_keys(language))
    return render(
        request,
        "people/list.html",
        {
            "rows": rows,
            "pager": pager,
            "total": len(matched),
            "query": query,
            "role_labels": ROLE_LABELS,
            "role_choices": _role_choices(
                [item for item in Role if item in ASSIGNABLE_ROLES], language
            ),
            "can_write": user.can(Permission.PEOPLE_WRITE),
        },
    )


def _hq_choices(session: SessionDep, language: Language) -> list[tuple[str, str]]:
    with atomic(session):
        units = members.list_hq_units(session)
    return [(unit.code, unit.name_fa if language == "fa" else unit.name_en) for unit in units]


def _form_page(
    request: Request,
    session: SessionDep,
    user: PortalUser,
    *,
    values: dict[str, str],
    errors: forms.FormErrors | None = None,
) -> Response:
    language = language_of(request)
    errors = errors or forms.FormErrors()
    return render(
        request,
        "people/new.html",
        {
            "values": values,
            "errors": errors,
            "role_choices": _role_choices(assignable_roles(user.principal), language),
            "hq_choices": _hq_choices(session, language),
            "min_length": secrets.MIN_PASSWORD_LENGTH,
            "field_names": CREATE_FIELDS,
        },
        status_code=errors.status if errors.fields or errors.general else 200,
    )


def domain_errors(exc: DargahError, language: Language) -> forms.FormErrors:
    """A service refusal as a message on the field it concerns (else the whole form)."""
    errors = forms.FormErrors(status=exc.status)
    field = _FIELD_OF_CODE.get(exc.code) or (
        str(exc.details.get("field")) if exc.code == "role_binding_required" else None
    )
    if field is not None:
        errors.fields[field] = exc.message(language)
    else:
        errors.general.append(exc.message(language))
    return errors


@router.get("/people/new")
def new_person(request: Request, session: SessionDep, user: CanWrite) -> Response:
    """The empty form for a new account."""
    return _form_page(request, session, user, values={"role": Role.INSTITUTION.value})


@router.post("/people/new")
def create_person(
    request: Request, session: SessionDep, user: CanPostWrite, fields: FormFields
) -> Response:
    """Create the account; invalid input shows the form again with what to fix."""
    language = language_of(request)
    values = {name: fields.get(name, "").strip() for name in CREATE_FIELDS}
    values["password"] = fields.get("password", "")  # a password keeps its spaces
    try:
        data = PersonCreate.model_validate({name: value for name, value in values.items() if value})
        person = identity.create_person(session, principal=user.principal, data=data)
    except ValidationError as exc:
        errors = forms.validation_errors(exc, language)
        if "username" in errors.fields:
            errors.fields["username"] = translate(language, "people.username_rule")
        return _form_page(request, session, user, values=_without_password(values), errors=errors)
    except (InvalidInput, Conflict, NotFound, PermissionDenied) as exc:
        return _form_page(
            request,
            session,
            user,
            values=_without_password(values),
            errors=domain_errors(exc, language),
        )
    return RedirectResponse(f"/people/{person.username}?notice=created", status_code=303)


def _without_password(values: dict[str, str]) -> dict[str, str]:
    # A password typed into a refused form is never sent back to the browser.
    return {**values, "password": ""}


def _person_page(
    request: Request,
    session: SessionDep,
    user: PortalUser,
    person: Person,
    *,
    values: dict[str, str] | None = None,
    errors: forms.FormErrors | None = None,
    notice: str | None = None,
) -> Response:
    errors = errors or forms.FormErrors()
    may_change = user.can(Permission.PEOPLE_WRITE) and Role(person.role) in assignable_roles(
        user.principal
    )
    return render(
        request,
        "people/show.html",
        {
            "person": person,
            "values": values
            or {
                "full_name": person.full_name,
                "email": person.email or "",
                "mobile": person.mobile or "",
            },
            "errors": errors,
            "role_labels": ROLE_LABELS,
            "may_change": may_change,
            "is_self": person.id == user.principal.person_id,
            "notice": _NOTICES.get(notice or ""),
            "field_names": EDIT_FIELDS,
        },
        status_code=errors.status if errors.fields or errors.general else 200,
    )


def _person(session: SessionDep, username: str) -> Person:
    with atomic(session):
        return identity.get_person(session, username)


@router.get("/people/{username}")
def show_person(
    request: Request,
    session: SessionDep,
    user: CanRead,
    username: str,
    notice: str | None = None,
) -> Response:
    """One account: its role, binding, state and last login."""
    return _person_page(request, session, user, _person(session, username), notice=notice)


@router.post("/people/{username}")
def update_person(
    request: Request,
    session: SessionDep,
    user: CanPostWrite,
    fields: FormFields,
    username: str,
) -> Response:
    """Save the name and contact details, or switch the account off or on."""
    language = language_of(request)
    person = _person(session, username)
    action = fields.get("action", "save")
    changes: dict[str, Any]
    if action in ("deactivate", "activate"):
        if action == "deactivate" and person.id == user.principal.person_id:
            errors = forms.FormErrors(
                status=409, general=[translate(language, "people.cannot_deactivate_self")]
            )
            return _person_page(request, session, user, person, errors=errors)
        changes = {"is_active": action == "activate"}
        notice = "activated" if action == "activate" else "deactivated"
    else:
        values = {name: fields.get(name, "").strip() for name in EDIT_FIELDS}
        changes = {name: value or None for name, value in values.items()}
        changes["full_name"] = values["full_name"]
        notice = "saved"
    try:
        identity.update_person(
            session,
            principal=user.principal,
            username=username,
            data=PersonUpdate.model_validate(changes),
        )
    except ValidationError as exc:
        values = {name: fields.get(name, "").strip() for name in EDIT_FIELDS}
        return _person_page(
            request,
            session,
            user,
            person,
            values=values,
            errors=forms.validation_errors(exc, language),
        )
    except (InvalidInput, Conflict, PermissionDenied) as exc:
        return _person_page(request, session, user, person, errors=domain_errors(exc, language))
    return RedirectResponse(f"/people/{person.username}?notice={notice}", status_code=303)
