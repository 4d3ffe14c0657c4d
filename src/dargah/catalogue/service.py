"""Data sets and their versions: defining, drafting, approving, reading, syncing.

Governance: an operator drafts a version and submits it; a member of the owning HQ unit
(or an administrator) approves it, and only then it becomes active. Active versions are
immutable. A new major version opens a transition window during which the previous
major is still accepted (``accepted_versions``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from dargah.access.policy import Permission, Principal, Role, authorize
from dargah.audit import service as audit
from dargah.audit.events import AuditAction
from dargah.catalogue import codelists
from dargah.catalogue.documents import (
    Cadence,
    CodeListDocument,
    DatasetDocument,
    Domain,
    version_tuple,
)
from dargah.catalogue.evolution import ChangeKind, Evolution, compare_schemas, next_version
from dargah.catalogue.models import (
    CodeList,
    Dataset,
    DatasetStatus,
    DatasetVersion,
    VersionStatus,
)
from dargah.catalogue.schema import Sensitivity, TableSchema, parse_schema
from dargah.db.base import utcnow
from dargah.db.session import atomic
from dargah.errors import Conflict, InvalidInput, PermissionDenied, not_found
from dargah.identity.models import Person
from dargah.members import service as members
from dargah.persian import match_key

DEFAULT_TRANSITION = timedelta(days=180)


def schema_hash(schema: TableSchema) -> str:
    """A stable hash of a schema, to recognise an unchanged draft."""
    return hashlib.sha256(orjson.dumps(schema.to_json(), option=orjson.OPT_SORT_KEYS)).hexdigest()


def _search_key(*texts: str | None) -> str:
    return " ".join(match_key(text) for text in texts if text)


def schema_errors(exc: ValidationError) -> list[dict[str, str]]:
    """A schema's validation problems in the API's error-item form."""
    return [
        {
            "field": ".".join(str(part) for part in error["loc"]),
            "code": str(error["type"]),
            "message_fa": "تعریف طرح داده نادرست است.",
            "message_en": str(error["msg"]),
        }
        for error in exc.errors()
    ]


def _parse(document: dict[str, object]) -> TableSchema:
    try:
        return parse_schema(document)
    except ValidationError as exc:
        raise InvalidInput(
            "طرح داده (Table Schema) معتبر نیست.",
            "The table schema is not valid.",
            code="schema_invalid",
            errors=schema_errors(exc),
        ) from exc


# -- reading -----------------------------------------------------------------------


def get_dataset(session: Session, slug: str) -> Dataset:
    """The data set ``slug``."""
    dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
    if dataset is None:
        raise not_found("مجموعه‌داده", "Data set", slug)
    return dataset


def list_datasets(
    session: Session,
    *,
    domain: str | None = None,
    status: str | None = None,
    owner: str | None = None,
) -> Sequence[Dataset]:
    """Data sets, filtered, ordered by domain and id."""
    query = select(Dataset).order_by(Dataset.domain, Dataset.slug)
    if domain:
        query = query.where(Dataset.domain == domain)
    if status:
        query = query.where(Dataset.status == status)
    if owner:
        query = query.where(Dataset.owner_id == members.get_hq_unit(session, owner).id)
    return session.scalars(query).all()


def active_version(dataset: Dataset) -> DatasetVersion | None:
    """The newest active version, or None if none was ever approved."""
    active = [v for v in dataset.versions if v.status == VersionStatus.ACTIVE.value]
    return active[-1] if active else None


def get_version(dataset: Dataset, version: str) -> DatasetVersion:
    """Version ``MAJOR.MINOR`` (or ``active``/``latest``) of ``dataset``."""
    if version == "active":
        found = active_version(dataset)
        if found is None:
            raise not_found("نسخه فعال", "Active version", dataset.slug)
        return found
    if version == "latest":
        if not dataset.versions:
            raise not_found("نسخه", "Version", dataset.slug)
        return dataset.versions[-1]
    try:
        wanted = version_tuple(version)
    except ValueError as exc:
        raise not_found("نسخه", "Version", f"{dataset.slug} {version}") from exc
    for candidate in dataset.versions:
        if (candidate.major, candidate.minor) == wanted:
            return candidate
    raise not_found("نسخه", "Version", f"{dataset.slug} {version}")


def accepted_versions(dataset: Dataset, *, at: datetime | None = None) -> list[DatasetVersion]:
    """Versions a submission may use now: the active one and, during a transition
    window, the last active version of the previous major."""
    moment = at or utcnow()
    if dataset.status == DatasetStatus.RETIRED.value:
        return []
    return [
        version
        for version in dataset.versions
        if version.status == VersionStatus.ACTIVE.value
        or (
            version.status == VersionStatus.DEPRECATED.value
            and version.accepted_until is not None
            and version.accepted_until > moment
        )
    ]


def schema_of(version: DatasetVersion) -> TableSchema:
    """The parsed schema of a version."""
    return parse_schema(version.table_schema)


def as_document(dataset: Dataset, version: DatasetVersion) -> DatasetDocument:
    """A data set at one version, as the document form used by templates and exports."""
    return DatasetDocument(
        id=dataset.slug,
        title_fa=dataset.title_fa,
        title_en=dataset.title_en,
        description_fa=dataset.description_fa,
        description_en=dataset.description_en,
        domain=Domain(dataset.domain),
        owner=dataset.owner.code,
        sensitivity=Sensitivity(dataset.sensitivity),
        cadence=Cadence(dataset.cadence),
        required_institution_types=dataset.required_institution_types,
        small_cell_threshold=dataset.small_cell_threshold,
        version=version.version,
        changelog=version.note,
        usage_notes_fa=dataset.usage_notes_fa,
        usage_notes_en=dataset.usage_notes_en,
        schema_=schema_of(version),
    )


# -- defining and drafting -----------------------------------------------------------


def _check_code_lists(session: Session, schema: TableSchema) -> None:
    known = set(session.scalars(select(CodeList.slug).where(CodeList.slug.in_(schema.code_lists))))
    missing = sorted(schema.code_lists - known)
    if missing:
        raise InvalidInput(
            "طرح داده به فهرست‌های کدی ارجاع می‌دهد که وجود ندارند.",
            "The schema refers to code lists that do not exist.",
            code="code_list_unknown",
            details={"code_lists": missing},
        )


def _new_dataset(session: Session, document: DatasetDocument) -> Dataset:
    if session.scalar(select(Dataset.id).where(Dataset.slug == document.id)) is not None:
        raise Conflict(
            f"مجموعه‌داده «{document.id}» از پیش تعریف شده است.",
            f"Data set '{document.id}' already exists.",
            code="dataset_exists",
        )
    dataset = Dataset(
        slug=document.id,
        title_fa=document.title_fa,
        title_en=document.title_en,
        description_fa=document.description_fa,
        description_en=document.description_en,
        domain=document.domain.value,
        owner_id=members.get_hq_unit(session, document.owner).id,
        sensitivity=document.sensitivity.value,
        cadence=document.cadence.value,
        required_institution_types=list(document.required_institution_types),
        small_cell_threshold=document.small_cell_threshold,
        status=DatasetStatus.DRAFT.value,
        usage_notes_fa=document.usage_notes_fa,
        usage_notes_en=document.usage_notes_en,
        search_key=_search_key(
            document.id, document.title_fa, document.title_en, document.description_fa
        ),
    )
    session.add(dataset)
    session.flush()
    return dataset


def _add_version(
    session: Session,
    dataset: Dataset,
    schema: TableSchema,
    *,
    principal: Principal,
    status: VersionStatus,
    note: str | None,
    number: tuple[int, int] | None = None,
) -> tuple[DatasetVersion, Evolution]:
    base = active_version(dataset)
    evolution = (
        Evolution(ChangeKind.MAJOR) if base is None else compare_schemas(schema_of(base), schema)
    )
    if base is not None and evolution.kind is ChangeKind.NONE:
        raise Conflict(
            "این طرح با نسخهٔ فعال یکی است؛ نسخهٔ تازه‌ای لازم نیست.",
            "This schema is the same as the active version; no new version is needed.",
            code="version_unchanged",
        )
    for pending in dataset.versions:
        if pending.status in (VersionStatus.DRAFT.value, VersionStatus.PENDING_APPROVAL.value):
            raise Conflict(
                f"نسخهٔ {pending.version} هنوز در جریان است؛ ابتدا آن را تأیید یا رد کنید.",
                f"Version {pending.version} is still open; approve or reject it first.",
                code="version_in_progress",
                details={"version": pending.version},
            )
    if number is None:
        latest = max(((v.major, v.minor) for v in dataset.versions), default=None)
        current = (base.major, base.minor) if base is not None else None
        number = next_version(current, evolution.kind)
        if latest is not None and number <= latest:
            # A rejected draft may hold the number; move past it.
            number = next_version(latest, evolution.kind)
    version = DatasetVersion(
        dataset=dataset,
        major=number[0],
        minor=number[1],
        status=status.value,
        table_schema=schema.to_json(),
        schema_hash=schema_hash(schema),
        change_kind="initial" if base is None else evolution.kind.value,
        changes=[change.as_dict() for change in evolution.changes],
        note=note,
        created_at=utcnow(),
        created_by=principal.name,
    )
    session.add(version)
    session.flush()
    return version, evolution


def create_dataset(
    session: Session, *, principal: Principal, document: DatasetDocument
) -> DatasetVersion:
    """Define a new data set; its first version waits for the owner's approval."""
    authorize(principal, Permission.CATALOGUE_WRITE)
    with atomic(session):
        _check_code_lists(session, document.schema_)
        dataset = _new_dataset(session, document)
        version, _ = _add_version(
            session,
            dataset,
            document.schema_,
            principal=principal,
            status=VersionStatus.PENDING_APPROVAL,
            note=document.changelog,
            number=version_tuple(document.version),
        )
        version.submitted_at, version.submitted_by = utcnow(), principal.name
        audit.record(
            session,
            principal=principal,
            action=AuditAction.DATASET_CREATED,
            entity_type="dataset",
            entity_id=dataset.slug,
            details={"version": version.version, "owner": document.owner},
        )
    return version


