"""Pydantic models of the identity API: login, people, API keys."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dargah.access.policy import Role
from dargah.persian import normalize
from dargah.persian.inputs import DigitsDatetime, DigitsStr
from dargah.validation import reject_null

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")


class LoginRequest(BaseModel):
    """Username and password."""

    model_config = ConfigDict(extra="forbid")

    username: DigitsStr = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=500)


class LoginResponse(BaseModel):
    """A session token for API use; the portal sets it as a cookie instead."""

    token: str
    csrf_token: str
    expires_at: datetime
    person: PersonOut


class PrincipalOut(BaseModel):
    """Who the caller is, as the gateway sees it."""

    kind: str
    name: str
    role: str
    member: str | None
    system: str | None
    institution_id: int | None
    hq_unit_id: int | None


class PersonCreate(BaseModel):
    """A new portal account."""

    model_config = ConfigDict(extra="forbid")

    username: DigitsStr
    full_name: str = Field(min_length=2, max_length=200)
    role: Role
    password: str = Field(min_length=1, max_length=500)
    email: str | None = Field(default=None, max_length=200)
    mobile: DigitsStr | None = Field(default=None, max_length=20)
    institution: DigitsStr | None = Field(
        default=None, description="Identifier, for institution staff"
    )
    hq_unit: DigitsStr | None = Field(default=None, description="Code, for HQ staff")

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        value = value.strip().lower()
        if not USERNAME_PATTERN.match(value):
            raise ValueError("3–80 characters: a–z, 0–9, dot, dash, underscore")
        return value

    @field_validator("role")
    @classmethod
    def _role(cls, value: Role) -> Role:
        if value is Role.ANONYMOUS:
            raise ValueError("not a role an account can hold")
        return value

    @field_validator("full_name")
    @classmethod
    def _name(cls, value: str) -> str:
        return normalize(value)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return _email_address(value)


class PersonUpdate(BaseModel):
    """Changes to an account; omitted fields stay."""

    model_config = ConfigDict(extra="forbid")

    full_name: str | None = Field(default=None, min_length=2, max_length=200)
    email: str | None = Field(default=None, max_length=200)
    mobile: DigitsStr | None = Field(default=None, max_length=20)
    is_active: bool | None = None
    password: str | None = Field(default=None, min_length=1, max_length=500)

    @field_validator("full_name", "is_active", "password")
    @classmethod
    def _not_null(cls, value: object) -> object:
        return reject_null(value)

    @field_validator("full_name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        return None if value is None else normalize(value)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return _email_address(value)


def _email_address(value: str | None) -> str | None:
    """An e-mail address trimmed and lower-cased; blank means none."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
        raise ValueError("not an e-mail address")
    return value.lower()


class PasswordChange(BaseModel):
    """A person changing their own password."""

    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=500)
    new_password: str = Field(min_length=1, max_length=500)


class PersonOut(BaseModel):
    """An account as shown to administrators (personal data: reads are audited)."""

    username: str
    full_name: str
    role: str
    email: str | None
    mobile: str | None
    institution: str | None
    hq_unit: str | None
    is_active: bool
    last_login_at: datetime | None
    created_at: datetime


class ApiKeyCreate(BaseModel):
    """A new API key for a system. Role is derived from the system's member unless the
    system belongs to the ministry, where ``role`` (and ``hq_unit`` for HQ) is given."""

    model_config = ConfigDict(extra="forbid")

    system: DigitsStr = Field(description="System identifier, e.g. IR/UNI/1001/golestan")
    name: str = Field(min_length=2, max_length=200)
    expires_at: DigitsDatetime | None = None
    role: Role | None = None
    hq_unit: DigitsStr | None = None

    @field_validator("expires_at")
    @classmethod
    def _expires_at(cls, value: datetime | None) -> datetime | None:
        # An expiry without a time zone is read as UTC, as the CLI does.
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class ApiKeyOut(BaseModel):
    """An API key's metadata; the secret is never shown again after creation."""

    id: int
    prefix: str
    name: str
    system: str
    role: str
    created_at: datetime
    created_by: str
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    """The new key, with its secret shown this once."""

    key: str
