"""Giving, asking for, revoking and resolving grants.

The data set's owner — staff of the HQ unit named as its owner, or an administrator —
gives and revokes grants and decides requests. Consumers are HQ units (their staff and
systems) and external agencies (their systems). Every change is audited in the same
transaction. ``resolve_access`` turns a caller's grant (or an institution's own data)
into the ``Access`` a query is checked and scoped by.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from dargah.access.models import Grant, GrantLevel, GrantRequest, GrantRequestStatus, GrantStatus
from dargah.access.policy import Permission, Principal, Role, authorize
from dargah.access.protection import Access, RowLimits
from dargah.access.schemas import GrantCreate, GrantRequestApprove, GrantRequestCreate, GrantTerms
from dargah.audit.events import AuditAction
from dargah.audit.service import record
from dargah.catalogue import service as catalogue
from dargah.catalogue.models import Dataset
from dargah.db.base import utcnow
from dargah.db.session import atomic
from dargah.errors import Conflict, InvalidInput, PermissionDenied, not_found
from dargah.members import service as members
from dargah.members.models import MemberKind

T = TypeVar("T")

# Roles that see every grant (operators triage requests, auditors check who reads what).
_SEE_ALL = frozenset({Role.ADMIN, Role.OPERATOR, Role.AUDITOR})


# -- the day a grant runs to ------------------------------------------------------------
#
# People give a grant's expiry as a day ("until 1406/06/31"), meaning the whole of that
# day in Tehran. It is stored as the moment it ends — the next midnight, Tehran time —
# so "active" stays one comparison (``expires_at > now``); pages show the day back.
# The two conversions are ``persian.dates.expiry_of_day`` and ``last_valid_day``.


# -- who is who ------------------------------------------------------------------------


def consumer_of(session: Session, principal: Principal) -> tuple[int | None, int | None]:
    """The consumer a caller acts for: ``(hq_unit_id, None)`` or ``(None, member_id)``.

    ``(None, None)`` for callers that are no consumer (administrators, operators,
    auditors, institutions).
    """
    if principal.role is Role.HQ and principal.hq_unit_id is not None:
        return principal.hq_unit_id, None
    if principal.role is Role.AGENCY and principal.member_identifier:
        return None, members.get_member(session, principal.member_identifier).id
    return None, None


def _owns(principal: Principal, dataset: Dataset) -> bool:
    return principal.role is Role.ADMIN or (
        principal.role is Role.HQ and principal.hq_unit_id == dataset.owner_id
    )


def _require_owner(principal: Principal, dataset: Dataset) -> None:
    authorize(principal, Permission.GRANTS_MANAGE)
    if not _owns(principal, dataset):
        raise PermissionDenied(
            "فقط حوزهٔ ستادی مالک این مجموعه‌داده می‌تواند به آن دسترسی بدهد.",
            "Only the HQ unit that owns this data set can grant access to it.",
            code="not_dataset_owner",
            details={"owner": dataset.owner.code},
        )


def _resolve_consumer(session: Session, reference: str) -> tuple[int | None, int | None]:
    """An HQ unit code or an agency's member identifier."""
    if "/" not in reference:
        return members.get_hq_unit(session, reference).id, None
    member = members.get_member(session, reference)
    if member.kind != MemberKind.AGENCY.value:
        raise InvalidInput(
            "دسترسی فقط به حوزه‌های ستادی و دستگاه‌های همکار داده می‌شود؛ دانشگاه‌ها "
            "دادهٔ خود را بدون مجوز می‌خوانند.",
            "Grants go to HQ units and agencies; institutions read their own data without one.",
            code="consumer_invalid",
            details={"consumer": reference},
        )
    return None, member.id


