"""The ``jobs`` table: background work with a lease, progress and an outcome.

A job is a row. Workers claim queued rows by taking a *lease* (``lease_owner`` and
``lease_expires_at``), extend it by heartbeats while they run, and end it with an
outcome. A lease that expires without an outcome means the worker died; the job is
then retried or failed with ``worker_lost`` (see ``jobs.service.reclaim_expired``).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dargah.db.base import Base, UTCDateTime
from dargah.members.models import Member


class JobStatus(enum.StrEnum):
    """Where a job stands. ``succeeded``, ``failed`` and ``cancelled`` are final."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINAL_STATUSES = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})

JOB_STATUS_LABELS: dict[JobStatus, tuple[str, str]] = {
    JobStatus.QUEUED: ("در صف", "Queued"),
    JobStatus.RUNNING: ("در حال اجرا", "Running"),
    JobStatus.SUCCEEDED: ("انجام شد", "Succeeded"),
    JobStatus.FAILED: ("ناموفق", "Failed"),
    JobStatus.CANCELLED: ("لغو شد", "Cancelled"),
}


class Job(Base):
    """One unit of background work and everything a person may ask about it."""

    __tablename__ = "jobs"
    __table_args__ = (
        # Claiming reads queued jobs that are due; reclaiming reads running ones.
        Index("ix_jobs_status_run_after", "status", "run_after"),
        Index("ix_jobs_status_lease_expires_at", "status", "lease_expires_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.QUEUED.value)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime())
    # Enqueueing with a key already present returns that job instead of a new one.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)

    lease_owner: Mapped[str | None] = mapped_column(String(120))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    progress_done: Mapped[int] = mapped_column(BigInteger, default=0)
    progress_total: Mapped[int | None] = mapped_column(BigInteger)
    progress_percent: Mapped[float | None] = mapped_column(Float)
    rows_per_s: Mapped[float | None] = mapped_column(Float)
    message_fa: Mapped[str | None] = mapped_column(String(500))
    message_en: Mapped[str | None] = mapped_column(String(500))

    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The last failure: final when the job failed, the reason for the retry otherwise.
    error_code: Mapped[str | None] = mapped_column(String(60))
    error_message_fa: Mapped[str | None] = mapped_column(Text)
    error_message_en: Mapped[str | None] = mapped_column(Text)
    # Technical detail (exception type and text) shown to operators only.
    error_detail: Mapped[str | None] = mapped_column(Text)

    # ``person:<id>``, ``system:<identifier>`` or ``cli:<user>``: who may follow the job.
    created_by: Mapped[str] = mapped_column(String(200), index=True)
    created_by_name: Mapped[str] = mapped_column(String(200))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # Loaded on access only: claiming locks job rows and must not join other tables.
    institution: Mapped[Member | None] = relationship(lazy="select")

    @property
    def is_final(self) -> bool:
        """True once the job succeeded, failed for good or was cancelled."""
        return self.status in FINAL_STATUSES
