"""The members section: list with search and filters, the member page, create and edit.

Identifiers contain slashes (``IR/UNI/1001``), so the member routes use ``:path``;
``/members/new`` and ``…/edit`` are declared before the plain member page so they win.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from dargah.access.policy import Permission
from dargah.api.deps import SessionDep
from dargah.errors import Conflict, InvalidInput
from dargah.members import service
from dargah.members.models import INSTITUTION_TYPE_LABELS, MEMBER_STATUS_LABELS, Member
from dargah.members.provinces import PROVINCES_BY_CODE
from dargah.web import forms
from dargah.web.deps import FormFields, PortalUser, require_form, require_page
from dargah.web.i18n import Language
from dargah.web.listing import MemberQuery
from dargah.web.templating import language_of, member_url, render

router = APIRouter(include_in_schema=False)

CanRead = Annotated[PortalUser, require_page(Permission.MEMBERS_READ)]
CanWrite = Annotated[PortalUser, require_page(Permission.MEMBERS_WRITE)]
CanPostWrite = Annotated[PortalUser, require_form(Permission.MEMBERS_WRITE)]

_NOTICES: Final = {"created": "form.created", "saved": "form.saved"}
_LABELS: Final = {
    "institution_type": INSTITUTION_TYPE_LABELS,
    "status": MEMBER_STATUS_LABELS,
}


@router.get("/members")
def list_members(request: Request, session: SessionDep, user: CanRead) -> Response:
    """Members found by name or code (letter-variant insensitive), filtered, paginated.

    Query: ``q``, ``kind``, ``institution_type``, ``province``, ``status``, ``sort``
    (``name``, ``-province``…), ``page``.
    """
    query = MemberQuery.from_params(request.query_params)
    rows, total = service.list_members(session, query.to_filter(), language=language_of(request))
    return render(
        request,
        "members/list.html",
        {
            "rows": rows,
            "total": total,
            "filters": query.filters,
            "query": query,
            "pager": query.pager(total=total, shown=len(rows)),
            "choices": forms.member_choices(language_of(request)),
            "labels": _LABELS,
            "provinces": PROVINCES_BY_CODE,
            "can_write": user.can(Permission.MEMBERS_WRITE),
        },
    )


def _form_page(
    request: Request,
    *,
    values: dict[str, str],
    member: Member | None = None,
    errors: forms.FormErrors | None = None,
) -> Response:
    language = language_of(request)
    errors = errors or forms.FormErrors()
    return render(
        request,
        "members/form.html",
        {
            "member": member,
            "values": values,
            "errors": errors,
            "shown": forms.CREATE_FIELDS if member is None else forms.edit_fields(member),
            "all_fields": forms.CREATE_FIELDS,
            "choices": forms.member_choices(language),
            "action": "/members/new" if member is None else member_url(member.identifier, "/edit"),
        },
        status_code=errors.status if errors.fields or errors.general else 200,
    )


def _submitted(fields: dict[str, str], names: tuple[str, ...]) -> dict[str, str]:
    return {name: fields.get(name, "") for name in names}


def _form_errors(
    exc: forms.FormErrors | InvalidInput | Conflict, language: Language
) -> forms.FormErrors:
    return exc if isinstance(exc, forms.FormErrors) else forms.domain_errors(exc, language)


@router.get("/members/new")
def new_member(request: Request, _user: CanWrite) -> Response:
    """The empty form for registering a member."""
    return _form_page(request, values={"kind": "institution", "status": "active"})


@router.post("/members/new")
def create_member(
    request: Request, session: SessionDep, user: CanPostWrite, fields: FormFields
) -> Response:
    """Register a member from the form; invalid input shows the form again (422)."""
    language = language_of(request)
    try:
        data = forms.parse_create(fields, language)
        member = service.create_member(session, principal=user.principal, data=data)
    except (forms.FormErrors, InvalidInput, Conflict) as exc:
        values = _submitted(fields, forms.CREATE_FIELDS)
        return _form_page(request, values=values, errors=_form_errors(exc, language))
    return RedirectResponse(member_url(member.identifier) + "?notice=created", status_code=303)


@router.get("/members/{identifier:path}/edit")
def edit_member(
    request: Request, session: SessionDep, _user: CanWrite, identifier: str
) -> Response:
    """The form for changing a member, filled with its current details."""
    member = service.get_member(session, identifier)
    return _form_page(request, values=forms.form_values(member), member=member)


@router.post("/members/{identifier:path}/edit")
def update_member(
    request: Request,
    session: SessionDep,
    user: CanPostWrite,
    fields: FormFields,
    identifier: str,
) -> Response:
    """Save the edit form; invalid input shows the form again (422)."""
    language = language_of(request)
    with session.begin():
        member = service.get_member(session, identifier)
    try:
        data = forms.parse_update(fields, member, language)
        service.update_member(session, principal=user.principal, identifier=identifier, data=data)
    except (forms.FormErrors, InvalidInput, Conflict) as exc:
        values = {**forms.form_values(member), **_submitted(fields, forms.edit_fields(member))}
        return _form_page(request, values=values, member=member, errors=_form_errors(exc, language))
    return RedirectResponse(member_url(identifier) + "?notice=saved", status_code=303)


@router.get("/members/{identifier:path}")
def show_member(
    request: Request,
    session: SessionDep,
    user: CanRead,
    identifier: str,
    notice: str | None = None,
) -> Response:
    """One member: details, parent, branches and systems."""
    member = service.get_member(session, identifier)
    detail = service.to_detail(session, member)
    context: dict[str, Any] = {
        "member": detail,
        "notes": member.notes,
        "labels": _LABELS,
        "notice": _NOTICES.get(notice or ""),
        "can_write": user.can(Permission.MEMBERS_WRITE),
    }
    return render(request, "members/show.html", context)
