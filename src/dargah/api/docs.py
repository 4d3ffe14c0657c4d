"""The API's interactive documentation (``/docs``), served entirely by the node.

FastAPI's default page loads Swagger UI from a CDN, which a ministry intranet cannot
reach: the page stays blank. The assets come from npm at build time instead
(``swagger-ui-dist``, copied into ``static/vendor/swagger-ui`` by the front-end build,
like the Vazirmatn font), and the page's Content-Security-Policy lets the browser load
nothing from anywhere else (decision 0018).
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any, Final

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.responses import HTMLResponse

from dargah import __version__
from dargah.api.problems import PROBLEM_MEDIA_TYPE, ProblemItem, ProblemOut

DOCS_PATH: Final = "/docs"
SWAGGER_UI_ASSETS: Final = "/static/vendor/swagger-ui"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _asset(name: str) -> str:
    # The release as a query string, so a new Swagger UI is not read from a stale cache.
    return f"{SWAGGER_UI_ASSETS}/{name}?v={__version__}"


def _content_security_policy(html: str) -> str:
    """Only this node's own files, plus the page's one inline start-up script by hash.

    Swagger UI sets styles inline on its elements, hence ``'unsafe-inline'`` for styles
    only; ``connect-src 'self'`` keeps "Try it out" and the spec fetch on this node, and
    nothing can be fetched from another host even if a future Swagger UI tried to.
    """
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(html)
    )
    return (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; object-src 'none'; form-action 'self'"
    )


_PROBLEM_REF: Final = {"$ref": "#/components/schemas/ProblemOut"}
_PROBLEM_RESPONSES: Final = {
    "422": "A value is not valid (problem+json; errors name the fields)",
    "4XX": "Refused: not authenticated, not allowed, not found, conflict… (problem+json)",
    "5XX": "A bug or an unavailable dependency (problem+json, with the request id)",
}


def _with_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """The API description with every error declared as it is answered: problem+json
    (``ProblemOut``), in place of FastAPI's ``HTTPValidationError`` which the API never
    sends, so clients and contract tests read the errors the node really returns."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ProblemOut"] = ProblemOut.model_json_schema()
    components["ProblemItem"] = ProblemItem.model_json_schema()
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in _PROBLEM_RESPONSES.items():
                responses[status] = {
                    "description": description,
                    "content": {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}},
                }
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema


def install_openapi_problems(app: FastAPI) -> None:
    """Make ``/openapi.json`` declare the problem+json errors (``_with_problems``)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _with_problems(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_api_docs(app: FastAPI, *, title: str) -> None:
    """Serve Swagger UI at ``/docs`` from the node's static files (no CDN, no redoc)."""
    openapi_url = app.openapi_url or "/openapi.json"
    page = get_swagger_ui_html(
        openapi_url=openapi_url,
        title=title,
        swagger_js_url=_asset("swagger-ui-bundle.js"),
        swagger_css_url=_asset("swagger-ui.css"),
        swagger_favicon_url=_asset("favicon-32x32.png"),
        # The default validator badge would send the spec to a public service.
        swagger_ui_parameters={"validatorUrl": None},
    )
    body = bytes(page.body)
    headers = {
        "Content-Security-Policy": _content_security_policy(body.decode()),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }

    @app.get(DOCS_PATH, include_in_schema=False)
    async def api_docs() -> HTMLResponse:
        """Swagger UI for this node's API, from this node's own files."""
        return HTMLResponse(body, headers=headers)
