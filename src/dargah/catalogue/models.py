"""Tables of the catalogue: data sets and their versions, code lists and their values.

A version's schema is stored whole (JSON, a Frictionless Table Schema) and never
changes once the version is active; a change is a new version.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dargah.db.base import Base, TimestampMixin, UTCDateTime
from dargah.members.models import HqUnit


class DatasetStatus(enum.StrEnum):
    """Lifecycle of a data set."""

    DRAFT = "draft"  # defined, no version approved yet
    ACTIVE = "active"
    DEPRECATED = "deprecated"  # still accepted; institutions are told to move on
    RETIRED = "retired"  # no longer accepted


class VersionStatus(enum.StrEnum):
    """Lifecycle of a data-set version."""

    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    ACTIVE = "active"
    SUPERSEDED = "superseded"  # replaced by a newer minor of the same major
    DEPRECATED = "deprecated"  # an older major, accepted until its transition ends
    RETIRED = "retired"
    REJECTED = "rejected"


DATASET_STATUS_LABELS: dict[DatasetStatus, tuple[str, str]] = {
    DatasetStatus.DRAFT: ("پیش‌نویس", "Draft"),
    DatasetStatus.ACTIVE: ("فعال", "Active"),
    DatasetStatus.DEPRECATED: ("منسوخ‌شونده", "Deprecated"),
    DatasetStatus.RETIRED: ("بازنشسته", "Retired"),
}

VERSION_STATUS_LABELS: dict[VersionStatus, tuple[str, str]] = {
    VersionStatus.DRAFT: ("پیش‌نویس", "Draft"),
    VersionStatus.PENDING_APPROVAL: ("در انتظار تأیید", "Pending approval"),
    VersionStatus.ACTIVE: ("فعال", "Active"),
    VersionStatus.SUPERSEDED: ("جایگزین‌شده", "Superseded"),
    VersionStatus.DEPRECATED: ("در دوره گذار", "In transition"),
    VersionStatus.RETIRED: ("بازنشسته", "Retired"),
    VersionStatus.REJECTED: ("ردشده", "Rejected"),
}


class Dataset(TimestampMixin, Base):
    """A data set the gateway collects: its identity, owner and obligations."""

    __tablename__ = "datasets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    title_fa: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    description_fa: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    domain: Mapped[str] = mapped_column(String(30), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("hq_units.id"), index=True)
    steward_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    sensitivity: Mapped[str] = mapped_column(String(30))
    cadence: Mapped[str] = mapped_column(String(30))
    required_institution_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    small_cell_threshold: Mapped[int] = mapped_column(Integer, default=5)
    status: Mapped[str] = mapped_column(String(20), default=DatasetStatus.DRAFT.value)
    usage_notes_fa: Mapped[str | None] = mapped_column(Text)
    usage_notes_en: Mapped[str | None] = mapped_column(Text)
    search_key: Mapped[str] = mapped_column(Text)

    owner: Mapped[HqUnit] = relationship(lazy="joined")
    versions: Mapped[list[DatasetVersion]] = relationship(
        back_populates="dataset",
        order_by="(DatasetVersion.major, DatasetVersion.minor)",
        lazy="selectin",
    )


class DatasetVersion(Base):
    """One version of a data set's schema, with its change log and approval trail."""

    __tablename__ = "dataset_versions"
    __table_args__ = (UniqueConstraint("dataset_id", "major", "minor"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id"), index=True)
    major: Mapped[int] = mapped_column(Integer)
    minor: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True)
    table_schema: Mapped[dict[str, Any]] = mapped_column(JSON)
    schema_hash: Mapped[str] = mapped_column(String(64))
    change_kind: Mapped[str] = mapped_column(String(10))  # initial | minor | major
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decision_note: Mapped[str | None] = mapped_column(Text)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_until: Mapped[datetime | None] = mapped_column(UTCDateTime())

    dataset: Mapped[Dataset] = relationship(back_populates="versions", lazy="joined")

    @property
    def version(self) -> str:
        """``MAJOR.MINOR``."""
        return f"{self.major}.{self.minor}"


class CodeList(TimestampMixin, Base):
    """A list of reference codes (provinces, degree levels, fields of study …)."""

    __tablename__ = "code_lists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    title_fa: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    description_fa: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(300))
    search_key: Mapped[str] = mapped_column(Text)

    versions: Mapped[list[CodeListVersion]] = relationship(
        back_populates="code_list",
        order_by="(CodeListVersion.major, CodeListVersion.minor)",
        lazy="selectin",
    )


class CodeListVersion(Base):
    """The values of a code list at one version; a change makes a new version."""

    __tablename__ = "code_list_versions"
    __table_args__ = (UniqueConstraint("code_list_id", "major", "minor"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_list_id: Mapped[int] = mapped_column(ForeignKey("code_lists.id"), index=True)
    major: Mapped[int] = mapped_column(Integer)
    minor: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))  # active | superseded
    content_hash: Mapped[str] = mapped_column(String(64))
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(200))

    code_list: Mapped[CodeList] = relationship(back_populates="versions", lazy="joined")

    @property
    def version(self) -> str:
        """``MAJOR.MINOR``."""
        return f"{self.major}.{self.minor}"


class CodeValue(Base):
    """One code of one code-list version."""

    __tablename__ = "code_values"
    __table_args__ = (
        UniqueConstraint("version_id", "code"),
        Index("ix_code_values_version_position", "version_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("code_list_versions.id"))
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40))
    label_fa: Mapped[str] = mapped_column(String(300))
    label_en: Mapped[str] = mapped_column(String(300))
    parent_code: Mapped[str | None] = mapped_column(String(40))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Match keys of the code, both labels and every alias, space-separated and padded
    # (" k1 k2 "), so an exact-key lookup is a LIKE '% key %' on one column.
    match_keys: Mapped[str] = mapped_column(Text)
    deprecated: Mapped[bool] = mapped_column(Boolean, default=False)
