"""FastAPI dependencies by name: the session, the caller, and permission checks.

Every route depends on ``require(permission)`` (or is listed as public in
``PUBLIC_ROUTES``); a test walks the app to prove it, so a route cannot be added
without an authorisation decision.

Dependencies that only read the request run on the event loop (``async def``): a plain
``def`` dependency costs a trip to the thread pool on every request. An API key's
holder is kept for ``access_cache_seconds`` (``app.state.api_keys``, decision 0014), so
most calls authenticate without touching the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar
from urllib.parse import unquote

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from dargah.access.policy import Permission, Principal, authorize
from dargah.audit.group import GroupCommit
from dargah.config import Settings
from dargah.db.base import MAX_ID, utcnow
from dargah.db.cache import ReadCache
from dargah.db.session import Database, atomic
from dargah.errors import InvalidInput, NotAuthenticated, PermissionDenied
from dargah.identity import secrets
from dargah.identity import service as identity
from dargah.persian.text import to_ascii_digits, to_persian_digits
from dargah.records.service import QueryServer

SESSION_COOKIE = "dargah_session"
CSRF_HEADER = "x-csrf-token"
PURPOSE_HEADER = "dargah-purpose"
T = TypeVar("T")
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
"""An id in a path: from 1 to ``MAX_ID`` (2^31 − 1), else a 422 naming it."""


def id_from_text(text: str | None, name: str, *, title_fa: str) -> int | None:
    """An id a portal form or query string carries as text (Persian, Arabic-Indic or
    Latin digits); blank means none, anything else outside 1..MAX_ID is refused, the
    field named by its Persian ``title_fa`` and, in English, by ``name``."""
    digits = to_ascii_digits(text or "").strip()
    if not digits:
        return None
    if digits.isascii() and digits.isdigit() and 1 <= int(digits) <= MAX_ID:
        return int(digits)
    largest = to_persian_digits(f"{MAX_ID:,}".replace(",", "٬"))
    raise InvalidInput(
        f"«{title_fa}» باید شماره‌ای از ۱ تا {largest} باشد.",
        f"The {name} must be a number from 1 to {MAX_ID:,}.",
        code="value_out_of_range",
        details={"field": name},
    )


# Routes reachable without a principal: probes, the API description, login itself.
PUBLIC_ROUTES = frozenset(
    {
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
        "/docs",
        "/api/v1/auth/login",
        "/api/v1/gateway/keys",
        "/login",
        "/static",
        "/lang/{language}",
    }
)


async def get_settings_dep(request: Request) -> Settings:
    """The node's settings, as given to ``create_app``."""
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    """The node's database."""
    database: Database = request.app.state.database
    return database


async def _database(request: Request) -> Database:
    return get_database(request)


DatabaseDep = Annotated[Database, Depends(_database)]


def get_session(database: DatabaseDep) -> Iterator[Session]:
    """A session per request; services open and commit their own transactions."""
    with database.session() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session)]


async def get_principal(request: Request) -> Principal:
    """Authenticate the caller by bearer token (API key or session token) or cookie.

    An API key's holder kept from an earlier request (for ``access_cache_seconds`` at
    most, and while the key has not expired) answers at once; anything else is read
    on a worker thread.
    """
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    keys = _key_holders(request)
    principal: Principal | None = None
    if scheme.lower() == "bearer" and secrets.api_key_prefix(token):
        holder = keys.get(secrets.digest(token))
        if holder is not None and holder.valid_at(utcnow()):
            principal = holder.principal
    if principal is None:
        principal = await run_in_threadpool(_authenticate, request, keys, scheme, token)
    request.state.principal = principal
    return principal


def _key_holders(request: Request) -> ReadCache[str, identity.KeyHolder]:
    settings: Settings = request.app.state.settings
    return _app_state(
        request,
        "api_keys",
        lambda: ReadCache[str, identity.KeyHolder](
            seconds=settings.access_cache_seconds, tables=identity.KEY_TABLES
        ),
    )


def _app_state(request: Request, name: str, make: Callable[[], T]) -> T:
    """``app.state.<name>``, made at its first use. Only code running on the event
    loop calls this, so two requests never make it twice."""
    state = request.app.state
    found: T | None = getattr(state, name, None)
    if found is None:
        found = make()
        setattr(state, name, found)
    return found


def get_audit_log(request: Request) -> GroupCommit:
    """The node's group commit of audit entries (one per app; on the event loop)."""
    return _app_state(request, "audit_log", lambda: GroupCommit(get_database(request)))


async def get_query_server(request: Request) -> QueryServer:
    """The query API's server and what it keeps (one per app, decision 0014)."""
    settings: Settings = request.app.state.settings
    return _app_state(
        request,
        "query_server",
        lambda: QueryServer(
            get_database(request),
            audit_log=get_audit_log(request),
            secret=settings.secret_key.get_secret_value().encode(),
            cache_seconds=settings.access_cache_seconds,
        ),
    )


QueryServerDep = Annotated[QueryServer, Depends(get_query_server)]


def _authenticate(
    request: Request, keys: ReadCache[str, identity.KeyHolder], scheme: str, token: str
) -> Principal:
    """``get_principal``'s reading of the database, on a worker thread."""
    database: Database = request.app.state.database
    with database.session() as session, atomic(session):
        if request.headers.get("authorization"):
            if scheme.lower() != "bearer" or not token:
                raise NotAuthenticated(
                    "سرآیند Authorization باید به شکل «Bearer <کلید>» باشد.",
                    "The Authorization header must read 'Bearer <key>'.",
                    code="bad_authorization_header",
                )
            if token.startswith(secrets.SESSION_TOKEN_PREFIX):
                return identity.authenticate_token(session, token)
            holder = keys.load(
                secrets.digest(token),
                lambda: identity.authenticate_api_key(session, token),
                refresh=True,
            )
            return holder.principal
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
        return principal


def _is_portal_form(request: Request) -> bool:
    # Portal forms carry their CSRF token in the form body; the portal checks it.
    return not request.url.path.startswith("/api/")


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(permission: Permission) -> Any:
    """A dependency that authenticates the caller and checks ``permission``."""

    # One dependency, not two nested: FastAPI's solving costs per dependency and request.
    async def check(request: Request) -> Principal:
        principal = await get_principal(request)
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
