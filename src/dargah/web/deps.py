"""The portal's dependencies: the logged-in person, permission checks, CSRF, form fields.

Browsers authenticate with the ``dargah_session`` cookie only. Every portal route
depends on ``require_page(permission)`` (pages) or ``require_form(permission)`` (form
posts, which also check the session's CSRF token in the form body); both carry
``__dargah_permission__`` like ``api.deps.require`` so the route-walking test sees the
authorisation decision. An anonymous browser is redirected to ``/login?next=…``; a
known person without the permission gets the 403 page.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, Request

from dargah.access.policy import ROLE_LABELS, Permission, Principal, authorize
from dargah.api.deps import SESSION_COOKIE, SessionDep
from dargah.errors import NotAuthenticated, PermissionDenied
from dargah.identity import service as identity
from dargah.identity.models import Person
from dargah.statistics import service as statistics
from dargah.web import dashboard
from dargah.web.i18n import Language

CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class PortalUser:
    """The person behind a portal request, with their session's CSRF token."""

    principal: Principal
    csrf_token: str
    full_name: str
    sees_statistics: bool = False  # may read at least one national pivot (the nav link)
    # Decisions waiting for this person, by navigation item (its badge): web.dashboard.
    pending: Mapping[str, int] = field(default_factory=dict)

    def can(self, permission: Permission) -> bool:
        """Whether the person's role holds ``permission`` (for showing links and buttons)."""
        return self.principal.can(permission)

    def role_label(self, language: Language) -> str:
        """The person's role in ``language``."""
        fa, en = ROLE_LABELS[self.principal.role]
        return fa if language == "fa" else en


class LoginRequired(Exception):
    """The browser has no live session; the portal answers with a redirect to the login."""

    def __init__(self, next_url: str, *, stale_cookie: bool) -> None:
        super().__init__(next_url)
        self.next_url = next_url
        self.stale_cookie = stale_cookie


def safe_next(value: str | None, default: str = "/") -> str:
    """``value`` if it is a path on this site, else ``default`` (no open redirects).

    Only relative paths starting with a single ``/`` are kept: ``//evil``, ``/\\evil``,
    ``https://evil`` and anything with control characters fall back to ``default``.
    """
    if not value or not value.startswith("/") or value.startswith("//"):
        return default
    if "\\" in value or any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def login_url(next_url: str) -> str:
    """The login page that returns to ``next_url`` afterwards."""
    target = safe_next(next_url)
    return "/login" if target == "/" else "/login?" + urlencode({"next": target})


def _here(request: Request) -> str:
    # After logging in the browser comes back with GET, so a form post returns to its page.
    if request.method == "GET" and request.url.query:
        return f"{request.url.path}?{request.url.query}"
    return request.url.path


def current_user(request: Request, session: SessionDep) -> PortalUser:
    """The logged-in person, from the session cookie; ``LoginRequired`` otherwise."""
    cached: PortalUser | None = getattr(request.state, "portal_user", None)
    if cached is not None:
        return cached
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise LoginRequired(_here(request), stale_cookie=False)
    try:
        with session.begin():
            principal, csrf_token = identity.authenticate_cookie(session, cookie)
            person = session.get(Person, principal.person_id)
    except NotAuthenticated:
        raise LoginRequired(_here(request), stale_cookie=True) from None
    with session.begin():
        pending = dashboard.pending_decisions(session, principal)
    user = PortalUser(
        principal=principal,
        csrf_token=csrf_token,
        full_name=person.full_name if person is not None else principal.name,
        sees_statistics=principal.can(Permission.QUERY)
        and statistics.sees_any(session, principal=principal),
        pending=pending,
    )
    request.state.portal_user = user
    request.state.principal = principal
    return user


CurrentUser = Annotated[PortalUser, Depends(current_user)]


def require_page(permission: Permission) -> Any:
    """A dependency: the logged-in person, who must hold ``permission``."""

    def check(user: CurrentUser) -> PortalUser:
        authorize(user.principal, permission)
        return user

    check.__dargah_permission__ = permission  # type: ignore[attr-defined]
    check.__name__ = f"page_{permission.name.lower()}"
    return Depends(check)


async def form_fields(request: Request) -> dict[str, str]:
    """The text fields of a posted form (file parts are ignored)."""
    form = await request.form()
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


FormFields = Annotated[dict[str, str], Depends(form_fields)]


def require_form(permission: Permission) -> Any:
    """A dependency for form posts: ``require_page(permission)`` plus the CSRF check.

    The session's CSRF token must come back in the form's hidden ``csrf_token`` field;
    a missing or wrong token is refused with the 403 page.
    """
    page_check = require_page(permission)

    # A default, not Annotated: the annotation would name a local, which postponed
    # annotations cannot resolve.
    def check(fields: FormFields, user: PortalUser = page_check) -> PortalUser:
        supplied = fields.get(CSRF_FIELD, "")
        if not hmac.compare_digest(supplied.encode(), user.csrf_token.encode()):
            raise PermissionDenied(
                "فرم منقضی شده یا از این درگاه ارسال نشده است؛ صفحه را دوباره باز کنید.",
                "The form has expired or did not come from this portal; reload the page.",
                code="csrf_failed",
            )
        return user

    check.__dargah_permission__ = permission  # type: ignore[attr-defined]
    check.__name__ = f"form_{permission.name.lower()}"
    return Depends(check)
