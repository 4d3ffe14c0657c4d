"""RFC 9457 problem+json for every error, with a stable code and two languages."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from dargah.context import request_id_var
from dargah.errors import DargahError
from dargah.logs import get_logger
from dargah.persian import PersianValueError, format_jalali

PROBLEM_MEDIA_TYPE = "application/problem+json"
_log = get_logger(__name__)

_HTTP_MESSAGES: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "درخواست نادرست است.", "The request is malformed."),
    401: ("not_authenticated", "ابتدا وارد شوید.", "Authentication is required."),
    403: ("permission_denied", "اجازهٔ این کار را ندارید.", "You are not allowed to do this."),
    404: ("route_not_found", "چنین نشانی‌ای وجود ندارد.", "No such address."),
    405: ("method_not_allowed", "این روش برای این نشانی پشتیبانی نمی‌شود.", "Method not allowed."),
    413: ("payload_too_large", "حجم درخواست بیش از حد مجاز است.", "The request is too large."),
    415: ("unsupported_media_type", "نوع محتوا پشتیبانی نمی‌شود.", "Unsupported media type."),
}

# Persian messages for the pydantic error types people actually trigger.
_VALIDATION_FA: dict[str, str] = {
    "missing": "این فیلد الزامی است.",
    "string_too_short": "مقدار کوتاه‌تر از حد مجاز است.",
    "string_too_long": "مقدار بلندتر از حد مجاز است.",
    "string_pattern_mismatch": "قالب مقدار درست نیست.",
    "int_parsing": "باید عدد صحیح باشد.",
    "int_type": "باید عدد صحیح باشد.",
    "bool_parsing": "باید بله/خیر (true/false) باشد.",
    "enum": "مقدار از گزینه‌های مجاز نیست.",
    "literal_error": "مقدار از گزینه‌های مجاز نیست.",
    "greater_than_equal": "مقدار کمتر از حد مجاز است.",
    "less_than_equal": "مقدار بیشتر از حد مجاز است.",
    "json_invalid": "بدنهٔ درخواست JSON معتبر نیست.",
    "model_attributes_type": "ساختار بدنهٔ درخواست درست نیست.",
    "dict_type": "ساختار بدنهٔ درخواست درست نیست.",
    "extra_forbidden": "این فیلد شناخته‌شده نیست.",
    "value_error": "مقدار معتبر نیست.",
    "datetime_parsing": "تاریخ و زمان معتبر نیست.",
    "date_parsing": "تاریخ معتبر نیست.",
}


class ProblemItem(BaseModel):
    """One field's error inside a problem (``errors``)."""

    field: str = Field(description="The field, dotted (body.period, submission_id)")
    location: str = Field(description="body, query, path or header")
    code: str = Field(description="A stable code (missing, less_than_equal, period_invalid…)")
    message_fa: str
    message_en: str


class ProblemOut(BaseModel):
    """Every error the API answers: RFC 9457 problem details with a stable ``code`` and
    the message in Persian and English (``detail`` in the caller's language)."""

    type: str = Field(description="https://dargah.msrt.ir/problems/<code>")
    title: str
    status: int
    code: str = Field(description="Stable; listed in docs/error-codes.md")
    detail: str
    message_fa: str
    message_en: str
    request_id: str | None = Field(description="Quote it to support")
    details: dict[str, Any] | None = Field(
        default=None, description="Facts about the error, with <name>_jalali beside dates"
    )
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="Per-field errors (ProblemItem, or a row's findings)"
    )