def draft_version(
    session: Session,
    *,
    principal: Principal,
    slug: str,
    schema_document: dict[str, object],
    note: str | None = None,
    submit: bool = True,
) -> tuple[DatasetVersion, Evolution]:
    """Draft the next version of a data set; the number follows from the change's kind."""
    authorize(principal, Permission.CATALOGUE_WRITE)
    schema = _parse(schema_document)
    with atomic(session):
        dataset = get_dataset(session, slug)
        _check_code_lists(session, schema)
        status = VersionStatus.PENDING_APPROVAL if submit else VersionStatus.DRAFT
        version, evolution = _add_version(
            session, dataset, schema, principal=principal, status=status, note=note
        )
        if submit:
            version.submitted_at, version.submitted_by = utcnow(), principal.name
        audit.record(
            session,
            principal=principal,
            action=AuditAction.DATASET_VERSION_DRAFTED,
            entity_type="dataset_version",
            entity_id=f"{slug}@{version.version}",
            details={"kind": version.change_kind, "changes": len(evolution.changes)},
        )
    return version, evolution


def submit_version(
    session: Session, *, principal: Principal, slug: str, version: str
) -> DatasetVersion:
    """Send a draft to the data set's owner for approval."""
    authorize(principal, Permission.CATALOGUE_WRITE)
    with atomic(session):
        found = get_version(get_dataset(session, slug), version)
        _require_status(found, VersionStatus.DRAFT)
        found.status = VersionStatus.PENDING_APPROVAL.value
        found.submitted_at, found.submitted_by = utcnow(), principal.name
        audit.record(
            session,
            principal=principal,
            action=AuditAction.DATASET_VERSION_SUBMITTED,
            entity_type="dataset_version",
            entity_id=f"{slug}@{found.version}",
        )
    return found


