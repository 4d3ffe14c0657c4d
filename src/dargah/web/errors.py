"""HTML error pages for the portal, and the redirect of anonymous browsers to the login.

``api/problems.py`` answers every error with problem+json; when the portal is mounted
it first offers the error to ``render_error`` (``app.state.html_error_renderer``),
which draws a page for portal paths and declines (``None``) for the API, the probes
and the API description, so machines keep getting problem+json.
"""

from __future__ import annotations

from typing import Final

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from dargah.api.deps import SESSION_COOKIE
from dargah.context import request_id_var
from dargah.logs import get_logger
from dargah.web.deps import LoginRequired, login_url
from dargah.web.templating import language_of, render

_log = get_logger(__name__)

# Paths that belong to machines, not to people: their errors stay problem+json.
_MACHINE_PREFIXES: Final = ("/api/", "/healthz", "/readyz", "/metrics", "/openapi.json", "/docs")
_TITLE_KEYS: Final = {
    403: "error.403",
    404: "error.404",
    409: "error.409",
    422: "error.422",
    500: "error.500",
}


def is_portal_path(path: str) -> bool:
    """Whether errors on ``path`` are shown to a person as an HTML page."""
    return not path.startswith(_MACHINE_PREFIXES) and path != "/api"


def render_error(
    request: Request, *, status: int, code: str, message_fa: str, message_en: str
) -> Response | None:
    """The HTML error page of a portal path, or ``None`` to let the API answer."""
    if not is_portal_path(request.url.path):
        return None
    language = language_of(request)
    try:
        return render(
            request,
            "error.html",
            {
                "status": status,
                "code": code,
                "message": message_en if language == "en" else message_fa,
                "title_key": _TITLE_KEYS.get(status, "error.generic"),
                "request_id": request_id_var.get() or "",
            },
            status_code=status,
        )
    except Exception:  # never let the error page itself turn an error into a crash
        _log.exception("error_page_failed", path=request.url.path, code=code)
        return None


async def redirect_to_login(request: Request, exc: Exception) -> Response:
    """Send an anonymous (or expired) browser to the login page, then back."""
    if not isinstance(exc, LoginRequired):  # registered for LoginRequired only
        raise exc
    response = RedirectResponse(login_url(exc.next_url), status_code=303)
    if exc.stale_cookie:
        response.delete_cookie(SESSION_COOKIE, path="/")
    return response