def _check_terms(session: Session, dataset: Dataset, terms: GrantTerms) -> list[int] | None:
    """Refuse unknown fields, unknown institutions, expiries in the past and empty
    period ranges; return the scope's institution ids."""
    version = catalogue.active_version(dataset)
    if version is None:
        raise Conflict(
            "این مجموعه‌داده هنوز نسخهٔ فعالی ندارد.",
            "This data set has no active version yet.",
            code="dataset_not_active",
            details={"dataset": dataset.slug},
        )
    known = set(catalogue.schema_of(version).field_names)
    unknown = [name for name in terms.fields or [] if name not in known]
    if unknown:
        raise InvalidInput(
            f"این فیلدها در مجموعه‌داده نیستند: {', '.join(unknown)}",
            f"These fields are not in the data set: {', '.join(unknown)}",
            code="unknown_field",
            details={"fields": unknown},
        )
    if terms.expires_at <= utcnow():
        raise InvalidInput(
            "تاریخ پایان دسترسی باید در آینده باشد.",
            "A grant's expiry must be in the future.",
            code="expiry_in_past",
        )
    scope = terms.scope
    if scope.period_from and scope.period_to and scope.period_from > scope.period_to:
        raise InvalidInput(
            "آغاز بازهٔ دوره‌ها پس از پایان آن است.",
            "The period range starts after it ends.",
            code="period_range_invalid",
        )
    if scope.institutions is None:
        return None
    ids = []
    for identifier in scope.institutions:
        member = members.get_member(session, identifier)
        if member.kind != MemberKind.INSTITUTION.value:
            raise InvalidInput(
                f"«{identifier}» دانشگاه یا موسسه نیست.",
                f"'{identifier}' is not an institution.",
                code="scope_invalid",
                details={"institution": identifier},
            )
        ids.append(member.id)
    return sorted(set(ids))


def _apply_terms(
    target: Grant | GrantRequest, terms: GrantTerms, institution_ids: list[int] | None
) -> None:
    target.fields = sorted(set(terms.fields)) if terms.fields is not None else None
    target.institution_ids = institution_ids
    scope = terms.scope
    target.institution_types = (
        sorted({kind.value for kind in scope.institution_types})
        if scope.institution_types is not None
        else None
    )
    target.provinces = scope.provinces
    target.period_from = scope.period_from
    target.period_to = scope.period_to
    target.level = terms.level.value
    target.personal = terms.personal
    target.purpose = terms.purpose
    target.legal_basis = terms.legal_basis
    target.expires_at = terms.expires_at


def _audit_terms(item: Grant | GrantRequest) -> dict[str, object]:
    return {
        "dataset": item.dataset_slug,
        "consumer_hq_unit_id": item.consumer_hq_unit_id,
        "consumer_member_id": item.consumer_member_id,
        "fields": item.fields,
        "institution_ids": item.institution_ids,
        "institution_types": item.institution_types,
        "provinces": item.provinces,
        "period_from": item.period_from,
        "period_to": item.period_to,
        "level": item.level,
        "personal": item.personal,
        "legal_basis": item.legal_basis,
        "expires_at": item.expires_at.isoformat(),
    }


# -- grants -------------------------------------------------------------------------


def create_grant(session: Session, *, principal: Principal, data: GrantCreate) -> Grant:
    """The owner gives a consumer access to a data set."""
    with atomic(session):
        dataset = catalogue.get_dataset(session, data.dataset)
        _require_owner(principal, dataset)
        hq_unit_id, member_id = _resolve_consumer(session, data.consumer)
        institution_ids = _check_terms(session, dataset, data)
        grant = Grant(
            dataset_slug=dataset.slug,
            consumer_hq_unit_id=hq_unit_id,
            consumer_member_id=member_id,
            created_at=utcnow(),
            created_by=principal.name,
            status=GrantStatus.ACTIVE.value,
        )
        _apply_terms(grant, data, institution_ids)
        session.add(grant)
        session.flush()
        record(
            session,
            principal=principal,
            action=AuditAction.GRANT_CREATED,
            entity_type="grant",
            entity_id=grant.id,
            purpose=grant.purpose,
            details=_audit_terms(grant),
        )
    return grant


