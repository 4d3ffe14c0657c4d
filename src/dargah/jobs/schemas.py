"""Pydantic models of the jobs HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from dargah.jobs.models import JOB_STATUS_LABELS, Job, JobStatus
from dargah.jobs.service import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, JobPage
from dargah.persian.inputs import DigitsStr


class JobListQuery(BaseModel):
    """Query parameters of ``GET /jobs``; filters combine with AND."""

    model_config = ConfigDict(extra="forbid")

    status: list[str] = Field(
        default_factory=list,
        description="queued, running, succeeded, failed, cancelled; repeated or comma-separated",
    )
    kind: str | None = Field(default=None, max_length=60, description="e.g. submission.process")
    institution: DigitsStr | None = Field(
        default=None, max_length=120, description="The institution's identifier, IR/UNI/1001"
    )
    created_by: DigitsStr | None = Field(
        default=None, max_length=200, description="The creator's key, e.g. person:12"
    )
    limit: int = Field(default=DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(
        default=None, max_length=36, description="The next_cursor of the previous page"
    )


class ProgressOut(BaseModel):
    """How far a job has come."""

    done: int
    total: int | None
    percent: float | None = Field(description="0–100, null while the total is unknown")
    rows_per_s: float | None
    message_fa: str | None
    message_en: str | None
    updated_at: datetime | None = Field(description="The worker's last heartbeat")


class JobErrorOut(BaseModel):
    """Why a job failed, or why its previous attempt did when it will be retried."""

    code: str
    message_fa: str | None
    message_en: str | None
    detail: str | None = Field(default=None, description="Technical detail, operators only")


class JobOut(BaseModel):
    """A job as its owner, its institution or an operator sees it."""

    id: str
    kind: str
    status: JobStatus
    status_fa: str
    status_en: str
    priority: int
    attempts: int
    max_attempts: int
    cancel_requested: bool
    progress: ProgressOut
    result: dict[str, Any] | None
    error: JobErrorOut | None
    institution: str | None = Field(description="The institution's identifier, if any")
    created_by: str
    created_at: datetime
    run_after: datetime
    started_at: datetime | None
    finished_at: datetime | None
    # Operators only: what the job was given and which worker holds it.
    payload: dict[str, Any] | None = None
    worker: str | None = None
    lease_expires_at: datetime | None = None

    @classmethod
    def of(cls, job: Job, *, operator_view: bool = False) -> JobOut:
        """The API view of ``job``; ``operator_view`` adds payload, worker and detail."""
        status = JobStatus(job.status)
        status_fa, status_en = JOB_STATUS_LABELS[status]
        error = (
            None
            if job.error_code is None
            else JobErrorOut(
                code=job.error_code,
                message_fa=job.error_message_fa,
                message_en=job.error_message_en,
                detail=job.error_detail if operator_view else None,
            )
        )
        return cls(
            id=job.id,
            kind=job.kind,
            status=status,
            status_fa=status_fa,
            status_en=status_en,
            priority=job.priority,
            attempts=job.attempts,
            max_attempts=job.max_attempts,
            cancel_requested=job.cancel_requested_at is not None,
            progress=ProgressOut(
                done=job.progress_done,
                total=job.progress_total,
                percent=job.progress_percent,
                rows_per_s=job.rows_per_s,
                message_fa=job.message_fa,
                message_en=job.message_en,
                updated_at=job.heartbeat_at,
            ),
            result=job.result,
            error=error,
            institution=job.institution.identifier if job.institution is not None else None,
            created_by=job.created_by_name,
            created_at=job.created_at,
            run_after=job.run_after,
            started_at=job.started_at,
            finished_at=job.finished_at,
            payload=job.payload if operator_view else None,
            worker=job.lease_owner if operator_view else None,
            lease_expires_at=job.lease_expires_at if operator_view else None,
        )


class JobPageOut(BaseModel):
    """A page of jobs, newest first; ``next_cursor`` is null on the last page."""

    items: list[JobOut]
    next_cursor: str | None

    @classmethod
    def of(cls, page: JobPage, *, operator_view: bool = False) -> JobPageOut:
        """The API view of a listing."""
        return cls(
            items=[JobOut.of(job, operator_view=operator_view) for job in page.items],
            next_cursor=page.next_cursor,
        )
