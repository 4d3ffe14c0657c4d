"""Data sets through their lifecycle: sync, draft, approve by the owner, transitions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dargah.access.policy import Role, cli_principal
from dargah.audit.models import AuditEntry
from dargah.catalogue import service
from dargah.catalogue.models import DatasetStatus, VersionStatus
from dargah.db.base import utcnow
from dargah.errors import Conflict, InvalidInput, PermissionDenied
from dargah.members import service as members
from support.catalogue import LEVELS, OPTIONAL_FIELD, dataset_document, schema_with
from support.factories import Actor

ADMIN = cli_principal("catalogue-test")


@pytest.fixture
def synced(session: Session) -> None:
    service.sync_builtin(
        session,
        principal=ADMIN,
        code_list_documents=[LEVELS],
        dataset_documents=[dataset_document()],
    )


@pytest.fixture
def owner_staff(session: Session, synced: None, actor: Callable[..., Actor]) -> Actor:
    return actor(Role.HQ, hq_unit=members.get_hq_unit(session, "education"))


@pytest.mark.usefixtures("synced")
def test_sync_creates_active_version_and_is_idempotent(session: Session) -> None:
    dataset = service.get_dataset(session, "test_students")
    assert dataset.status == DatasetStatus.ACTIVE.value
    assert [v.version for v in service.accepted_versions(dataset)] == ["1.0"]
    again = service.sync_builtin(
        session,
        principal=ADMIN,
        code_list_documents=[LEVELS],
        dataset_documents=[dataset_document()],
    )
    assert again.datasets == {"test_students": "unchanged"}
    assert again.code_lists == {"test_levels": "unchanged"}


def test_minor_change_needs_the_owner_and_supersedes(
    session: Session, owner_staff: Actor, actor: Callable[..., Actor]
) -> None:
    operator = actor(Role.OPERATOR)
    version, evolution = service.draft_version(
        session,
        principal=operator.principal,
        slug="test_students",
        schema_document=schema_with(extra_fields=[OPTIONAL_FIELD]),
        note="رایانامه برای اطلاع‌رسانی",
    )
    assert version.version == "1.1"
    assert version.status == VersionStatus.PENDING_APPROVAL.value
    assert evolution.kind.value == "minor"
    other_unit = actor(Role.HQ)  # bound to a different HQ unit
    with pytest.raises(PermissionDenied) as refused:
        service.approve_version(
            session, principal=other_unit.principal, slug="test_students", version="1.1"
        )
    assert refused.value.code == "not_dataset_owner"
    with pytest.raises(PermissionDenied):
        service.approve_version(
            session, principal=operator.principal, slug="test_students", version="1.1"
        )
    service.approve_version(
        session, principal=owner_staff.principal, slug="test_students", version="1.1"
    )
    dataset = service.get_dataset(session, "test_students")
    statuses = {v.version: v.status for v in dataset.versions}
    assert statuses == {"1.0": "superseded", "1.1": "active"}
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_id.like("test_students@%"))
    ).all()
    assert "dataset_version.drafted" in actions
    assert "dataset_version.approved" in actions


def test_major_change_keeps_the_old_major_during_transition(
    session: Session, owner_staff: Actor, actor: Callable[..., Actor]
) -> None:
    operator = actor(Role.OPERATOR)
    version, _ = service.draft_version(
        session,
        principal=operator.principal,
        slug="test_students",
        schema_document=schema_with(drop="graduation_date"),
    )
    assert version.version == "2.0"
    service.approve_version(
        session,
        principal=owner_staff.principal,
        slug="test_students",
        version="2.0",
        transition=timedelta(days=30),
    )
    dataset = service.get_dataset(session, "test_students")
    assert [v.version for v in service.accepted_versions(dataset)] == ["1.0", "2.0"]
    later = utcnow() + timedelta(days=31)
    assert [v.version for v in service.accepted_versions(dataset, at=later)] == ["2.0"]


def test_unchanged_schema_and_parallel_drafts_are_refused(
    session: Session, synced: None, actor: Callable[..., Actor]
) -> None:
    operator = actor(Role.OPERATOR)
    with pytest.raises(Conflict) as same:
        service.draft_version(
            session,
            principal=operator.principal,
            slug="test_students",
            schema_document=schema_with(),
        )
    assert same.value.code == "version_unchanged"
    service.draft_version(
        session,
        principal=operator.principal,
        slug="test_students",
        schema_document=schema_with(extra_fields=[OPTIONAL_FIELD]),
    )
    with pytest.raises(Conflict) as parallel:
        service.draft_version(
            session,
            principal=operator.principal,
            slug="test_students",
            schema_document=schema_with(drop="graduation_date"),
        )
    assert parallel.value.code == "version_in_progress"


def test_rejected_version_never_becomes_active(
    session: Session, owner_staff: Actor, actor: Callable[..., Actor]
) -> None:
    operator = actor(Role.OPERATOR)
    service.draft_version(
        session,
        principal=operator.principal,
        slug="test_students",
        schema_document=schema_with(extra_fields=[OPTIONAL_FIELD]),
    )
    service.reject_version(
        session,
        principal=owner_staff.principal,
        slug="test_students",
        version="1.1",
        reason="نام ستون را با فرهنگ داده هماهنگ کنید",
    )
    with pytest.raises(Conflict):
        service.approve_version(
            session, principal=owner_staff.principal, slug="test_students", version="1.1"
        )
    dataset = service.get_dataset(session, "test_students")
    assert service.active_version(dataset) is not None
    assert service.active_version(dataset).version == "1.0"  # type: ignore[union-attr]


def test_invalid_schema_and_unknown_code_list_are_clear_errors(
    session: Session, synced: None, actor: Callable[..., Actor]
) -> None:
    operator = actor(Role.OPERATOR)
    with pytest.raises(InvalidInput) as invalid:
        service.draft_version(
            session,
            principal=operator.principal,
            slug="test_students",
            schema_document={"fields": [], "primaryKey": []},
        )
    assert invalid.value.code == "schema_invalid"
    assert invalid.value.errors
    unknown = schema_with(
        extra_fields=[
            {
                "name": "province",
                "title": "استان",
                "dargah:titleEn": "Province",
                "type": "string",
                "dargah:type": "code",
                "dargah:codeList": "no_such_list",
            }
        ]
    )
    with pytest.raises(InvalidInput) as missing:
        service.draft_version(
            session, principal=operator.principal, slug="test_students", schema_document=unknown
        )
    assert missing.value.code == "code_list_unknown"


def test_active_versions_are_immutable_through_the_service(session: Session, synced: None) -> None:
    dataset = service.get_dataset(session, "test_students")
    version = service.active_version(dataset)
    assert version is not None
    with pytest.raises(Conflict) as refused:
        service.submit_version(session, principal=ADMIN, slug="test_students", version="1.0")
    assert refused.value.code == "version_state"


def test_lifecycle_moves(session: Session, synced: None) -> None:
    changes = service.DatasetChanges
    service.update_dataset(
        session,
        principal=ADMIN,
        slug="test_students",
        changes=changes(status=DatasetStatus.DEPRECATED),
    )
    service.update_dataset(
        session,
        principal=ADMIN,
        slug="test_students",
        changes=changes(status=DatasetStatus.RETIRED),
    )
    dataset = service.get_dataset(session, "test_students")
    assert service.accepted_versions(dataset) == []
    with pytest.raises(Conflict):
        service.update_dataset(
            session,
            principal=ADMIN,
            slug="test_students",
            changes=changes(status=DatasetStatus.ACTIVE),
        )