def _get_grant(session: Session, grant_id: int) -> Grant:
    grant = session.get(Grant, grant_id)
    if grant is None:
        raise not_found("مجوز دسترسی", "Grant", grant_id)
    return grant


def _may_see(session: Session, principal: Principal, item: Grant | GrantRequest) -> bool:
    if principal.role in _SEE_ALL:
        return True
    hq_unit_id, member_id = consumer_of(session, principal)
    if hq_unit_id is not None and item.consumer_hq_unit_id == hq_unit_id:
        return True
    if member_id is not None and item.consumer_member_id == member_id:
        return True
    dataset = catalogue.get_dataset(session, item.dataset_slug)
    return _owns(principal, dataset)


def get_grant(session: Session, *, principal: Principal, grant_id: int) -> Grant:
    """One grant the caller gives, holds, or may see by role."""
    with atomic(session):
        grant = _get_grant(session, grant_id)
        if not _may_see(session, principal, grant):
            # Whether a grant exists is itself not the caller's business.
            raise not_found("مجوز دسترسی", "Grant", grant_id)
    return grant


def list_grants(
    session: Session,
    *,
    principal: Principal,
    dataset: str | None = None,
    active_only: bool = False,
) -> Sequence[Grant]:
    """Grants the caller may see: all (admin, operator, auditor), or those it holds and
    those on data sets its unit owns."""
    with atomic(session):
        query = select(Grant).order_by(Grant.id)
        if dataset:
            query = query.where(Grant.dataset_slug == dataset)
        if active_only:
            query = query.where(
                Grant.status == GrantStatus.ACTIVE.value, Grant.expires_at > utcnow()
            )
        items = session.scalars(query).unique().all()
        return [item for item in items if _may_see(session, principal, item)]


def revoke_grant(session: Session, *, principal: Principal, grant_id: int, reason: str) -> Grant:
    """The owner ends a grant now; queries under it are refused from this moment."""
    with atomic(session):
        grant = _get_grant(session, grant_id)
        dataset = catalogue.get_dataset(session, grant.dataset_slug)
        _require_owner(principal, dataset)
        if grant.status == GrantStatus.REVOKED.value:
            raise Conflict(
                "این مجوز پیش‌تر لغو شده است.",
                "This grant is already revoked.",
                code="grant_revoked",
                details={"grant": grant.id},
            )
        grant.status = GrantStatus.REVOKED.value
        grant.revoked_at = utcnow()
        grant.revoked_by = principal.name
        grant.revoke_reason = reason
        record(
            session,
            principal=principal,
            action=AuditAction.GRANT_REVOKED,
            entity_type="grant",
            entity_id=grant.id,
            details={"dataset": grant.dataset_slug, "reason": reason},
        )
    return grant


# -- requests -------------------------------------------------------------------------


def request_grant(
    session: Session, *, principal: Principal, data: GrantRequestCreate
) -> GrantRequest:
    """A consumer asks the data set's owner for access."""
    with atomic(session):
        dataset = catalogue.get_dataset(session, data.dataset)
        hq_unit_id, member_id = consumer_of(session, principal)
        if hq_unit_id is None and member_id is None:
            raise PermissionDenied(
                "فقط حوزه‌های ستادی و دستگاه‌های همکار درخواست دسترسی می‌دهند.",
                "Only HQ units and agencies ask for grants.",
                code="not_a_consumer",
            )
        institution_ids = _check_terms(session, dataset, data)
        request = GrantRequest(
            dataset_slug=dataset.slug,
            consumer_hq_unit_id=hq_unit_id,
            consumer_member_id=member_id,
            created_at=utcnow(),
            created_by=principal.name,
            status=GrantRequestStatus.PENDING.value,
        )
        _apply_terms(request, data, institution_ids)
        session.add(request)
        session.flush()
        record(
            session,
            principal=principal,
            action=AuditAction.GRANT_REQUESTED,
            entity_type="grant_request",
            entity_id=request.id,
            purpose=request.purpose,
            details=_audit_terms(request),
        )
    return request


