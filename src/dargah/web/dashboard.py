"""What each role's home page shows, and the pending decisions counted in the navigation.

Read-only aggregates, one small query each (counts and the last few rows), scoped the
way the services scope them: an institution sees its own submissions, HQ staff the
grants their unit holds and the decisions their unit owns, operators and
administrators the whole node. Nothing here writes, so nothing here is audited — except
the auditor's view of the latest audit entries, which goes through
``audit.service.search_entries`` and is recorded like every read of the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from dargah.access import grants
from dargah.access.models import Grant, GrantRequest, GrantRequestStatus
from dargah.access.policy import Permission, Principal, Role
from dargah.audit import service as audit
from dargah.audit.events import AuditAction
from dargah.audit.models import AuditEntry
from dargah.catalogue.models import Dataset, DatasetStatus, DatasetVersion, VersionStatus
from dargah.db.base import utcnow
from dargah.identity.models import ApiKey, Person
from dargah.members.models import Member, MemberKind, MemberStatus, System
from dargah.submissions.models import Submission, SubmissionStatus

RECENT: Final = 8
# Submissions an operator follows up: refused in whole or in part, or not finished.
_TROUBLE: Final = (
    SubmissionStatus.REJECTED.value,
    SubmissionStatus.PARTIALLY_ACCEPTED.value,
    SubmissionStatus.FAILED.value,
)
_LOADED: Final = (SubmissionStatus.ACCEPTED.value, SubmissionStatus.PARTIALLY_ACCEPTED.value)
TROUBLE_WINDOW: Final = timedelta(days=30)
EXPIRY_WARNING: Final = timedelta(days=30)


# -- pending decisions (the navigation's badges) ----------------------------------------


def _owned(principal: Principal) -> Any:
    """The condition "the data set is the caller's to decide on" (admin: every one)."""
    if principal.role is Role.ADMIN:
        return True
    return Dataset.owner_id == principal.hq_unit_id


def pending_decisions(session: Session, principal: Principal) -> dict[str, int]:
    """Decisions waiting for this person, by navigation item (``grants``, ``catalogue``).

    HQ staff decide requests for, and versions of, the data sets their unit owns;
    administrators decide all of them. Operators prepare catalogue drafts, so their
    catalogue badge counts drafts not yet sent for approval. Zero counts are left out.
    """
    counts: dict[str, int] = {}
    if principal.role in (Role.HQ, Role.ADMIN) and (
        principal.role is Role.ADMIN or principal.hq_unit_id is not None
    ):
        counts["grants"] = int(
            session.scalar(
                select(func.count())
                .select_from(GrantRequest)
                .join(Dataset, Dataset.slug == GrantRequest.dataset_slug)
                .where(GrantRequest.status == GrantRequestStatus.PENDING.value, _owned(principal))
            )
            or 0
        )
        counts["catalogue"] = _versions(session, VersionStatus.PENDING_APPROVAL, principal)
    elif principal.role is Role.OPERATOR:
        counts["catalogue"] = _versions(session, VersionStatus.DRAFT, None)
    return {key: value for key, value in counts.items() if value}


def _versions(session: Session, status: VersionStatus, principal: Principal | None) -> int:
    query = (
        select(func.count())
        .select_from(DatasetVersion)
        .join(Dataset, Dataset.id == DatasetVersion.dataset_id)
        .where(DatasetVersion.status == status.value)
    )
    if principal is not None:
        query = query.where(_owned(principal))
    return int(session.scalar(query) or 0)


# -- institution ------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetProgress:
    """One data set an institution sends: the last period loaded and the last attempt."""

    dataset: Dataset
    last_period: str | None
    last_submission: Submission | None


@dataclass(frozen=True)
class InstitutionHome:
    """An institution's data sets and its latest submissions."""

    datasets: list[DatasetProgress]
    submissions: Sequence[Submission]


