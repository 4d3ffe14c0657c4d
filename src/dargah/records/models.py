"""The bookkeeping of the records store: one slice per (data set, major, institution, period).

The rows themselves live in tables made per data-set major version (``records.tables``);
a slice row is what loads of one target lock, and it remembers which submission's state
is current there.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dargah.db.base import Base, UTCDateTime, utcnow


class RecordSlice(Base):
    """The rows one institution reported for one period of one data-set major version."""

    __tablename__ = "record_slices"
    __table_args__ = (UniqueConstraint("dataset_slug", "major", "institution_id", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_slug: Mapped[str] = mapped_column(String(63))
    major: Mapped[int] = mapped_column(Integer)
    institution_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    period: Mapped[str] = mapped_column(String(20))
    current_submission_id: Mapped[int | None] = mapped_column(Integer)
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    # Row hashes are only comparable under the scheme that made them (decision 0009).
    hash_scheme: Mapped[str | None] = mapped_column(String(40))
    loads: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
