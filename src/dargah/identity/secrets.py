"""Making and checking secrets: passwords (argon2), API keys and session tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets as _random

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

API_KEY_PREFIX = "dgk_"
SESSION_TOKEN_PREFIX = "dgs_"  # noqa: S105 - a prefix, not a secret
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; never raises on a bad hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def digest(token: str) -> str:
    """SHA-256 of a high-entropy token, as stored in the database."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_digest(token: str, stored: str) -> bool:
    """Constant-time comparison of a token with a stored digest."""
    return hmac.compare_digest(digest(token), stored)


def new_api_key() -> tuple[str, str]:
    """A fresh API key and its public lookup prefix: ``dgk_<prefix>_<secret>``."""
    prefix = _random.token_hex(6)
    return f"{API_KEY_PREFIX}{prefix}_{_random.token_urlsafe(32)}", prefix


def api_key_prefix(token: str) -> str | None:
    """The lookup prefix of an API key, or None if ``token`` is not shaped like one."""
    if not token.startswith(API_KEY_PREFIX):
        return None
    prefix, separator, secret = token[len(API_KEY_PREFIX) :].partition("_")
    if not separator or len(prefix) != 12 or len(secret) < 20:
        return None
    return prefix


def new_session_token() -> str:
    """A fresh portal session token."""
    return f"{SESSION_TOKEN_PREFIX}{_random.token_urlsafe(32)}"


def new_csrf_token() -> str:
    """A fresh CSRF token bound to one session."""
    return _random.token_urlsafe(24)


def password_problems(password: str, *, username: str) -> list[str]:
    """Why a new password is refused (empty list: acceptable)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append("too_short")
    if password.lower() == username.lower() or username.lower() in password.lower():
        problems.append("contains_username")
    if len(set(password)) < 4:
        problems.append("too_simple")
    return problems