def institution_home(session: Session, principal: Principal) -> InstitutionHome:
    """The data sets the institution must send (or has sent) and its last submissions."""
    institution = session.get(Member, principal.institution_id)
    kind = institution.institution_type if institution is not None else None
    mine = Submission.institution_id == principal.institution_id
    last_period = dict(
        session.execute(
            select(Submission.dataset_slug, func.max(Submission.period))
            .where(mine, Submission.status.in_(_LOADED), Submission.validate_only.is_(False))
            .group_by(Submission.dataset_slug)
        ).all()
    )
    latest_ids = select(func.max(Submission.id)).where(mine).group_by(Submission.dataset_slug)
    latest = {
        item.dataset_slug: item
        for item in session.scalars(select(Submission).where(Submission.id.in_(latest_ids)))
    }
    datasets = session.scalars(
        select(Dataset)
        .where(Dataset.status.in_((DatasetStatus.ACTIVE.value, DatasetStatus.DEPRECATED.value)))
        .order_by(Dataset.domain, Dataset.slug)
    ).all()
    progress = [
        DatasetProgress(dataset, last_period.get(dataset.slug), latest.get(dataset.slug))
        for dataset in datasets
        if (kind is not None and kind in (dataset.required_institution_types or []))
        or dataset.slug in latest
    ]
    recent = session.scalars(
        select(Submission).where(mine).order_by(Submission.id.desc()).limit(RECENT)
    ).all()
    return InstitutionHome(datasets=progress, submissions=recent)


# -- HQ staff ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RecentQuery:
    """A query this person ran, as the audit log recorded it."""

    at: datetime
    dataset: str
    purpose: str | None


@dataclass(frozen=True)
class HqHome:
    """A headquarters person's grants, the requests to decide or awaited, recent queries."""

    held: list[Grant]
    to_decide: list[GrantRequest]
    asked: list[GrantRequest]
    queries: list[RecentQuery]
    titles: dict[str, Dataset] = field(default_factory=dict)


def hq_home(session: Session, principal: Principal) -> HqHome:
    """Grants held by the unit, pending requests it decides or made, its last queries."""
    now = utcnow()
    hq_unit_id, member_id = grants.consumer_of(session, principal)
    titles = {item.slug: item for item in session.scalars(select(Dataset))}
    visible = grants.list_grants(session, principal=principal, active_only=True)
    held = [
        item
        for item in visible
        if (hq_unit_id is not None and item.consumer_hq_unit_id == hq_unit_id)
        or (member_id is not None and item.consumer_member_id == member_id)
    ]
    pending = grants.list_requests(
        session, principal=principal, status=GrantRequestStatus.PENDING.value
    )
    to_decide = [
        item
        for item in pending
        if item.dataset_slug in titles
        and (
            principal.role is Role.ADMIN
            or (hq_unit_id is not None and titles[item.dataset_slug].owner_id == hq_unit_id)
        )
    ]
    asked = [
        item
        for item in pending
        if item not in to_decide
        and (
            (hq_unit_id is not None and item.consumer_hq_unit_id == hq_unit_id)
            or (member_id is not None and item.consumer_member_id == member_id)
        )
    ]
    # One's own queries, read from the audit log without the auditor's permission: a
    # person may always see what they themselves did.
    entries = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.actor == principal.name,
            AuditEntry.action == AuditAction.DATASET_QUERIED.value,
            AuditEntry.at >= now - timedelta(days=90),
        )
        .order_by(AuditEntry.seq.desc())
        .limit(RECENT)
    ).all()
    queries = [
        RecentQuery(at=entry.at, dataset=entry.entity_id or "", purpose=entry.purpose)
        for entry in entries
    ]
    return HqHome(held=held, to_decide=to_decide, asked=asked, queries=queries, titles=titles)


# -- operators --------------------------------------------------------------------------


@dataclass(frozen=True)
class OperatorHome:
    """What waits for a gateway operator."""

    drafts: int
    awaiting_approval: int
    pending_requests: int
    trouble: Sequence[Submission]
    trouble_total: int
    keyless: Sequence[Member]
    keyless_total: int
    institutions: int


def _live_key() -> Any:
    now = utcnow()
    return and_(
        ApiKey.revoked_at.is_(None), or_(ApiKey.expires_at.is_(None), ApiKey.expires_at > now)
    )


