"""Structured logging: one JSON object per line, each carrying the request id.

Nothing secret reaches a log line: values under keys that name a secret (password,
token, authorization, cookie…) are replaced, API keys and session tokens inside any
text keep only their public prefix, and tracebacks are rendered without the frames'
local variables (a password or a request's headers are often among them).
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any, Final

import structlog
from structlog.tracebacks import ExceptionDictTransformer

from dargah.context import request_id_var


def _add_request_id(
    _logger: object, _method: str, event: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    request_id = request_id_var.get()
    if request_id is not None:
        event.setdefault("request_id", request_id)
    return event


REDACTED: Final = "[redacted]"
_SECRET_KEY: Final = re.compile(
    r"password|passwd|secret|token|authorization|cookie|api[_-]?key|csrf", re.IGNORECASE
)
# An API key is dgk_<prefix>_<secret>: the prefix names the key (support needs it), the
# rest is the secret. A session token has no public part. A bearer credential may be
# neither (a token from elsewhere), so everything after "Bearer" goes.
_SECRETS_IN_TEXT: Final = (
    (re.compile(r"\b(dgk_[A-Za-z0-9]+)_[A-Za-z0-9_\-]+"), rf"\1_{REDACTED}"),
    (re.compile(r"\bdgs_[A-Za-z0-9_\-]+"), f"dgs_{REDACTED}"),
    (re.compile(r"\b(Bearer|Basic)\s+[^\s'\",;]+", re.IGNORECASE), rf"\1 {REDACTED}"),
)
# One search says whether any of them can be there: most log values (paths, codes,
# counts) hold none, and every request writes an access line.
_MAY_HOLD_SECRET: Final = re.compile(r"dg[ks]_|bearer|basic", re.IGNORECASE)


def redact_text(text: str) -> str:
    """``text`` with every API key's secret, session token and bearer credential
    replaced."""
    if not _MAY_HOLD_SECRET.search(text):
        return text
    for pattern, replacement in _SECRETS_IN_TEXT:
        text = pattern.sub(replacement, text)
    return text


def _redact(value: Any, depth: int = 0) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if depth > 8:  # a log line is not the place for deep structures
        return value
    if isinstance(value, dict):
        return {
            key: REDACTED
            if isinstance(key, str) and _SECRET_KEY.search(key) and item not in (None, "")
            else _redact(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(_redact(item, depth + 1) for item in value)
    return value


def redact_secrets(
    _logger: object, _method: str, event: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    """A structlog processor: the event with secrets replaced (see the module's doc)."""
    redacted: structlog.typing.EventDict = _redact(dict(event))
    return redacted


def configure_logging(*, level: str = "INFO", fmt: str = "json") -> None:
    """Route structlog and the standard library (uvicorn, SQLAlchemy) through one renderer."""
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        _add_request_id,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    )
    # Tracebacks become text (JSON: a structured dict) before the redaction sees them,
    # and never carry the frames' local variables.
    exceptions: structlog.typing.Processor = (
        structlog.processors.ExceptionRenderer(ExceptionDictTransformer(show_locals=False))
        if fmt == "json"
        else structlog.processors.format_exc_info
    )
    structlog.configure(
        # A line below the level is dropped before anything is done to it (the access
        # log line of every request, when the level is WARNING).
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            exceptions,
            redact_secrets,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers[:] = []
        uvicorn_logger.propagate = True
    # The access log is written by our middleware, with the request id and the principal.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    """A structured logger for module ``name``."""
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger
