"""FastAPI dependencies by name: the session, the caller, and permission checks.

Every route depends on ``require(permission)`` (or is listed as public in
``PUBLIC_ROUTES``); a test walks the app to prove it, so a route cannot be added
without an authorisation decision.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from dargah.access.policy import Permission, Principal, authorize
from dargah.config import Settings
from dargah.db.session import Database, atomic
from dargah.errors import InvalidInput, NotAuthenticated, PermissionDenied
from dargah.identity import service as identity

SESSION_COOKIE = "dargah_session"
CSRF_HEADER = "x-csrf-token"
PURPOSE_HEADER = "dargah-purpose"
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Routes reachable without a principal: probes, the API description, login itself.
PUBLIC_ROUTES = frozenset(
    {
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
        "/docs",
        "/docs/oauth2-redirect",
        "/redoc",
        "/api/v1/auth/login",
        "/api/v1/gateway/keys",
        "/login",
        "/static",
        "/lang/{language}",
    }
)


def get_settings_dep(request: Request) -> Settings:
    """The node's settings, as given to ``create_app``."""
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    """The node's database."""
    database: Database = request.app.state.database
    return database


def get_session(database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    """A session per request; services open and commit their own transactions."""
    with database.session() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session)]


def get_principal(request: Request, session: SessionDep) -> Principal:
    """Authenticate the caller by bearer token (API key or session token) or cookie."""
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    authorization = request.headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    with atomic(session):
        if authorization:
            if scheme.lower() != "bearer" or not token.strip():
                raise NotAuthenticated(
                    "سرآیند Authorization باید به شکل «Bearer <کلید>» باشد.",
                    "The Authorization header must read 'Bearer <key>'.",
                    code="bad_authorization_header",
                )
            principal = identity.authenticate_token(session, token.strip())
        else:
            cookie = request.cookies.get(SESSION_COOKIE)
            if not cookie:
                raise NotAuthenticated(
                    "برای این درخواست باید وارد شوید یا کلید API بفرستید.",
                    "Log in or send an API key to make this request.",
                )
            principal, csrf_token = identity.authenticate_cookie(session, cookie)
            if (
                request.method in _UNSAFE_METHODS
                and not _is_portal_form(request)
                and request.headers.get(CSRF_HEADER) != csrf_token
            ):
                raise PermissionDenied(
                    "توکن CSRF ارسال نشده یا نادرست است.",
                    "The CSRF token is missing or wrong.",
                    code="csrf_failed",
                )
    request.state.principal = principal
    return principal


def _is_portal_form(request: Request) -> bool:
    # Portal forms carry their CSRF token in the form body; the portal checks it.
    return not request.url.path.startswith("/api/")


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(permission: Permission) -> Any:
    """A dependency that authenticates the caller and checks ``permission``."""

    def check(principal: PrincipalDep) -> Principal:
        authorize(principal, permission)
        return principal

    check.__dargah_permission__ = permission  # type: ignore[attr-defined]
    check.__name__ = f"require_{permission.name.lower()}"
    return Depends(check)


def purpose_of(request: Request, *, default: str | None = None) -> str:
    """The declared purpose of a read of personal data (``Dargah-Purpose`` header)."""
    # Headers are Latin-1 on the wire, so Persian purposes arrive percent-encoded.
    raw = request.headers.get(PURPOSE_HEADER) or request.query_params.get("purpose") or ""
    value = unquote(_utf8_header(raw)).strip()
    if not value and default is not None:
        return default
    if not 3 <= len(value) <= 300:
        raise InvalidInput(
            "هدف از دسترسی به دادهٔ شخصی را در سرآیند Dargah-Purpose بنویسید.",
            "State the purpose of reading personal data in the Dargah-Purpose header.",
            code="purpose_required",
        )
    return value


def _utf8_header(raw: str) -> str:
    # Starlette decodes header bytes as Latin-1; a client that sent raw UTF-8 gets it back.
    try:
        return raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return raw


def permission_of(dependency: Callable[..., Any]) -> Permission | None:
    """The permission a dependency created by ``require`` checks (for the route test)."""
    return getattr(dependency, "__dargah_permission__", None)
