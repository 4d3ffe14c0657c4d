"""The queue's service operations on both databases: enqueue, claim, lease, finish."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dargah.access.policy import Principal, Role, cli_principal
from dargah.audit.models import AuditEntry
from dargah.db.base import utcnow
from dargah.errors import Conflict, NotFound, PermissionDenied
from dargah.jobs import service
from dargah.jobs.models import Job, JobStatus
from support.factories import make_institution

SUBMITTER = Principal(kind="person", role=Role.INSTITUTION, name="uni.staff", person_id=7)
OPERATOR = cli_principal("ops")
LEASE = timedelta(seconds=30)


def _fresh(session: Session, job_id: str) -> Job:
    """The job as stored now (worker writes bypass the session's identity map)."""
    session.expire_all()
    job = session.get(Job, job_id)
    assert job is not None
    return job


def _enqueue(session: Session, kind: str = "test.echo", **kwargs: object) -> Job:
    return service.enqueue(
        session,
        kind=kind,
        payload={"n": 1},
        principal=SUBMITTER,
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_job_goes_from_queued_to_succeeded(session: Session) -> None:
    job = _enqueue(session)
    assert (job.status, job.attempts, job.max_attempts) == ("queued", 0, 3)
    assert job.created_by == "person:7"

    claimed = service.claim(session, worker_id="w1", lease=LEASE)
    assert claimed is not None
    assert claimed.id == job.id
    assert (claimed.status, claimed.attempts, claimed.lease_owner) == ("running", 1, "w1")
    assert claimed.lease_expires_at is not None
    assert claimed.lease_expires_at > utcnow()

    service.complete(session, job.id, worker_id="w1", result={"rows": 10}, done=10, total=10)

    stored = _fresh(session, job.id)
    assert stored.status == JobStatus.SUCCEEDED.value
    assert stored.result == {"rows": 10}
    assert stored.progress_percent == 100.0
    assert stored.lease_owner is None
    assert stored.finished_at is not None
    assert service.claim(session, worker_id="w1") is None


def test_enqueueing_the_same_work_twice_returns_the_first_job(session: Session) -> None:
    first = _enqueue(session, dedupe_key="submission:42")
    again = _enqueue(session, dedupe_key="submission:42")
    other = _enqueue(session, dedupe_key="submission:43")

    assert again.id == first.id
    assert other.id != first.id
    count = session.scalars(select(Job).where(Job.dedupe_key.like("submission:4%"))).all()
    assert len(count) == 2


def test_claim_takes_priority_then_age_and_skips_jobs_not_yet_due(session: Session) -> None:
    later = _enqueue(session, run_after=utcnow() + timedelta(hours=1))
    old = _enqueue(session)
    urgent = _enqueue(session, priority=5)

    order = [service.claim(session, worker_id=f"w{i}") for i in range(3)]

    assert [job.id if job else None for job in order] == [urgent.id, old.id, None]
    due_later = service.claim(session, worker_id="w9", now=utcnow() + timedelta(hours=2))
    assert due_later is not None
    assert due_later.id == later.id


def test_claim_only_takes_the_kinds_asked_for(session: Session) -> None:
    _enqueue(session, kind="outbox.deliver")
    wanted = _enqueue(session, kind="submission.process")

    claimed = service.claim(session, worker_id="w1", kinds=["submission.process"])

    assert claimed is not None
    assert claimed.id == wanted.id
    assert service.claim(session, worker_id="w1", kinds=["submission.process"]) is None
    assert service.claim(session, worker_id="w1", kinds=[]) is None


def test_heartbeat_records_progress_and_extends_the_lease(session: Session) -> None:
    job = _enqueue(session)
    service.claim(session, worker_id="w1", lease=timedelta(seconds=5))
    later = utcnow() + timedelta(seconds=4)

    cancel = service.heartbeat(
        session,
        job.id,
        worker_id="w1",
        done=250,
        total=1000,
        rows_per_s=1234.56,
        message_fa="در حال بارگذاری",
        message_en="Loading",
        lease=timedelta(seconds=5),
        now=later,
    )

    stored = _fresh(session, job.id)
    assert cancel is False
    assert (stored.progress_done, stored.progress_total) == (250, 1000)
    assert (stored.progress_percent, stored.rows_per_s) == (25.0, 1234.6)
    assert (stored.message_fa, stored.message_en) == ("در حال بارگذاری", "Loading")
    assert stored.lease_expires_at == later + timedelta(seconds=5)


def test_an_expired_lease_is_retried_then_failed_as_worker_lost(session: Session) -> None:
    job = _enqueue(session, max_attempts=2)
    start = utcnow()
    service.claim(session, worker_id="dead-1", lease=LEASE, now=start)

    # Nothing happens while the lease is valid.
    assert service.reclaim_expired(session, start + timedelta(seconds=10)) == []

    after_first = start + LEASE + timedelta(seconds=1)
    reclaimed = service.reclaim_expired(session, after_first)
    assert [item.id for item in reclaimed] == [job.id]
    stored = _fresh(session, job.id)
    assert (stored.status, stored.attempts, stored.error_code) == ("queued", 1, "worker_lost")
    assert stored.run_after > after_first  # backs off before the next attempt
    assert stored.lease_owner is None

    second_start = stored.run_after
    again = service.claim(session, worker_id="dead-2", lease=LEASE, now=second_start)
    assert again is not None
    assert again.attempts == 2
    service.reclaim_expired(session, second_start + LEASE + timedelta(seconds=1))

    final = _fresh(session, job.id)
    assert (final.status, final.attempts, final.error_code) == ("failed", 2, "worker_lost")
    assert final.error_message_en
    assert final.error_message_fa
    assert final.finished_at is not None


def test_reclaim_leaves_the_callers_own_live_leases_alone(session: Session) -> None:
    job = _enqueue(session)
    start = utcnow()
    service.claim(session, worker_id="me", lease=LEASE, now=start)

    late = start + LEASE * 2
    assert service.reclaim_expired(session, late, exclude_owners=["me"]) == []
    assert [item.id for item in service.reclaim_expired(session, late)] == [job.id]


def test_a_worker_that_lost_its_lease_cannot_write_any_more(session: Session) -> None:
    job = _enqueue(session)
    start = utcnow()
    service.claim(session, worker_id="zombie", lease=LEASE, now=start)
    service.reclaim_expired(session, start + LEASE * 2)
    service.claim(session, worker_id="successor", now=start + LEASE * 4)

    with pytest.raises(service.LeaseLost):
        service.heartbeat(session, job.id, worker_id="zombie", done=1, total=2)
    with pytest.raises(service.LeaseLost):
        service.complete(session, job.id, worker_id="zombie", result={"late": True})
    with pytest.raises(service.LeaseLost):
        service.fail(
            session,
            job.id,
            worker_id="zombie",
            code="x",
            message_fa="x",
            message_en="x",
            retry=False,
        )

    stored = _fresh(session, job.id)
    assert (stored.status, stored.lease_owner, stored.result) == ("running", "successor", None)


def test_fail_retries_while_attempts_remain_then_fails_for_good(session: Session) -> None:
    job = _enqueue(session, max_attempts=2)
    now = utcnow()
    service.claim(session, worker_id="w", now=now)
    first = service.fail(
        session,
        job.id,
        worker_id="w",
        code="peer_down",
        message_fa="سامانه مقصد پاسخ نداد.",
        message_en="The peer did not answer.",
        retry=True,
        delay=timedelta(seconds=7),
        now=now,
    )
    stored = _fresh(session, job.id)
    assert first is JobStatus.QUEUED
    assert stored.run_after == now + timedelta(seconds=7)
    assert stored.error_code == "peer_down"

    service.claim(session, worker_id="w", now=now + timedelta(seconds=8))
    second = service.fail(
        session,
        job.id,
        worker_id="w",
        code="peer_down",
        message_fa="سامانه مقصد پاسخ نداد.",
        message_en="The peer did not answer.",
        retry=True,
    )
    assert second is JobStatus.FAILED
    assert _fresh(session, job.id).status == "failed"


def test_release_gives_the_attempt_back(session: Session) -> None:
    job = _enqueue(session)
    service.claim(session, worker_id="w")
    service.release(session, job.id, worker_id="w")

    stored = _fresh(session, job.id)
    assert (stored.status, stored.attempts, stored.lease_owner) == ("queued", 0, None)


def test_operators_cancel_queued_jobs_and_retry_failed_ones(session: Session) -> None:
    queued = _enqueue(session)
    cancelled = service.cancel_job(session, principal=OPERATOR, job_id=queued.id)
    assert cancelled.status == "cancelled"
    with pytest.raises(Conflict) as caught:
        service.cancel_job(session, principal=OPERATOR, job_id=queued.id)
    assert caught.value.code == "job_state"

    retried = service.retry_job(session, principal=OPERATOR, job_id=queued.id)
    assert (retried.status, retried.attempts, retried.cancel_requested_at) == ("queued", 0, None)
    with pytest.raises(Conflict):
        service.retry_job(session, principal=OPERATOR, job_id=queued.id)

    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_id == queued.id).order_by(AuditEntry.seq)
    ).all()
    assert actions == ["job.cancelled", "job.retried"]