def _require_status(version: DatasetVersion, status: VersionStatus) -> None:
    if version.status != status.value:
        raise Conflict(
            f"نسخهٔ {version.version} در وضعیت «{version.status}» است و این کار ممکن نیست.",
            f"Version {version.version} is '{version.status}'; this is not possible now.",
            code="version_state",
            details={"status": version.status, "expected": status.value},
        )


def _require_owner(principal: Principal, dataset: Dataset) -> None:
    authorize(principal, Permission.CATALOGUE_APPROVE)
    if principal.role is Role.ADMIN or principal.hq_unit_id == dataset.owner_id:
        return
    raise PermissionDenied(
        "فقط حوزهٔ ستادی مالک این مجموعه‌داده می‌تواند نسخه‌های آن را تأیید کند.",
        "Only the HQ unit that owns this data set can approve its versions.",
        code="not_dataset_owner",
        details={"owner": dataset.owner.code},
    )


def approve_version(
    session: Session,
    *,
    principal: Principal,
    slug: str,
    version: str,
    note: str | None = None,
    transition: timedelta = DEFAULT_TRANSITION,
) -> DatasetVersion:
    """The owner approves a pending version; it becomes active and immutable."""
    with atomic(session):
        dataset = get_dataset(session, slug)
        _require_owner(principal, dataset)
        found = get_version(dataset, version)
        _require_status(found, VersionStatus.PENDING_APPROVAL)
        _activate(dataset, found, transition=transition)
        found.decided_at, found.decided_by, found.decision_note = utcnow(), principal.name, note
        audit.record(
            session,
            principal=principal,
            action=AuditAction.DATASET_VERSION_APPROVED,
            entity_type="dataset_version",
            entity_id=f"{slug}@{found.version}",
            details={"kind": found.change_kind},
        )
    return found


