"""Domain errors: every failure a person can meet has a stable code and two languages.

Services raise these; one handler in ``api/problems.py`` turns them into RFC 9457
problem+json answers, and the CLI and portal print the same messages. The codes are
listed in ``docs/error-codes.md`` and never change meaning once published.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar


class DargahError(Exception):
    """Base of every expected failure; ``status`` is the HTTP status it maps to."""

    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "bad_request"

    def __init__(
        self,
        message_fa: str,
        message_en: str,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.code = code or self.default_code
        self.message_fa = message_fa
        self.message_en = message_en
        self.details = details or {}
        self.errors = errors or []

    def message(self, language: str) -> str:
        """The message in the requested language (Persian unless ``en``)."""
        return self.message_en if language == "en" else self.message_fa


class InvalidInput(DargahError):
    """The request is well formed but its content is wrong (422)."""

    status = 422
    default_code = "invalid_input"


class NotAuthenticated(DargahError):
    """No credentials, or credentials that are wrong, expired or revoked (401)."""

    status = 401
    default_code = "not_authenticated"


class PermissionDenied(DargahError):
    """The caller is known but may not do this (403)."""

    status = 403
    default_code = "permission_denied"


class NotFound(DargahError):
    """The named thing does not exist, or the caller may not know it exists (404)."""

    status = 404
    default_code = "not_found"


class Conflict(DargahError):
    """The request clashes with the current state, e.g. a duplicate identifier (409)."""

    status = 409
    default_code = "conflict"


class ServiceUnavailable(DargahError):
    """The node cannot serve now: database down or schema behind (503)."""

    status = 503
    default_code = "service_unavailable"


def not_found(entity_fa: str, entity_en: str, key: object) -> NotFound:
    """A uniform not-found error naming what was looked for."""
    return NotFound(
        f"{entity_fa} «{key}» پیدا نشد.",
        f"{entity_en} '{key}' was not found.",
        code=re.sub(r"[^a-z0-9]+", "_", entity_en.lower()).strip("_") + "_not_found",
        details={"key": str(key)},
    )
