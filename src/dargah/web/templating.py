"""Rendering portal pages: the Jinja2 environment, the shared context, security headers."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote, urlencode

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from dargah import __version__
from dargah.config import Settings
from dargah.persian.dates import last_valid_day
from dargah.web import i18n
from dargah.web.deps import PortalUser
from dargah.web.i18n import Language

WEB_DIR: Final = Path(__file__).parent
TEMPLATES_DIR: Final = WEB_DIR / "templates"
STATIC_DIR: Final = WEB_DIR / "static"

# Pages carry no inline script or style, so the policy can forbid both; fonts, styles
# and the one script are served by the portal itself (the intranet has no internet).
SECURITY_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; font-src 'self'; "
        "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def static_url(path: str) -> str:
    """The URL of a static file, with the release as a cache-busting query."""
    return f"/static/{path}?v={__version__}"


def member_url(identifier: str, suffix: str = "") -> str:
    """The portal page of a member (``/members/IR/UNI/1001``), segments URL-quoted."""
    return f"/members/{quote(identifier, safe='/')}{suffix}"


def readable_json(value: Any) -> str:
    """``value`` as indented JSON with Persian left as Persian (Jinja's ``tojson``
    writes ``\\u06a9``…, unreadable in an audit entry); autoescaping makes it safe."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["static"] = static_url
    env.globals["member_url"] = member_url
    # A grant's expiry is shown as the last day it is valid, the day the person typed.
    env.globals["last_day"] = last_valid_day
    env.filters["readable_json"] = readable_json
    env.globals["code"] = i18n.code
    return env


templates: Final = Jinja2Templates(env=_environment())


def language_of(request: Request) -> Language:
    """The language of the page: the ``lang`` cookie, else the node's default."""
    chosen = i18n.coerce_language(request.cookies.get(i18n.LANGUAGE_COOKIE))
    if chosen is not None:
        return chosen
    settings: Settings | None = getattr(request.app.state, "settings", None)
    default = settings.default_language if settings is not None else i18n.DEFAULT_LANGUAGE
    return i18n.coerce_language(default) or i18n.DEFAULT_LANGUAGE


def _current_location(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    user: PortalUser | None = None,
) -> Response:
    """Render ``template`` with the portal's shared context as an HTML response."""
    language = language_of(request)
    settings: Settings | None = getattr(request.app.state, "settings", None)
    if user is None:
        user = getattr(request.state, "portal_user", None)
    node_name = ""
    if settings is not None:
        node_name = settings.node_name_fa if language == "fa" else settings.node_name_en
    other = "en" if language == "fa" else "fa"
    shared: dict[str, Any] = {
        "lang": language,
        "dir": i18n.direction(language),
        "t": partial(i18n.translate, language),
        "num": partial(i18n.format_number, language=language),
        "digits": partial(i18n.digits, language=language),
        "period_name": partial(i18n.period_label, language=language),
        "date": partial(i18n.format_date, language=language),
        "label": partial(i18n.label, language=language),
        "name": partial(i18n.display_name, language=language),
        "isolate": i18n.isolate,
        "user": user,
        "csrf_token": user.csrf_token if user is not None else "",
        "node_name": node_name,
        "switch_language_url": f"/lang/{other}?" + urlencode({"next": _current_location(request)}),
        "current_path": request.url.path,
    }
    shared.update(context or {})
    return templates.TemplateResponse(
        request, template, shared, status_code=status_code, headers=SECURITY_HEADERS
    )