def _activate(dataset: Dataset, version: DatasetVersion, *, transition: timedelta) -> None:
    now = utcnow()
    for other in dataset.versions:
        if other is version or other.status != VersionStatus.ACTIVE.value:
            continue
        if other.major == version.major:
            other.status = VersionStatus.SUPERSEDED.value
        else:
            # Institutions get a window to move to the new major.
            other.status = VersionStatus.DEPRECATED.value
            other.accepted_until = now + transition
    version.status = VersionStatus.ACTIVE.value
    version.activated_at = now
    if dataset.status == DatasetStatus.DRAFT.value:
        dataset.status = DatasetStatus.ACTIVE.value


def reject_version(
    session: Session, *, principal: Principal, slug: str, version: str, reason: str
) -> DatasetVersion:
    """The owner sends a pending version back with a reason."""
    with atomic(session):
        dataset = get_dataset(session, slug)
        _require_owner(principal, dataset)
        found = get_version(dataset, version)
        _require_status(found, VersionStatus.PENDING_APPROVAL)
        found.status = VersionStatus.REJECTED.value
        found.decided_at, found.decided_by, found.decision_note = utcnow(), principal.name, reason
        audit.record(
            session,
            principal=principal,
            action=AuditAction.DATASET_VERSION_REJECTED,
            entity_type="dataset_version",
            entity_id=f"{slug}@{found.version}",
            details={"reason": reason[:500]},
        )
    return found


@dataclass(frozen=True)
class DatasetChanges:
    """Metadata changes to a data set (never its schema: that is a version)."""

    steward: str | None = None
    status: DatasetStatus | None = None
    description_fa: str | None = None
    description_en: str | None = None
    usage_notes_fa: str | None = None
    usage_notes_en: str | None = None
    small_cell_threshold: int | None = None


_ALLOWED_STATUS_MOVES = {
    DatasetStatus.ACTIVE: {DatasetStatus.DEPRECATED},
    DatasetStatus.DEPRECATED: {DatasetStatus.ACTIVE, DatasetStatus.RETIRED},
    DatasetStatus.DRAFT: {DatasetStatus.RETIRED},
    DatasetStatus.RETIRED: set(),
}