def _get_request(session: Session, request_id: int) -> GrantRequest:
    request = session.get(GrantRequest, request_id)
    if request is None:
        raise not_found("درخواست دسترسی", "Grant request", request_id)
    return request


def _pending(request: GrantRequest) -> None:
    if request.status != GrantRequestStatus.PENDING.value:
        raise Conflict(
            f"این درخواست پیش‌تر بررسی شده است ({request.status}).",
            f"This request was already decided ({request.status}).",
            code="grant_request_decided",
            details={"status": request.status},
        )


def list_requests(
    session: Session,
    *,
    principal: Principal,
    dataset: str | None = None,
    status: str | None = None,
) -> Sequence[GrantRequest]:
    """Requests the caller made, or may decide, or may see by role."""
    with atomic(session):
        query = select(GrantRequest).order_by(GrantRequest.id)
        if dataset:
            query = query.where(GrantRequest.dataset_slug == dataset)
        if status:
            query = query.where(GrantRequest.status == status)
        items = session.scalars(query).unique().all()
        return [item for item in items if _may_see(session, principal, item)]


def approve_request(
    session: Session, *, principal: Principal, request_id: int, data: GrantRequestApprove
) -> Grant:
    """The owner approves a request: a grant with the requested terms is made."""
    with atomic(session):
        request = _get_request(session, request_id)
        dataset = catalogue.get_dataset(session, request.dataset_slug)
        _require_owner(principal, dataset)
        _pending(request)
        expires_at = request.expires_at
        if data.expires_at is not None:
            if data.expires_at <= utcnow():
                raise InvalidInput(
                    "تاریخ پایان دسترسی باید در آینده باشد.",
                    "A grant's expiry must be in the future.",
                    code="expiry_in_past",
                )
            expires_at = min(expires_at, data.expires_at)
        now = utcnow()
        grant = Grant(
            dataset_slug=request.dataset_slug,
            consumer_hq_unit_id=request.consumer_hq_unit_id,
            consumer_member_id=request.consumer_member_id,
            fields=request.fields,
            institution_ids=request.institution_ids,
            institution_types=request.institution_types,
            provinces=request.provinces,
            period_from=request.period_from,
            period_to=request.period_to,
            level=request.level,
            personal=request.personal,
            purpose=request.purpose,
            legal_basis=request.legal_basis,
            expires_at=expires_at,
            status=GrantStatus.ACTIVE.value,
            request_id=request.id,
            created_at=now,
            created_by=principal.name,
        )
        session.add(grant)
        session.flush()
        request.status = GrantRequestStatus.APPROVED.value
        request.decided_at = now
        request.decided_by = principal.name
        request.decision_reason = data.note
        request.grant_id = grant.id
        record(
            session,
            principal=principal,
            action=AuditAction.GRANT_REQUEST_APPROVED,
            entity_type="grant_request",
            entity_id=request.id,
            purpose=grant.purpose,
            details={"grant": grant.id, **_audit_terms(grant)},
        )
    return grant


def refuse_request(
    session: Session, *, principal: Principal, request_id: int, reason: str
) -> GrantRequest:
    """The owner refuses a request, saying why."""
    with atomic(session):
        request = _get_request(session, request_id)
        dataset = catalogue.get_dataset(session, request.dataset_slug)
        _require_owner(principal, dataset)
        _pending(request)
        request.status = GrantRequestStatus.REFUSED.value
        request.decided_at = utcnow()
        request.decided_by = principal.name
        request.decision_reason = reason
        record(
            session,
            principal=principal,
            action=AuditAction.GRANT_REQUEST_REFUSED,
            entity_type="grant_request",
            entity_id=request.id,
            details={"dataset": request.dataset_slug, "reason": reason},
        )
    return request


