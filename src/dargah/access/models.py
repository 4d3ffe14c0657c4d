"""Tables of grants: who may read which data set, how far, why and until when.

A grant is given to one consumer — an HQ unit or an external agency (a member) — for
one data set (by catalogue slug, so it outlives versions). A grant request is a
consumer's ask; the owner's approval makes a grant from it. Neither is ever deleted:
a grant is revoked or expires, a request is approved or refused.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dargah.db.base import Base, UTCDateTime, utcnow
from dargah.members.models import HqUnit, Member


class GrantLevel(enum.StrEnum):
    """How much a consumer may see: only aggregates, or the rows themselves."""

    AGGREGATE = "aggregate"
    ROWS = "rows"


class GrantStatus(enum.StrEnum):
    """A grant is active until it is revoked (expiry is a time, not a status)."""

    ACTIVE = "active"
    REVOKED = "revoked"


class GrantRequestStatus(enum.StrEnum):
    """Lifecycle of a request for a grant."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


_ONE_CONSUMER = "(consumer_hq_unit_id IS NULL) != (consumer_member_id IS NULL)"


class _Terms:
    """The terms a grant and a grant request share."""

    dataset_slug: Mapped[str] = mapped_column(String(63))
    consumer_hq_unit_id: Mapped[int | None] = mapped_column(ForeignKey("hq_units.id"))
    consumer_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    # None: every field of the data set (including fields later versions add).
    fields: Mapped[list[str] | None] = mapped_column(JSON)
    # Row scope; None in a list means "no restriction on this dimension".
    institution_ids: Mapped[list[int] | None] = mapped_column(JSON)
    institution_types: Mapped[list[str] | None] = mapped_column(JSON)
    provinces: Mapped[list[str] | None] = mapped_column(JSON)
    period_from: Mapped[str | None] = mapped_column(String(20))
    period_to: Mapped[str | None] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(12))
    personal: Mapped[bool] = mapped_column(Boolean, default=False)
    purpose: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))


class Grant(_Terms, Base):
    """Access of one consumer to one data set."""

    __tablename__ = "grants"
    __table_args__ = (
        CheckConstraint(_ONE_CONSUMER, name="one_consumer"),
        Index("ix_grants_dataset_consumer", "dataset_slug", "consumer_hq_unit_id"),
        Index("ix_grants_consumer_member", "consumer_member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(12), default=GrantStatus.ACTIVE.value)
    request_id: Mapped[int | None] = mapped_column(Integer)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(200))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    consumer_hq_unit: Mapped[HqUnit | None] = relationship(lazy="joined")
    consumer_member: Mapped[Member | None] = relationship(lazy="joined")

    def is_active(self, at: datetime) -> bool:
        """Whether the grant allows reading at ``at``."""
        return self.status == GrantStatus.ACTIVE.value and self.expires_at > at


class GrantRequest(_Terms, Base):
    """A consumer's request for a grant, decided by the data set's owner."""

    __tablename__ = "grant_requests"
    __table_args__ = (
        CheckConstraint(_ONE_CONSUMER, name="one_consumer"),
        Index("ix_grant_requests_dataset_status", "dataset_slug", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The expiry the consumer asks for; the owner may shorten it on approval.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(12), default=GrantRequestStatus.PENDING.value)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("grants.id"))

    consumer_hq_unit: Mapped[HqUnit | None] = relationship(lazy="joined")
    consumer_member: Mapped[Member | None] = relationship(lazy="joined")