def update_dataset(
    session: Session, *, principal: Principal, slug: str, changes: DatasetChanges
) -> Dataset:
    """Change a data set's steward, lifecycle status, descriptions or threshold."""
    authorize(principal, Permission.CATALOGUE_WRITE)
    with atomic(session):
        dataset = get_dataset(session, slug)
        before: dict[str, object] = {}
        if changes.steward is not None:
            person = session.scalar(select(Person).where(Person.username == changes.steward))
            if person is None:
                raise not_found("کاربر", "Person", changes.steward)
            before["steward_id"] = dataset.steward_id
            dataset.steward_id = person.id
        if changes.status is not None and changes.status.value != dataset.status:
            if changes.status not in _ALLOWED_STATUS_MOVES[DatasetStatus(dataset.status)]:
                raise Conflict(
                    f"مجموعه‌داده از وضعیت «{dataset.status}» به «{changes.status.value}» نمی‌رود.",
                    f"A data set cannot go from '{dataset.status}' to '{changes.status.value}'.",
                    code="dataset_status_move",
                )
            before["status"] = dataset.status
            dataset.status = changes.status.value
        for name in (
            "description_fa",
            "description_en",
            "usage_notes_fa",
            "usage_notes_en",
            "small_cell_threshold",
        ):
            value = getattr(changes, name)
            if value is not None and value != getattr(dataset, name):
                before[name] = getattr(dataset, name)
                setattr(dataset, name, value)
        dataset.search_key = _search_key(
            dataset.slug, dataset.title_fa, dataset.title_en, dataset.description_fa
        )
        if before:
            audit.record(
                session,
                principal=principal,
                action=AuditAction.DATASET_UPDATED,
                entity_type="dataset",
                entity_id=slug,
                details={"fields": sorted(before)},
            )
    return dataset


# -- syncing the built-in definitions --------------------------------------------------


@dataclass(frozen=True)
class SyncReport:
    """What ``sync_builtin`` did to each code list and data set."""

    code_lists: dict[str, str]
    datasets: dict[str, str]


def sync_builtin(
    session: Session,
    *,
    principal: Principal,
    code_list_documents: Sequence[CodeListDocument],
    dataset_documents: Sequence[DatasetDocument],
) -> SyncReport:
    """Load the shipped code lists and data sets in one transaction.

    New code lists and data sets are created active: they ship with the software the
    ministry approved. A shipped data set whose version is newer than any stored one
    becomes a pending version for its owner to approve, like any other change.
    """
    authorize(principal, Permission.CATALOGUE_WRITE)
    lists: dict[str, str] = {}
    sets: dict[str, str] = {}
    with atomic(session):
        members.ensure_standard_hq_units(session, principal=principal)
        for document in code_list_documents:
            _, outcome = codelists.sync_code_list(session, principal=principal, document=document)
            lists[document.id] = outcome
        for dataset_document in dataset_documents:
            sets[dataset_document.id] = _sync_dataset(session, principal, dataset_document)
        audit.record(
            session,
            principal=principal,
            action=AuditAction.CATALOGUE_SYNCED,
            entity_type="catalogue",
            details={
                "code_lists": {k: v for k, v in lists.items() if v != "unchanged"},
                "datasets": {k: v for k, v in sets.items() if v != "unchanged"},
            },
        )
    return SyncReport(code_lists=lists, datasets=sets)


def _sync_dataset(session: Session, principal: Principal, document: DatasetDocument) -> str:
    _check_code_lists(session, document.schema_)
    dataset = session.scalar(select(Dataset).where(Dataset.slug == document.id))
    if dataset is None:
        dataset = _new_dataset(session, document)
        version, _ = _add_version(
            session,
            dataset,
            document.schema_,
            principal=principal,
            status=VersionStatus.PENDING_APPROVAL,
            note=document.changelog or "Shipped with Dargah",
            number=version_tuple(document.version),
        )
        _activate(dataset, version, transition=DEFAULT_TRANSITION)
        version.decided_at, version.decided_by = utcnow(), principal.name
        return "created"
    shipped = version_tuple(document.version)
    if any((v.major, v.minor) >= shipped for v in dataset.versions):
        return "unchanged"
    base = active_version(dataset)
    if base is not None and base.schema_hash == schema_hash(document.schema_):
        return "unchanged"
    version, _ = _add_version(
        session,
        dataset,
        document.schema_,
        principal=principal,
        status=VersionStatus.PENDING_APPROVAL,
        note=document.changelog,
    )
    version.submitted_at, version.submitted_by = utcnow(), principal.name
    return f"pending {version.version}"