# -- resolving a caller's access --------------------------------------------------------


@dataclass(frozen=True)
class ResolvedAccess:
    """An ``Access`` and the time it lapses by itself (the grant's expiry; None for an
    institution's own data)."""

    access: Access
    expires_at: datetime | None


def resolve_access(
    session: Session,
    *,
    principal: Principal,
    dataset: Dataset,
    grant_id: int | None = None,
    at: datetime | None = None,
) -> Access:
    """What ``principal`` may read of ``dataset`` now, inside the caller's transaction.

    An institution reads its own rows, every field, unmasked, with no grant. Any other
    caller needs an active, unexpired grant held by its HQ unit or agency: the one named
    by ``grant_id``, or its only one on this data set.
    """
    return resolve_grant(
        session, principal=principal, slug=dataset.slug, grant_id=grant_id, at=at
    ).access


def resolve_grant(
    session: Session,
    *,
    principal: Principal,
    slug: str,
    grant_id: int | None = None,
    at: datetime | None = None,
) -> ResolvedAccess:
    """``resolve_access`` for data set ``slug``, with the time the access lapses."""
    moment = at or utcnow()
    if principal.role is Role.INSTITUTION and principal.institution_id is not None:
        own = Access(
            dataset=slug,
            grant_id=None,
            level=GrantLevel.ROWS,
            personal=True,
            rows=RowLimits(institution_ids=frozenset({principal.institution_id})),
            own_institution=True,
        )
        return ResolvedAccess(own, None)
    hq_unit_id, member_id = consumer_of(session, principal)
    if hq_unit_id is None and member_id is None:
        raise _no_grant(slug)
    holder = (
        Grant.consumer_hq_unit_id == hq_unit_id
        if hq_unit_id is not None
        else Grant.consumer_member_id == member_id
    )
    query = select(Grant).where(Grant.dataset_slug == slug, holder)
    if grant_id is not None:
        grant = session.scalar(query.where(Grant.id == grant_id))
        if grant is None:
            raise _no_grant(slug)
        if not grant.is_active(moment):
            raise PermissionDenied(
                "این مجوز دسترسی لغو شده یا منقضی شده است.",
                "This grant has been revoked or has expired.",
                code="grant_inactive",
                details={"grant": grant.id, "status": grant.status},
            )
    else:
        active = session.scalars(
            query.where(
                Grant.status == GrantStatus.ACTIVE.value,
                Grant.expires_at > moment,
            ).order_by(Grant.id)
        ).all()
        if not active:
            raise _no_grant(slug)
        if len(active) > 1:
            raise InvalidInput(
                "چند مجوز فعال برای این مجموعه‌داده دارید؛ شمارهٔ یکی را در «grant» بفرستید.",
                "You hold several active grants on this data set; name one in 'grant'.",
                code="grant_ambiguous",
                details={"grants": [item.id for item in active]},
            )
        grant = active[0]
    access = Access(
        dataset=slug,
        grant_id=grant.id,
        level=GrantLevel(grant.level),
        personal=grant.personal,
        fields=frozenset(grant.fields) if grant.fields is not None else None,
        rows=RowLimits(
            institution_ids=_frozen(grant.institution_ids),
            institution_types=_frozen(grant.institution_types),
            provinces=_frozen(grant.provinces),
            period_from=grant.period_from,
            period_to=grant.period_to,
        ),
    )
    return ResolvedAccess(access, grant.expires_at)


def _frozen(values: list[T] | None) -> frozenset[T] | None:
    return frozenset(values) if values is not None else None


def _no_grant(slug: str) -> PermissionDenied:
    return PermissionDenied(
        "برای خواندن این مجموعه‌داده مجوز دسترسی فعال ندارید؛ از مالک آن درخواست کنید.",
        "You hold no active grant on this data set; ask its owner for one.",
        code="grant_required",
        details={"dataset": slug},
    )
