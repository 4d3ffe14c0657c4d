"""Tables of submissions: what was sent, for which target, what became of it.

A submission's body is kept in the database in chunks (``SubmissionChunk``) so every
API worker and job worker sees the same upload with no shared disk; its findings are
kept row by row, up to a cap, with complete counts per code on the submission.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from dargah.db.base import Base, UTCDateTime, utcnow


class SubmissionMode(enum.StrEnum):
    """How a submission changes the slice."""

    SNAPSHOT = "snapshot"  # the file is the whole truth for the period
    DELTA = "delta"  # the file adds, changes and (explicitly) deletes rows


class AcceptancePolicy(enum.StrEnum):
    """What happens to the valid rows of a file that also has errors."""

    ALL_OR_NOTHING = "all_or_nothing"
    ACCEPT_VALID = "accept_valid"


class SubmissionStatus(enum.StrEnum):
    """Lifecycle of a submission."""

    RECEIVING = "receiving"  # created; the body is being uploaded
    QUEUED = "queued"  # complete body, waiting for a worker
    PROCESSING = "processing"
    ACCEPTED = "accepted"  # every row loaded
    PARTIALLY_ACCEPTED = "partially_accepted"  # valid rows loaded, the rest rejected
    REJECTED = "rejected"  # nothing loaded: errors under all-or-nothing, or unreadable
    FAILED = "failed"  # the gateway could not finish; nothing loaded
    VALIDATED = "validated"  # validate-only: checked, never loaded


FINAL_STATUSES = frozenset(
    {
        SubmissionStatus.ACCEPTED,
        SubmissionStatus.PARTIALLY_ACCEPTED,
        SubmissionStatus.REJECTED,
        SubmissionStatus.FAILED,
        SubmissionStatus.VALIDATED,
    }
)

SUBMISSION_STATUS_LABELS: dict[SubmissionStatus, tuple[str, str]] = {
    SubmissionStatus.RECEIVING: ("در حال دریافت", "Receiving"),
    SubmissionStatus.QUEUED: ("در صف پردازش", "Queued"),
    SubmissionStatus.PROCESSING: ("در حال پردازش", "Processing"),
    SubmissionStatus.ACCEPTED: ("پذیرفته شد", "Accepted"),
    SubmissionStatus.PARTIALLY_ACCEPTED: ("بخشی پذیرفته شد", "Partially accepted"),
    SubmissionStatus.REJECTED: ("رد شد", "Rejected"),
    SubmissionStatus.FAILED: ("ناموفق", "Failed"),
    SubmissionStatus.VALIDATED: ("فقط بررسی شد", "Validated only"),
}


class Submission(Base):
    """One delivery of a data set by an institution for a period."""

    __tablename__ = "submissions"
    __table_args__ = (
        Index("ix_submissions_target", "dataset_slug", "institution_id", "period"),
        Index("ix_submissions_content", "content_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_slug: Mapped[str] = mapped_column(String(63))
    version: Mapped[str] = mapped_column(String(12))
    institution_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    period: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(12))
    policy: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    validate_only: Mapped[bool] = mapped_column(default=False)
    # What was sent.
    filename: Mapped[str | None] = mapped_column(String(255))
    source_format: Mapped[str | None] = mapped_column(String(10))
    declared_encoding: Mapped[str | None] = mapped_column(String(20))
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    # Who sent it.
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_by_kind: Mapped[str] = mapped_column(String(12))
    system_identifier: Mapped[str | None] = mapped_column(String(160))
    # What became of it.
    received: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    finding_counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    findings_stored: Mapped[int] = mapped_column(Integer, default=0)
    columns: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_per_s: Mapped[int | None] = mapped_column(Integer)
    failure_code: Mapped[str | None] = mapped_column(String(60))
    failure_fa: Mapped[str | None] = mapped_column(Text)
    failure_en: Mapped[str | None] = mapped_column(Text)
    receipt: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    same_as_id: Mapped[int | None] = mapped_column(Integer)
    job_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SubmissionChunk(Base):
    """A piece of an uploaded body, in order; resumable uploads add pieces."""

    __tablename__ = "submission_chunks"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    offset: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class SubmissionFinding(Base):
    """One finding of a submission's report, as the registrar will read it."""

    __tablename__ = "submission_findings"
    __table_args__ = (Index("ix_submission_findings_row", "submission_id", "row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    row: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(63))
    column: Mapped[str | None] = mapped_column(String(300))
    value: Mapped[str | None] = mapped_column(Text)
    code: Mapped[str] = mapped_column(String(60))
    rule_id: Mapped[str | None] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(10))
    message_fa: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)


class SliceLineIndex(Base):
    """Which line of the last CSV file each current row of a slice came from.

    Lets a re-sent file skip the lines that have not changed (``submissions.lines``,
    decision 0010). Only valid while ``submission_id`` is the slice's current one and
    ``context`` matches the validation context of the next file. The entries are in
    ``SliceLineIndexPart`` rows of a few megabytes each.
    """

    __tablename__ = "slice_line_indexes"

    slice_id: Mapped[int] = mapped_column(
        ForeignKey("record_slices.id", ondelete="CASCADE"), primary_key=True
    )
    submission_id: Mapped[int] = mapped_column(Integer)
    context: Mapped[str] = mapped_column(String(64))
    scheme: Mapped[str] = mapped_column(String(60))
    entries: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SliceLineIndexPart(Base):
    """A part of a line index's entries (Arrow IPC), in order."""

    __tablename__ = "slice_line_index_parts"

    slice_id: Mapped[int] = mapped_column(
        ForeignKey("slice_line_indexes.slice_id", ondelete="CASCADE"), primary_key=True
    )
    part: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