def test_cancelling_a_running_job_asks_its_worker_to_stop(session: Session) -> None:
    job = _enqueue(session)
    service.claim(session, worker_id="w")
    assert service.heartbeat(session, job.id, worker_id="w", done=1, total=None) is False

    service.cancel_job(session, principal=OPERATOR, job_id=job.id)

    assert _fresh(session, job.id).status == "running"
    assert service.heartbeat(session, job.id, worker_id="w", done=2, total=None) is True
    service.mark_cancelled(session, job.id, worker_id="w")
    assert _fresh(session, job.id).status == "cancelled"


def test_a_dead_worker_with_a_cancel_request_ends_cancelled_not_retried(session: Session) -> None:
    job = _enqueue(session)
    start = utcnow()
    service.claim(session, worker_id="w", now=start, lease=LEASE)
    service.cancel_job(session, principal=OPERATOR, job_id=job.id)

    service.reclaim_expired(session, utcnow() + LEASE * 2)

    assert _fresh(session, job.id).status == "cancelled"


def test_only_operators_steer_jobs(session: Session) -> None:
    job = _enqueue(session)
    with pytest.raises(PermissionDenied):
        service.cancel_job(session, principal=SUBMITTER, job_id=job.id)


def test_people_see_their_own_and_their_institutions_jobs_only(session: Session) -> None:
    mine = make_institution(session)
    theirs = make_institution(session)
    colleague = Principal(
        kind="system",
        role=Role.INSTITUTION,
        name="golestan",
        system_identifier=f"{mine.identifier}/golestan",
        institution_id=mine.id,
    )
    stranger = Principal(
        kind="person", role=Role.INSTITUTION, name="other", person_id=99, institution_id=theirs.id
    )
    hq = Principal(kind="person", role=Role.HQ, name="hq.person", person_id=55)
    job = _enqueue(session, institution_id=mine.id)

    assert service.get_job(session, principal=SUBMITTER, job_id=job.id).id == job.id
    assert service.get_job(session, principal=colleague, job_id=job.id).id == job.id
    assert service.get_job(session, principal=OPERATOR, job_id=job.id).id == job.id
    for outsider in (stranger, hq):
        with pytest.raises(NotFound) as caught:
            service.get_job(session, principal=outsider, job_id=job.id)
        assert caught.value.code == "job_not_found"
        page = service.list_jobs(session, principal=outsider, filters=service.JobFilter())
        assert job.id not in [item.id for item in page.items]


def test_listing_filters_and_pages(session: Session) -> None:
    institution = make_institution(session)
    ids = [_enqueue(session, kind="test.page", institution_id=institution.id).id for _ in range(5)]
    service.claim(session, worker_id="w", kinds=["test.page"])

    filters = service.JobFilter(kind="test.page", institution=institution.identifier)
    first = service.list_jobs(session, principal=OPERATOR, filters=filters, limit=3)
    second = service.list_jobs(
        session, principal=OPERATOR, filters=filters, limit=3, cursor=first.next_cursor
    )
    seen = [job.id for job in [*first.items, *second.items]]

    assert sorted(seen) == sorted(ids)
    assert len(set(seen)) == 5
    assert second.next_cursor is None
    running = service.list_jobs(
        session,
        principal=OPERATOR,
        filters=service.JobFilter(kind="test.page", statuses=(JobStatus.RUNNING,)),
    )
    assert len(running.items) == 1
