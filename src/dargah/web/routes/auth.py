"""Logging in and out, and the language switch.

The login form is protected against login CSRF with a double-submit token: ``GET
/login`` sets a random token in a cookie scoped to ``/login`` and in a hidden field,
and ``POST /login`` accepts only when both agree (a foreign site can post the form
but cannot read or set the cookie).
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import timedelta
from typing import Annotated, Final
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from dargah.access.policy import Permission
from dargah.api.deps import SESSION_COOKIE, SessionDep, SettingsDep
from dargah.config import Settings
from dargah.db.base import utcnow
from dargah.errors import NotAuthenticated, NotFound
from dargah.identity import service as identity
from dargah.web import i18n
from dargah.web.deps import FormFields, PortalUser, require_form, safe_next
from dargah.web.templating import language_of, render

router = APIRouter(include_in_schema=False)

# Names of the cookie and form field, not secrets.
LOGIN_TOKEN_COOKIE: Final = "dargah_login_token"  # noqa: S105
LOGIN_TOKEN_FIELD: Final = "login_token"  # noqa: S105
_TOKEN_SHAPE: Final = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
_LANGUAGE_COOKIE_AGE: Final = int(timedelta(days=365).total_seconds())
# Longer input cannot be a valid account; refused before any password hashing.
_MAX_USERNAME: Final = 80
_MAX_PASSWORD: Final = 500


def _login_page(
    request: Request,
    settings: Settings,
    *,
    next_url: str,
    username: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    token = request.cookies.get(LOGIN_TOKEN_COOKIE, "")
    if not _TOKEN_SHAPE.match(token):
        token = secrets.token_urlsafe(32)
    response = render(
        request,
        "auth/login.html",
        {"next_url": next_url, "username": username, "error": error, "login_token": token},
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_TOKEN_COOKIE,
        token,
        max_age=int(timedelta(hours=12).total_seconds()),
        path="/login",
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )
    return response


@router.get("/login")
def login_form(
    request: Request,
    settings: SettingsDep,
    next_url: Annotated[str | None, Query(alias="next")] = None,
) -> Response:
    """The login form."""
    return _login_page(request, settings, next_url=safe_next(next_url))


@router.post("/login")
def login(
    request: Request, session: SessionDep, settings: SettingsDep, fields: FormFields
) -> Response:
    """Check the password, open a session in a cookie and go where the person was going."""
    language = language_of(request)
    next_url = safe_next(fields.get("next"))
    username = fields.get("username", "").strip()
    password = fields.get("password", "")
    expected = request.cookies.get(LOGIN_TOKEN_COOKIE, "")
    supplied = fields.get(LOGIN_TOKEN_FIELD, "")
    if not expected or not hmac.compare_digest(supplied.encode(), expected.encode()):
        return _login_page(
            request,
            settings,
            next_url=next_url,
            username=username,
            error=i18n.translate(language, "auth.form_expired"),
            status_code=400,
        )
    try:
        if len(username) > _MAX_USERNAME or len(password) > _MAX_PASSWORD:
            raise NotAuthenticated(
                "نام کاربری یا گذرواژه نادرست است.",
                "Wrong username or password.",
                code="bad_credentials",
            )
        result = identity.login(
            session,
            username=username,
            password=password,
            session_hours=settings.session_hours,
            client_address=request.client.host if request.client else None,
            user_agent=request.headers.get("user-agent"),
        )
    except NotAuthenticated as exc:
        return _login_page(
            request,
            settings,
            next_url=next_url,
            username=username,
            error=exc.message(language),
            status_code=401,
        )
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        result.token,
        max_age=max(0, int((result.expires_at - utcnow()).total_seconds())),
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )
    response.delete_cookie(LOGIN_TOKEN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(
    session: SessionDep,
    settings: SettingsDep,
    user: Annotated[PortalUser, require_form(Permission.SELF)],
) -> Response:
    """End the session and forget the cookie."""
    identity.logout(session, principal=user.principal)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.cookie_secure
    )
    return response


def _referring_path(request: Request) -> str | None:
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc == request.headers.get("host"):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return None


@router.get("/lang/{language}")
def switch_language(
    request: Request,
    settings: SettingsDep,
    language: str,
    next_url: Annotated[str | None, Query(alias="next")] = None,
) -> Response:
    """Remember the chosen language in a cookie and go back to the page."""
    chosen = i18n.coerce_language(language)
    if chosen is None:
        raise NotFound(
            f"زبان «{language}» پشتیبانی نمی‌شود.",
            f"Language '{language}' is not supported.",
            code="language_not_found",
        )
    response = RedirectResponse(safe_next(next_url or _referring_path(request)), status_code=303)
    response.set_cookie(
        i18n.LANGUAGE_COOKIE,
        chosen,
        max_age=_LANGUAGE_COOKIE_AGE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )
    return response
