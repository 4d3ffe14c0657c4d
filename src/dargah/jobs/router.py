"""HTTP routes of background jobs: thin wrappers over ``jobs.service``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from dargah.access.policy import Permission, Principal
from dargah.api.deps import SessionDep, require
from dargah.jobs import service
from dargah.jobs.schemas import JobListQuery, JobOut, JobPageOut

router = APIRouter(prefix="/jobs", tags=["jobs"])

CanRead = Annotated[Principal, require(Permission.JOBS_READ)]
CanManage = Annotated[Principal, require(Permission.JOBS_MANAGE)]


@router.get("", response_model=JobPageOut, summary="List jobs")
def list_jobs(
    session: SessionDep, principal: CanRead, query: Annotated[JobListQuery, Query()]
) -> JobPageOut:
    """Jobs the caller may follow, newest first: operators see all, others their own
    and their institution's. Follow ``next_cursor`` for more."""
    filters = service.JobFilter(
        statuses=service.parse_statuses(query.status),
        kind=query.kind,
        institution=query.institution,
        created_by=query.created_by,
    )
    page = service.list_jobs(
        session, principal=principal, filters=filters, limit=query.limit, cursor=query.cursor
    )
    return JobPageOut.of(page, operator_view=service.manages_jobs(principal))


@router.get("/{job_id}", response_model=JobOut, summary="Show a job's status and progress")
def show_job(session: SessionDep, principal: CanRead, job_id: str) -> JobOut:
    """Status, progress (percent, rows/s), result or error of one job."""
    job = service.get_job(session, principal=principal, job_id=job_id)
    return JobOut.of(job, operator_view=service.manages_jobs(principal))


@router.post("/{job_id}/cancel", response_model=JobOut, summary="Cancel a job")
def cancel_job(session: SessionDep, principal: CanManage, job_id: str) -> JobOut:
    """Cancel a queued job at once, or ask a running one to stop at its next check."""
    job = service.cancel_job(session, principal=principal, job_id=job_id)
    return JobOut.of(job, operator_view=True)


@router.post("/{job_id}/retry", response_model=JobOut, summary="Run a failed job again")
def retry_job(session: SessionDep, principal: CanManage, job_id: str) -> JobOut:
    """Queue a failed or cancelled job again with a fresh set of attempts."""
    job = service.retry_job(session, principal=principal, job_id=job_id)
    return JobOut.of(job, operator_view=True)
