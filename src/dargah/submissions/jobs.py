"""The job that processes a large submission, run by any job worker.

Processing is one transaction (see ``service.process_submission``), so a worker killed
mid-job leaves nothing loaded; the job is retried and starts from the stored body.
"""

from __future__ import annotations

from typing import Any

from dargah.access.policy import Principal, Role
from dargah.jobs.runner import JobContext, register
from dargah.submissions import service
from dargah.submissions.models import FINAL_STATUSES, SubmissionStatus


def process_submission_job(context: JobContext) -> dict[str, Any]:
    """Validate and load the submission named in the job's payload."""
    submission_id = int(context.payload["submission_id"])
    # The gateway acts for the sender, who was authorised when the job was queued.
    principal = Principal(
        kind="system",
        role=Role.ADMIN,
        name=f"gateway-worker for {context.created_by_name}"[:200],
        institution_id=context.institution_id,
    )

    def progress(done: int, _rate: float, total: int | None) -> None:
        # The job's rows per second come from its own clock; the total is an
        # estimate for CSV, so percent may stop short of 100 until the end.
        context.progress(done, total)

    done = service.process_submission(
        context.database,
        submission_id,
        settings=context.settings,
        principal=principal,
        progress=progress,
        requeue=True,
    )
    status = SubmissionStatus(done.status)
    if status not in FINAL_STATUSES:
        raise RuntimeError(f"submission {submission_id} ended as {status.value}")
    return {"submission_id": submission_id, "status": status.value, "accepted": done.accepted}


register(service.JOB_KIND, process_submission_job)
