"""The receipt of a submission: what the gateway received and did, signed by it.

The payload is plain data an institution can keep and check offline with
``dargah receipt verify`` against the gateway's published keys.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from dargah.audit import receipts, signing
from dargah.config import Settings
from dargah.members.models import Member
from dargah.submissions.models import Submission

RECEIPT_TYPE = "dargah.submission-receipt/1"


def payload_of(session: Session, submission: Submission, *, settings: Settings) -> dict[str, Any]:
    """The receipt's content (integers and strings only, so its canonical form is exact)."""
    institution = session.get(Member, submission.institution_id)
    if institution is None:
        raise RuntimeError("institution is missing")

    def when(value: Any) -> str | None:
        return receipts.timestamp(value) if value is not None else None

    def jalali(value: Any) -> str | None:
        # Beside each ISO time, the Jalali date and Tehran time a clerk reads.
        return receipts.jalali_timestamp(value) if value is not None else None

    return {
        "type": RECEIPT_TYPE,
        "gateway": settings.node_member,
        "submission_id": submission.id,
        "dataset": submission.dataset_slug,
        "version": submission.version,
        "institution": institution.identifier,
        "period": submission.period,
        "mode": submission.mode,
        "policy": submission.policy,
        "status": submission.status,
        "content_hash": f"sha256:{submission.content_hash}",
        "size_bytes": submission.size_bytes,
        "counts": {
            "received": submission.received,
            "accepted": submission.accepted,
            "rejected": submission.rejected,
            "inserted": submission.inserted,
            "updated": submission.updated,
            "unchanged": submission.unchanged,
            "closed": submission.closed,
            "errors": submission.errors,
            "warnings": submission.warnings,
        },
        "received_at": when(submission.received_at),
        "started_at": when(submission.started_at),
        "finished_at": when(submission.finished_at),
        "received_at_jalali": jalali(submission.received_at),
        "started_at_jalali": jalali(submission.started_at),
        "finished_at_jalali": jalali(submission.finished_at),
    }


def issue(session: Session, submission: Submission, *, settings: Settings) -> dict[str, Any]:
    """The signed receipt document of a finished submission."""
    key = signing.active_key(session, settings)
    return receipts.sign(payload_of(session, submission, settings=settings), key)
