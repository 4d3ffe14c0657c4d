"""Tables of identity: people, their portal sessions, and systems' API keys.

Secrets are never stored: passwords as argon2 hashes, API keys and session tokens as
SHA-256 digests (they are long random strings, so a fast digest is enough and keeps
every request's lookup cheap); a short public prefix finds the row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dargah.db.base import Base, TimestampMixin, UTCDateTime
from dargah.members.models import HqUnit, Member, System

_BINDING_RULE = (
    "(role = 'institution' AND institution_id IS NOT NULL AND hq_unit_id IS NULL)"
    " OR (role = 'hq' AND hq_unit_id IS NOT NULL AND institution_id IS NULL)"
    " OR (role NOT IN ('institution', 'hq') AND institution_id IS NULL AND hq_unit_id IS NULL)"
)
# A person of a peer agency is bound to the agency's member (institution_id): its
# grants are the agency's. Accounts made before migration 0009 may have none (the
# service requires it of new ones). An agency system's key takes its system's member.
PERSON_BINDING_RULE = (
    "(role = 'institution' AND institution_id IS NOT NULL AND hq_unit_id IS NULL)"
    " OR (role = 'hq' AND hq_unit_id IS NOT NULL AND institution_id IS NULL)"
    " OR (role = 'agency' AND hq_unit_id IS NULL)"
    " OR (role NOT IN ('institution', 'hq', 'agency')"
    " AND institution_id IS NULL AND hq_unit_id IS NULL)"
)


class Person(TimestampMixin, Base):
    """A person's portal account with exactly one role and, for staff, its binding."""

    __tablename__ = "people"
    __table_args__ = (CheckConstraint(PERSON_BINDING_RULE, name="role_binding"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    mobile: Mapped[str | None] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), index=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    hq_unit_id: Mapped[int | None] = mapped_column(ForeignKey("hq_units.id"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    institution: Mapped[Member | None] = relationship(lazy="joined")
    hq_unit: Mapped[HqUnit | None] = relationship(lazy="joined")


class PortalSession(Base):
    """A logged-in person's session; the browser holds only the token."""

    __tablename__ = "portal_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    client_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    person: Mapped[Person] = relationship(lazy="joined")


class ApiKey(Base):
    """A machine credential of one system, with the role its calls act under."""

    __tablename__ = "api_keys"
    __table_args__ = (CheckConstraint(_BINDING_RULE, name="role_binding"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    system_id: Mapped[int] = mapped_column(ForeignKey("systems.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    hq_unit_id: Mapped[int | None] = mapped_column(ForeignKey("hq_units.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(200))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    system: Mapped[System] = relationship(lazy="joined")
