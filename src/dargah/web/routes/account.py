"""The person's own account: changing one's password.

The current password is asked again (a session left open on a shared computer must not
be enough), the new one must meet ``identity.secrets.password_problems`` and be typed
twice. ``identity.service.change_own_password`` checks, stores, ends the person's other
sessions and records ``person.password_changed``; each refusal is shown on its field.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from dargah.access.policy import Permission
from dargah.api.deps import SessionDep
from dargah.errors import InvalidInput, NotAuthenticated, PermissionDenied
from dargah.identity import secrets
from dargah.identity import service as identity
from dargah.web.deps import FormFields, PortalUser, require_form, require_page
from dargah.web.forms import FormErrors
from dargah.web.i18n import Language, format_number, translate
from dargah.web.templating import language_of, render

router = APIRouter(include_in_schema=False)

CanSelf = Annotated[PortalUser, require_page(Permission.SELF)]
CanPostSelf = Annotated[PortalUser, require_form(Permission.SELF)]

FIELDS: Final = ("current_password", "new_password", "confirm_password")
_MAX_LENGTH: Final = 500


def _page(request: Request, *, errors: FormErrors | None = None, done: bool = False) -> Response:
    errors = errors or FormErrors()
    return render(
        request,
        "account/password.html",
        {
            "errors": errors,
            "done": done,
            "min_length": secrets.MIN_PASSWORD_LENGTH,
            "field_names": FIELDS,
        },
        status_code=errors.status if errors.fields or errors.general else 200,
    )


def weak_password_message(problems: list[str], language: Language) -> str:
    """Every rule the new password breaks, in one sentence per rule."""
    return " ".join(
        translate(
            language,
            f"account.problem.{problem}",
            min=format_number(secrets.MIN_PASSWORD_LENGTH, language),
        )
        for problem in problems
    )


@router.get("/account/password")
def password_form(request: Request, _user: CanSelf) -> Response:
    """The form for changing one's own password."""
    return _page(request, done=request.query_params.get("notice") == "changed")


@router.post("/account/password")
def change_password(
    request: Request, session: SessionDep, user: CanPostSelf, fields: FormFields
) -> Response:
    """Check the current password and the new one's strength, then store it."""
    language = language_of(request)
    current = fields.get("current_password", "")
    new = fields.get("new_password", "")
    errors = FormErrors()
    if not current:
        errors.fields["current_password"] = translate(language, "val.missing")
    if not new:
        errors.fields["new_password"] = translate(language, "val.missing")
    elif len(new) > _MAX_LENGTH:
        errors.fields["new_password"] = translate(language, "val.too_long")
    elif new != fields.get("confirm_password", ""):
        errors.fields["confirm_password"] = translate(language, "account.mismatch")
    elif new == current:
        errors.fields["new_password"] = translate(language, "account.same")
    if errors.fields:
        return _page(request, errors=errors)
    try:
        identity.change_own_password(
            session, principal=user.principal, current_password=current, new_password=new
        )
    except NotAuthenticated:
        errors = FormErrors(status=422)
        errors.fields["current_password"] = translate(language, "account.wrong_current")
        return _page(request, errors=errors)
    except InvalidInput as exc:
        problems = [str(item) for item in exc.details.get("problems", [])]
        errors.fields["new_password"] = weak_password_message(problems, language) or exc.message(
            language
        )
        return _page(request, errors=errors)
    except PermissionDenied as exc:
        return _page(request, errors=FormErrors(status=exc.status, general=[exc.message(language)]))
    return RedirectResponse("/account/password?notice=changed", status_code=303)
