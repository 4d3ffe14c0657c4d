"""HTTP shapes of submissions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from dargah.submissions.models import AcceptancePolicy, SubmissionMode


class SubmissionCreate(BaseModel):
    """A new submission; its body is uploaded next."""

    model_config = ConfigDict(extra="forbid")

    dataset: str = Field(description="Data set id, e.g. students")
    version: str | None = Field(default=None, description="Default: the active version")
    institution: str | None = Field(
        default=None,
        description="Institution identifier (IR/UNI/1001); default: the caller's own",
    )
    period: str = Field(description="1403-1 for a term, 1403 for a year, current")
    mode: SubmissionMode = SubmissionMode.SNAPSHOT
    policy: AcceptancePolicy = AcceptancePolicy.ALL_OR_NOTHING
    filename: str | None = Field(default=None, max_length=255)
    format: str | None = Field(default=None, description="csv, xlsx, json or ndjson")
    encoding: str | None = Field(default=None, description="Declared text encoding, wins")
    validate_only: bool = False


class Counts(BaseModel):
    """What happened to the rows."""

    received: int
    accepted: int
    rejected: int
    inserted: int
    updated: int
    unchanged: int
    closed: int
    errors: int
    warnings: int


class SubmissionOut(BaseModel):
    """A submission and its state."""

    id: int
    dataset: str
    version: str
    institution: str
    period: str
    mode: str
    policy: str
    status: str
    status_fa: str
    status_en: str
    validate_only: bool
    filename: str | None
    size_bytes: int
    content_hash: str | None
    counts: Counts
    finding_counts: dict[str, int]
    progress_rows: int
    rows_per_s: int | None
    same_as: int | None
    job: str | None = Field(default=None, description="The processing job, when queued")
    failure: dict[str, Any] | None
    created_at: datetime
    received_at: datetime | None
    finished_at: datetime | None
    links: dict[str, str]


class FindingOut(BaseModel):
    """One line of a submission's report."""

    row: int | None
    column: str | None
    field: str | None
    value: str | None
    code: str
    rule_id: str | None
    severity: str
    message_fa: str
    message_en: str


class ReportOut(BaseModel):
    """A submission's report: counts per code and the stored findings."""

    submission: SubmissionOut
    findings: list[FindingOut]
    findings_total: int
    findings_stored: int


class BatchIn(BaseModel):
    """Rows sent as JSON in one request, answered with a result per item."""

    model_config = ConfigDict(extra="forbid")

    period: str
    institution: str | None = None
    mode: SubmissionMode = SubmissionMode.DELTA
    policy: AcceptancePolicy = AcceptancePolicy.ACCEPT_VALID
    version: str | None = None
    items: list[dict[str, Any]] = Field(min_length=1, max_length=10_000)


class ItemResult(BaseModel):
    """What became of one item of a batch (``index`` counts from 0)."""

    index: int
    accepted: bool
    findings: list[FindingOut]


class BatchOut(BaseModel):
    """A batch's submission and its per-item results."""

    submission: SubmissionOut
    items: list[ItemResult]
