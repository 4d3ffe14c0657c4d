"""HTTP shapes of submissions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from dargah.persian.inputs import DigitsInt, DigitsStr
from dargah.submissions.models import AcceptancePolicy, SubmissionMode, SubmissionStatus


class SubmissionCreate(BaseModel):
    """A new submission; its body is uploaded next."""

    model_config = ConfigDict(extra="forbid")

    dataset: DigitsStr = Field(description="Data set id, e.g. students")
    version: DigitsStr | None = Field(default=None, description="Default: the active version")
    institution: DigitsStr | None = Field(
        default=None,
        description="Institution identifier (IR/UNI/1001); default: the caller's own",
    )
    period: DigitsStr = Field(
        description="1403-1 for a term, 1403 for a year, current; Persian digits accepted"
    )
    mode: SubmissionMode = SubmissionMode.SNAPSHOT
    policy: AcceptancePolicy = AcceptancePolicy.ALL_OR_NOTHING
    filename: str | None = Field(default=None, max_length=255)
    format: DigitsStr | None = Field(default=None, description="csv, xlsx, json or ndjson")
    encoding: DigitsStr | None = Field(default=None, description="Declared text encoding, wins")
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
    created_at_jalali: str = Field(description="created_at as a Jalali date, Tehran time")
    received_at_jalali: str | None = Field(description="received_at, Jalali, Tehran time")
    finished_at_jalali: str | None = Field(description="finished_at, Jalali, Tehran time")
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

    period: DigitsStr
    institution: DigitsStr | None = None
    mode: SubmissionMode = SubmissionMode.DELTA
    policy: AcceptancePolicy = AcceptancePolicy.ACCEPT_VALID
    version: DigitsStr | None = None
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


class SubmissionListQuery(BaseModel):
    """The filters, sort and page of a list of submissions (the portal's query string).

    Text filters accept Persian and Arabic-Indic digits («۱۴۰۳-۲»), like every input.
    """

    model_config = ConfigDict(extra="ignore")

    dataset: DigitsStr | None = Field(default=None, max_length=63)
    period: DigitsStr | None = Field(default=None, max_length=20)
    status: SubmissionStatus | None = None
    institution: DigitsStr | None = Field(default=None, max_length=160)
    sort: Literal["newest", "oldest", "period", "dataset", "status"] = "newest"
    page: DigitsInt = Field(default=1, ge=1, le=100_000)


class FindingQuery(BaseModel):
    """The filters, sort and page of a submission's findings (the portal's query string)."""

    model_config = ConfigDict(extra="ignore")

    severity: Literal["error", "warning"] | None = None
    field: DigitsStr | None = Field(default=None, max_length=63)
    code: DigitsStr | None = Field(default=None, max_length=60)
    sort: Literal["row", "severity", "field", "code"] = "row"
    page: DigitsInt = Field(default=1, ge=1, le=100_000)