def problem(
    *,
    status: int,
    code: str,
    message_fa: str,
    message_en: str,
    language: str = "fa",
    details: dict[str, Any] | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Build one problem+json response."""
    body: dict[str, Any] = {
        "type": f"https://dargah.msrt.ir/problems/{code}",
        "title": message_en,
        "status": status,
        "code": code,
        "detail": message_en if language == "en" else message_fa,
        "message_fa": message_fa,
        "message_en": message_en,
        "request_id": request_id_var.get(),
    }
    if details:
        body["details"] = with_jalali(details)
    if errors:
        body["errors"] = errors
    request_id = request_id_var.get()
    if request_id is not None:
        # Errors answered outside the request middleware (a 500) still name the request.
        headers = {**(headers or {}), "X-Request-ID": request_id}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


_ISO_TIME = re.compile(
    r"^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?$"
)


def with_jalali(details: dict[str, Any]) -> dict[str, Any]:
    """``details`` with a ``<name>_jalali`` companion beside every ISO date or time, so a
    person reading the problem sees the date as it is written in Iran (Tehran time)."""
    companions: dict[str, str] = {}
    for name, value in details.items():
        if not isinstance(value, str) or not _ISO_TIME.match(value):
            continue
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            continue
        timed = "T" in value or " " in value
        if timed and moment.tzinfo is None:
            continue  # a wall-clock time without a zone names no instant to convert
        reading = format_jalali(moment, with_time=timed) if timed else format_jalali(moment.date())
        companions.setdefault(f"{name}_jalali", reading)
    return {**details, **{key: text for key, text in companions.items() if key not in details}}


def request_language(request: Request) -> str:
    """``en`` when the caller asked for English (cookie or Accept-Language), else Persian."""
    if request.cookies.get("lang") == "en":
        return "en"
    accept = request.headers.get("accept-language", "")
    return "en" if accept.split(",")[0].strip().lower().startswith("en") else "fa"


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    items = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ())]
        kind = str(error.get("type", "value_error"))
        items.append(
            {
                "field": ".".join(location[1:]) or ".".join(location),
                "location": location[0] if location else "",
                "code": kind,
                "message_fa": _VALIDATION_FA.get(kind, "مقدار معتبر نیست."),
                "message_en": str(error.get("msg", "Invalid value")),
            }
        )
    return items


def _html_page(
    request: Request, *, status: int, code: str, message_fa: str, message_en: str
) -> Response | None:
    """The portal's HTML error page for a browser path, if the portal is mounted.

    ``mount_portal`` sets ``app.state.html_error_renderer``; it returns ``None`` for
    paths that belong to machines (probes, the API description), which keep problem+json.
    """
    renderer = getattr(request.app.state, "html_error_renderer", None)
    if renderer is None or request.url.path.startswith("/api/"):
        return None
    page: Response | None = renderer(
        request, status=status, code=code, message_fa=message_fa, message_en=message_en
    )
    return page


def _is_out_of_range(exc: DBAPIError) -> bool:
    """Whether the driver refused a number too large for its column (SQLSTATE 22003,
    or an OverflowError raised under SQLAlchemy's wrapper)."""
    original = exc.orig
    return isinstance(original, OverflowError) or (
        getattr(original, "sqlstate", None) == "22003"
        or getattr(original, "pgcode", None) == "22003"
    )


def _answer(
    request: Request,
    *,
    status: int,
    code: str,
    message_fa: str,
    message_en: str,
    details: dict[str, Any] | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The portal's HTML error page for a browser path, else problem+json."""
    page = _html_page(
        request, status=status, code=code, message_fa=message_fa, message_en=message_en
    )
    if page is not None:
        return page
    return problem(
        status=status,
        code=code,
        message_fa=message_fa,
        message_en=message_en,
        language=request_language(request),
        details=details,
        errors=errors,
        headers=headers,
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Map every exception the API can raise to problem+json (HTML pages on the portal)."""

    @app.exception_handler(DargahError)
    async def _domain_error(request: Request, exc: DargahError) -> Response:
        return _answer(
            request,
            status=exc.status,
            code=exc.code,
            message_fa=exc.message_fa,
            message_en=exc.message_en,
            details=exc.details,
            errors=exc.errors,
            headers={"WWW-Authenticate": "Bearer"} if exc.status == 401 else None,
        )

    @app.exception_handler(PersianValueError)
    async def _persian_value(request: Request, exc: PersianValueError) -> Response:
        return _answer(
            request,
            status=422,
            code=exc.code,
            message_fa=exc.message_fa,
            message_en=exc.message_en,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
        # A portal page with a bad address or query (``/submissions/abc``) is an HTML
        # error page in the page's language, never problem+json inside the portal.
        fields = sorted({item["field"] for item in _validation_errors(exc) if item["field"]})
        named = "، ".join(fields), ", ".join(fields)
        page = _html_page(
            request,
            status=422,
            code="invalid_request",
            message_fa="نشانی این صفحه یا یکی از مقدارهای آن معتبر نیست"
            + (f" ({named[0]})." if fields else "."),
            message_en="The page's address or one of its values is not valid"
            + (f" ({named[1]})." if fields else "."),
        )
        if page is not None:
            return page
        return problem(
            status=422,
            code="invalid_request",
            message_fa="برخی از مقادیر درخواست معتبر نیستند.",
            message_en="Some values in the request are not valid.",
            language=request_language(request),
            errors=_validation_errors(exc),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code, fa, en = _HTTP_MESSAGES.get(
            exc.status_code, ("http_error", "خطا در پردازش درخواست.", str(exc.detail))
        )
        return _answer(
            request,
            status=exc.status_code,
            code=code,
            message_fa=fa,
            message_en=en,
            headers=dict(exc.headers) if exc.headers else None,
        )

    @app.exception_handler(OverflowError)
    @app.exception_handler(DBAPIError)
    async def _out_of_range(request: Request, exc: Exception) -> Response:
        # A number past the database's integer range that no declared bound caught
        # (SQLite's driver raises OverflowError, PostgreSQL NumericValueOutOfRange): the
        # caller's value, not the server, is wrong. Any other driver error is a 500.
        if isinstance(exc, DBAPIError) and not _is_out_of_range(exc):
            return await _unexpected(request, exc)
        _log.warning("value_out_of_range", path=request.url.path, error=type(exc).__name__)
        return _answer(
            request,
            status=422,
            code="value_out_of_range",
            message_fa="عددی در درخواست بزرگ‌تر یا کوچک‌تر از حد مجاز است.",
            message_en="A number in the request is outside the allowed range.",
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        _log.exception("unhandled_error", path=request.url.path)
        return _answer(
            request,
            status=500,
            code="internal_error",
            message_fa="خطای داخلی رخ داد؛ شناسهٔ درخواست را به پشتیبانی اعلام کنید.",
            message_en="An internal error occurred; quote the request id to support.",
        )