def operator_home(session: Session) -> OperatorHome:
    """Catalogue work, requests to triage, submissions refused lately, keyless members."""
    since = utcnow() - TROUBLE_WINDOW
    trouble = and_(Submission.status.in_(_TROUBLE), Submission.created_at >= since)
    has_key = exists(
        select(ApiKey.id)
        .join(System, System.id == ApiKey.system_id)
        .where(System.member_id == Member.id, _live_key())
    )
    keyless = and_(
        Member.kind == MemberKind.INSTITUTION.value,
        Member.status == MemberStatus.ACTIVE.value,
        ~has_key,
    )
    return OperatorHome(
        drafts=_versions(session, VersionStatus.DRAFT, None),
        awaiting_approval=_versions(session, VersionStatus.PENDING_APPROVAL, None),
        pending_requests=int(
            session.scalar(
                select(func.count())
                .select_from(GrantRequest)
                .where(GrantRequest.status == GrantRequestStatus.PENDING.value)
            )
            or 0
        ),
        trouble=session.scalars(
            select(Submission).where(trouble).order_by(Submission.id.desc()).limit(RECENT)
        ).all(),
        trouble_total=_count(session, select(func.count()).select_from(Submission).where(trouble)),
        keyless=session.scalars(
            select(Member).where(keyless).order_by(Member.code).limit(RECENT)
        ).all(),
        keyless_total=_count(session, select(func.count()).select_from(Member).where(keyless)),
        institutions=_count(
            session,
            select(func.count())
            .select_from(Member)
            .where(
                Member.kind == MemberKind.INSTITUTION.value,
                Member.status == MemberStatus.ACTIVE.value,
            ),
        ),
    )


def _count(session: Session, query: Any) -> int:
    return int(session.scalar(query) or 0)


# -- administrators ---------------------------------------------------------------------


@dataclass(frozen=True)
class AdminHome:
    """People by role and activity, keys by state."""

    people_by_role: Sequence[tuple[Role, int, int]]  # role, active, inactive
    keys_live: int
    keys_expiring: int
    keys_revoked: int
    keys_expired: int


def admin_home(session: Session) -> AdminHome:
    """The people and API keys summary."""
    now = utcnow()
    by_role: dict[tuple[str, bool], int] = {
        (str(role), bool(active)): count
        for role, active, count in session.execute(
            select(Person.role, Person.is_active, func.count()).group_by(
                Person.role, Person.is_active
            )
        )
    }
    people = [
        (role, by_role.get((role.value, True), 0), by_role.get((role.value, False), 0))
        for role in Role
        if role is not Role.ANONYMOUS
    ]
    live = _live_key()
    expiring = and_(live, ApiKey.expires_at.is_not(None), ApiKey.expires_at <= now + EXPIRY_WARNING)
    expired = and_(ApiKey.revoked_at.is_(None), ApiKey.expires_at <= now)
    keys = select(func.count()).select_from(ApiKey)
    return AdminHome(
        people_by_role=people,
        keys_live=_count(session, keys.where(live)),
        keys_expiring=_count(session, keys.where(expiring)),
        keys_revoked=_count(session, keys.where(ApiKey.revoked_at.is_not(None))),
        keys_expired=_count(session, keys.where(expired)),
    )


# -- auditors ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LastVerification:
    """The latest recorded verification of the audit chain."""

    at: datetime
    ok: bool
    entries_checked: int
    head_seq: int
    entries_since: int
    problem_seq: int | None


def last_verification(session: Session) -> LastVerification | None:
    """The newest ``audit.verified`` entry, read back, with how many entries came after."""
    entry = session.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == AuditAction.AUDIT_VERIFIED.value)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    )
    if entry is None:
        return None
    details = entry.details or {}
    problem = details.get("problem") or {}
    newest = _count(session, select(func.max(AuditEntry.seq)))
    return LastVerification(
        at=entry.at,
        ok=bool(details.get("ok")),
        entries_checked=int(details.get("entries_checked") or 0),
        head_seq=int(details.get("head_seq") or 0),
        entries_since=max(newest - entry.seq, 0),
        problem_seq=int(problem["seq"]) if problem.get("seq") is not None else None,
    )


@dataclass(frozen=True)
class AuditorHome:
    """The latest audit entries and the chain's last verification."""

    entries: Sequence[AuditEntry]
    verification: LastVerification | None


def auditor_home(session: Session, principal: Principal) -> AuditorHome:
    """The newest entries (the read is itself recorded) and the last verification."""
    verification = last_verification(session)
    page = audit.search_entries(
        session, principal=principal, limit=RECENT, purpose="پیشخوان حسابرس"
    )
    return AuditorHome(entries=page.items, verification=verification)


def sees_home_of(principal: Principal) -> str:
    """Which home a role lands on."""
    if principal.role is Role.AUDITOR:
        return "auditor"
    if principal.role is Role.ADMIN:
        return "admin"
    if principal.role is Role.OPERATOR:
        return "operator"
    if principal.role is Role.INSTITUTION:
        return "institution"
    if principal.can(Permission.GRANTS_READ):
        return "hq"  # HQ staff and agencies: grants and queries
    return "members"
