"""The job queue: enqueue, claim with a lease, heartbeat, finish, reclaim, and look.

The queue is the ``jobs`` table, so enqueueing commits with the caller's own writes
(a submission and the job that processes it appear together or not at all) and no
broker is needed.

**Claiming.** ``claim`` picks the most urgent due job with ``SELECT … FOR UPDATE SKIP
LOCKED`` on PostgreSQL, so any number of workers on any number of hosts never take the
same job; on SQLite every write transaction starts with ``BEGIN IMMEDIATE`` (see
``db.engine``), so claims are serialised and the same code is just as safe.

**Leases.** A claimed job carries ``lease_owner`` and ``lease_expires_at``. Every later
write by the worker (``heartbeat``, ``complete``, ``fail``, ``release``) is a
conditional ``UPDATE … WHERE lease_owner = :me AND status = 'running'``; when it matches
nothing the worker has lost the job and gets ``LeaseLost``, so a worker that was paused
or cut off cannot overwrite the outcome of the worker that took over.

**Handlers' contract.** A handler's own data writes must be atomic (one transaction)
or idempotent (safe to run again): a worker can die after its writes commit and before
``complete`` does, and the job is then run again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from dargah.access.policy import Permission, Principal, Role, authorize
from dargah.audit import service as audit
from dargah.audit.events import AuditAction
from dargah.db.base import utcnow
from dargah.db.session import atomic
from dargah.errors import Conflict, InvalidInput, not_found
from dargah.jobs.models import FINAL_STATUSES, Job, JobStatus
from dargah.members import service as members

DEFAULT_LEASE = timedelta(seconds=60)
DEFAULT_MAX_ATTEMPTS = 3
RETRY_BASE_DELAY = timedelta(seconds=5)
RETRY_MAX_DELAY = timedelta(minutes=10)
RECLAIM_BATCH = 100
MESSAGE_MAX = 500
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Failure:
    """Why a job failed, as stored on it: a stable code and two languages."""

    code: str
    message_fa: str
    message_en: str


# The reason recorded when a lease runs out: the worker stopped without a word.
WORKER_LOST = Failure(
    code="worker_lost",
    message_fa="پردازه‌ای که کار را اجرا می‌کرد متوقف شد یا پاسخ نداد.",
    message_en="The worker running the job stopped or stopped answering.",
)


class LeaseLost(Exception):
    """The worker no longer holds the job: its lease expired and the job moved on.

    The worker must stop working on the job; whatever it would still write is the
    business of the worker that holds the job now.
    """

    def __init__(self, job_id: str, worker_id: str) -> None:
        super().__init__(f"job {job_id} is no longer leased to {worker_id}")
        self.job_id = job_id
        self.worker_id = worker_id


def owner_key(principal: Principal) -> str:
    """The stable identity a job remembers its creator by (names can change)."""
    if principal.kind == "person" and principal.person_id is not None:
        return f"person:{principal.person_id}"
    if principal.kind == "system" and principal.system_identifier is not None:
        return f"system:{principal.system_identifier}"
    return f"{principal.kind}:{principal.name}"


def retry_delay(attempts: int) -> timedelta:
    """How long a job waits before its next attempt: 5 s, 10 s, 20 s … up to 10 min."""
    exponent = min(max(attempts - 1, 0), 16)
    delay: timedelta = RETRY_BASE_DELAY * (2**exponent)
    return min(delay, RETRY_MAX_DELAY)


# -- the producer side ------------------------------------------------------------------


def enqueue(
    session: Session,
    *,
    kind: str,
    payload: dict[str, Any],
    principal: Principal,
    institution_id: int | None = None,
    dedupe_key: str | None = None,
    priority: int = 0,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    run_after: datetime | None = None,
) -> Job:
    """Queue a job, inside the caller's transaction when one is open.

    With ``dedupe_key``, enqueueing the same work again returns the job already
    queued for it, whatever its status (``retry_job`` runs a failed one again).
    ``institution_id`` lets that institution's staff and systems follow the job.
    """
    if not kind or len(kind) > 60:
        raise ValueError("a job kind is 1 to 60 characters, e.g. 'submission.process'")
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    now = utcnow()
    with atomic(session):
        if dedupe_key is not None:
            existing = _by_dedupe_key(session, dedupe_key)
            if existing is not None:
                return existing
        job = Job(
            id=str(uuid.uuid4()),
            kind=kind,
            payload=payload,
            status=JobStatus.QUEUED.value,
            priority=priority,
            attempts=0,
            max_attempts=max_attempts,
            run_after=run_after or now,
            dedupe_key=dedupe_key,
            progress_done=0,
            created_by=owner_key(principal),
            created_by_name=principal.name[:200],
            institution_id=institution_id,
            created_at=now,
        )
        try:
            # A savepoint: a concurrent enqueue of the same key loses the race cleanly.
            with atomic(session):
                session.add(job)
                session.flush()
        except IntegrityError:
            if dedupe_key is None:
                raise
            existing = _by_dedupe_key(session, dedupe_key)
            if existing is None:
                raise
            return existing
    return job


def _by_dedupe_key(session: Session, dedupe_key: str) -> Job | None:
    return session.scalar(select(Job).where(Job.dedupe_key == dedupe_key))


# -- the worker side ----------------------------------------------------------------------


def claim(
    session: Session,
    *,
    worker_id: str,
    kinds: Iterable[str] | None = None,
    lease: timedelta = DEFAULT_LEASE,
    now: datetime | None = None,
) -> Job | None:
    """Take the most urgent due job of ``kinds`` (any kind if None) and lease it.

    Higher ``priority`` first, then the longest waiting. Returns None when nothing is
    due. The attempt is counted here, so a worker that dies mid-job has used it.
    """
    now = now or utcnow()
    query = (
        select(Job)
        .where(Job.status == JobStatus.QUEUED.value, Job.run_after <= now)
        .order_by(Job.priority.desc(), Job.run_after, Job.created_at)
        .limit(1)
        # PostgreSQL skips rows another worker is claiming; SQLite ignores the clause
        # and serialises claims through BEGIN IMMEDIATE instead.
        .with_for_update(skip_locked=True)
    )
    if kinds is not None:
        wanted = sorted(set(kinds))
        if not wanted:
            return None
        query = query.where(Job.kind.in_(wanted))
    with atomic(session):
        job = session.scalars(query).first()
        if job is None:
            return None
        job.status = JobStatus.RUNNING.value
        job.attempts += 1
        job.lease_owner = worker_id
        job.lease_expires_at = now + lease
        job.heartbeat_at = now
        job.started_at = now
        job.finished_at = None
        job.rows_per_s = None
        session.flush()
    return job


def _leased(job_id: str, worker_id: str) -> ColumnElement[bool]:
    return and_(
        Job.id == job_id,
        Job.status == JobStatus.RUNNING.value,
        Job.lease_owner == worker_id,
    )


def _update_leased(
    session: Session, job_id: str, worker_id: str, values: dict[str, Any]
) -> datetime | None:
    """Apply ``values`` if ``worker_id`` still holds the job; return the cancel request.

    Raises ``LeaseLost`` when the job is no longer this worker's.
    """
    with atomic(session):
        row = session.execute(
            update(Job)
            .where(_leased(job_id, worker_id))
            .values(**values)
            .returning(Job.id, Job.cancel_requested_at)
        ).one_or_none()
    if row is None:
        raise LeaseLost(job_id, worker_id)
    cancel_requested_at: datetime | None = row[1]
    return cancel_requested_at


def percent_of(done: int, total: int | None) -> float | None:
    """Progress as a percentage with one decimal, or None when the total is unknown."""
    if not total or total <= 0:
        return None
    return round(min(max(done / total, 0.0), 1.0) * 100, 1)


def heartbeat(
    session: Session,
    job_id: str,
    *,
    worker_id: str,
    done: int,
    total: int | None,
    rows_per_s: float | None = None,
    message_fa: str | None = None,
    message_en: str | None = None,
    lease: timedelta = DEFAULT_LEASE,
    now: datetime | None = None,
) -> bool:
    """Record progress and extend the lease; True when someone asked to cancel.

    Raises ``LeaseLost`` when the lease was lost, so a zombie worker stops.
    """
    now = now or utcnow()
    values: dict[str, Any] = {
        "progress_done": max(done, 0),
        "progress_total": total,
        "progress_percent": percent_of(done, total),
        "rows_per_s": None if rows_per_s is None else round(rows_per_s, 1),
        "heartbeat_at": now,
        "lease_expires_at": now + lease,
    }
    if message_fa is not None:
        values["message_fa"] = message_fa[:MESSAGE_MAX]
    if message_en is not None:
        values["message_en"] = message_en[:MESSAGE_MAX]
    return _update_leased(session, job_id, worker_id, values) is not None


def complete(
    session: Session,
    job_id: str,
    *,
    worker_id: str,
    result: dict[str, Any] | None = None,
    done: int | None = None,
    total: int | None = None,
    rows_per_s: float | None = None,
    message_fa: str | None = None,
    message_en: str | None = None,
    now: datetime | None = None,
) -> None:
    """Mark the job succeeded with its ``result`` and final progress.

    Raises ``LeaseLost`` if the worker no longer holds the job.
    """
    now = now or utcnow()
    values: dict[str, Any] = {
        "status": JobStatus.SUCCEEDED.value,
        "result": result,
        "finished_at": now,
        "heartbeat_at": now,
        "lease_owner": None,
        "lease_expires_at": None,
        "error_code": None,
        "error_message_fa": None,
        "error_message_en": None,
        "error_detail": None,
    }
    if done is not None:
        values |= {
            "progress_done": max(done, 0),
            "progress_total": total,
            "progress_percent": percent_of(done, total),
            "rows_per_s": None if rows_per_s is None else round(rows_per_s, 1),
        }
    if message_fa is not None:
        values["message_fa"] = message_fa[:MESSAGE_MAX]
    if message_en is not None:
        values["message_en"] = message_en[:MESSAGE_MAX]
    _update_leased(session, job_id, worker_id, values)


def fail(
    session: Session,
    job_id: str,
    *,
    worker_id: str,
    code: str,
    message_fa: str,
    message_en: str,
    retry: bool,
    detail: str | None = None,
    delay: timedelta | None = None,
    now: datetime | None = None,
) -> JobStatus:
    """Record a failure; queue another attempt if ``retry`` and attempts remain.

    Returns the job's new status (``queued`` when it will be retried, else ``failed``).
    Raises ``LeaseLost`` if the worker no longer holds the job.
    """
    now = now or utcnow()
    with atomic(session):
        job = session.scalar(select(Job).where(_leased(job_id, worker_id)))
        if job is None:
            raise LeaseLost(job_id, worker_id)
        again = retry and job.attempts < job.max_attempts
        values: dict[str, Any] = {
            "error_code": code[:60],
            "error_message_fa": message_fa,
            "error_message_en": message_en,
            "error_detail": detail,
            "lease_owner": None,
            "lease_expires_at": None,
            "heartbeat_at": now,
        }
        if again:
            values |= {
                "status": JobStatus.QUEUED.value,
                "run_after": now + (delay if delay is not None else retry_delay(job.attempts)),
            }
        else:
            values |= {"status": JobStatus.FAILED.value, "finished_at": now}
        _update_leased(session, job_id, worker_id, values)
    return JobStatus.QUEUED if again else JobStatus.FAILED


def release(session: Session, job_id: str, *, worker_id: str, now: datetime | None = None) -> None:
    """Give a job back untouched (the worker is shutting down); the attempt is returned."""
    now = now or utcnow()
    _update_leased(
        session,
        job_id,
        worker_id,
        {
            "status": JobStatus.QUEUED.value,
            "attempts": Job.attempts - 1,
            "run_after": now,
            "lease_owner": None,
            "lease_expires_at": None,
            "heartbeat_at": now,
        },
    )


def mark_cancelled(
    session: Session, job_id: str, *, worker_id: str, now: datetime | None = None
) -> None:
    """Record that the handler stopped because a cancel was asked for."""
    now = now or utcnow()
    _update_leased(
        session,
        job_id,
        worker_id,
        {
            "status": JobStatus.CANCELLED.value,
            "finished_at": now,
            "heartbeat_at": now,
            "lease_owner": None,
            "lease_expires_at": None,
        },
    )


def reclaim_expired(
    session: Session,
    now: datetime | None = None,
    *,
    exclude_owners: Iterable[str] = (),
    limit: int = RECLAIM_BATCH,
) -> list[Job]:
    """Take back running jobs whose lease ran out: their worker died or hung.

    Each is queued again (with the retry delay) while attempts remain, else failed
    with ``worker_lost``; a job someone asked to cancel is cancelled. Leases of
    ``exclude_owners`` (the caller's own live workers) are left alone. Returns the
    jobs changed, with their new status.
    """
    now = now or utcnow()
    query = (
        select(Job)
        .where(Job.status == JobStatus.RUNNING.value, Job.lease_expires_at < now)
        .order_by(Job.lease_expires_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    excluded = sorted(set(exclude_owners))
    if excluded:
        query = query.where(Job.lease_owner.not_in(excluded))
    with atomic(session):
        jobs = list(session.scalars(query))
        for job in jobs:
            job.lease_owner = None
            job.lease_expires_at = None
            if job.cancel_requested_at is not None:
                job.status = JobStatus.CANCELLED.value
                job.finished_at = now
                continue
            job.error_code = WORKER_LOST.code
            job.error_message_fa = WORKER_LOST.message_fa
            job.error_message_en = WORKER_LOST.message_en
            job.error_detail = f"lease expired; attempt {job.attempts} of {job.max_attempts}"
            if job.attempts < job.max_attempts:
                job.status = JobStatus.QUEUED.value
                job.run_after = now + retry_delay(job.attempts)
            else:
                job.status = JobStatus.FAILED.value
                job.finished_at = now
        session.flush()
    return jobs


# -- people looking at jobs -------------------------------------------------------------


def manages_jobs(principal: Principal) -> bool:
    """Operators and administrators see and steer every job."""
    return principal.role in (Role.ADMIN, Role.OPERATOR)


def can_see(principal: Principal, job: Job) -> bool:
    """Whether ``principal`` may follow ``job``.

    Its creator may; an institution's staff and systems may follow every job of their
    institution; operators and administrators may follow all jobs.
    """
    if manages_jobs(principal) or job.created_by == owner_key(principal):
        return True
    return (
        principal.role is Role.INSTITUTION
        and principal.institution_id is not None
        and job.institution_id == principal.institution_id
    )


def _visible_to(principal: Principal) -> ColumnElement[bool] | None:
    if manages_jobs(principal):
        return None
    mine = Job.created_by == owner_key(principal)
    if principal.role is Role.INSTITUTION and principal.institution_id is not None:
        return or_(mine, Job.institution_id == principal.institution_id)
    return mine


def get_job(session: Session, *, principal: Principal, job_id: str) -> Job:
    """One job the caller may see; a job they may not see is reported as missing."""
    job = session.get(Job, job_id)
    if job is None or not can_see(principal, job):
        raise not_found("کار", "Job", job_id)
    return job


@dataclass(frozen=True)
class JobFilter:
    """Filters of a job listing, combined with AND."""

    statuses: tuple[JobStatus, ...] = ()
    kind: str | None = None
    institution: str | None = None  # a member identifier, e.g. IR/UNI/1001
    created_by: str | None = None  # an owner key, e.g. person:12


@dataclass(frozen=True)
class JobPage:
    """Jobs newest first; pass ``next_cursor`` back for the next page."""

    items: Sequence[Job]
    next_cursor: str | None


def parse_statuses(values: Iterable[str]) -> tuple[JobStatus, ...]:
    """Statuses named by ``values`` (repeated or comma-separated), unknown ones refused."""
    wanted = [part.strip() for value in values for part in value.split(",") if part.strip()]
    known = {status.value: status for status in JobStatus}
    unknown = sorted({value for value in wanted if value not in known})
    if unknown:
        raise InvalidInput(
            f"وضعیت کار ناشناخته است: {', '.join(unknown)}.",
            f"Unknown job status: {', '.join(unknown)}.",
            code="job_status_unknown",
            details={"unknown": unknown, "known": sorted(known)},
        )
    return tuple(dict.fromkeys(known[value] for value in wanted))


def list_jobs(
    session: Session,
    *,
    principal: Principal,
    filters: JobFilter,
    limit: int = DEFAULT_PAGE_SIZE,
    cursor: str | None = None,
) -> JobPage:
    """The jobs the caller may see that match ``filters``, newest first."""
    limit = min(max(limit, 1), MAX_PAGE_SIZE)
    query: Select[Job] = select(Job).options(selectinload(Job.institution))
    scope = _visible_to(principal)
    if scope is not None:
        query = query.where(scope)
    if filters.statuses:
        query = query.where(Job.status.in_([status.value for status in filters.statuses]))
    if filters.kind:
        query = query.where(Job.kind == filters.kind)
    if filters.institution:
        member = members.get_member(session, filters.institution)
        query = query.where(Job.institution_id == member.id)
    if filters.created_by:
        query = query.where(Job.created_by == filters.created_by)
    if cursor is not None:
        after = session.get(Job, cursor)
        if after is None:
            raise InvalidInput(
                "نشانگر صفحه معتبر نیست.", "The page cursor is not valid.", code="job_cursor"
            )
        query = query.where(
            or_(
                Job.created_at < after.created_at,
                and_(Job.created_at == after.created_at, Job.id < after.id),
            )
        )
    rows = list(
        session.scalars(query.order_by(Job.created_at.desc(), Job.id.desc()).limit(limit + 1))
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    return JobPage(items=rows, next_cursor=rows[-1].id if has_more else None)


# -- operators steering jobs ------------------------------------------------------------


def cancel_job(session: Session, *, principal: Principal, job_id: str) -> Job:
    """Cancel a job: at once if still queued, at the handler's next check if running."""
    authorize(principal, Permission.JOBS_MANAGE)
    now = utcnow()
    with atomic(session):
        job = get_job(session, principal=principal, job_id=job_id)
        if job.is_final:
            raise _state_conflict(job, "لغو", "cancel")
        previous = job.status
        if job.status == JobStatus.QUEUED.value:
            job.status = JobStatus.CANCELLED.value
            job.finished_at = now
        job.cancel_requested_at = now
        audit.record(
            session,
            principal=principal,
            action=AuditAction.JOB_CANCELLED,
            entity_type="job",
            entity_id=job.id,
            details={"kind": job.kind, "status_before": previous},
        )
        session.flush()
    return job


def retry_job(session: Session, *, principal: Principal, job_id: str) -> Job:
    """Queue a failed or cancelled job again with a fresh set of attempts."""
    authorize(principal, Permission.JOBS_MANAGE)
    now = utcnow()
    with atomic(session):
        job = get_job(session, principal=principal, job_id=job_id)
        if job.status not in (JobStatus.FAILED.value, JobStatus.CANCELLED.value):
            raise _state_conflict(job, "اجرای دوباره", "retry")
        previous = job.status
        job.status = JobStatus.QUEUED.value
        job.attempts = 0
        job.run_after = now
        job.finished_at = None
        job.cancel_requested_at = None
        job.result = None
        audit.record(
            session,
            principal=principal,
            action=AuditAction.JOB_RETRIED,
            entity_type="job",
            entity_id=job.id,
            details={"kind": job.kind, "status_before": previous},
        )
        session.flush()
    return job


def _state_conflict(job: Job, verb_fa: str, verb_en: str) -> Conflict:
    return Conflict(
        f"{verb_fa} این کار در وضعیت «{job.status}» ممکن نیست.",
        f"Cannot {verb_en} a job that is {job.status}.",
        code="job_state",
        details={"job_id": job.id, "status": job.status},
    )


__all__ = [
    "DEFAULT_LEASE",
    "FINAL_STATUSES",
    "JobFilter",
    "JobPage",
    "LeaseLost",
    "can_see",
    "cancel_job",
    "claim",
    "complete",
    "enqueue",
    "fail",
    "get_job",
    "heartbeat",
    "list_jobs",
    "mark_cancelled",
    "reclaim_expired",
    "release",
    "retry_job",
]
