"""Tables of the members registry.

Members are identified X-Road style, ``<instance>/<class>/<code>`` (``IR/UNI/1001``);
a member's systems add a subsystem code (``IR/UNI/1001/golestan``). One table holds
every member; institution and agency columns are empty for the other kinds, which
keeps directory queries (by province, type, parent) to one indexed table.
"""

from __future__ import annotations

import enum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dargah.db.base import Base, TimestampMixin


class MemberClass(enum.StrEnum):
    """X-Road member classes used on the ministry's instance."""

    GOV = "GOV"  # government agencies, the ministry itself included
    UNI = "UNI"  # universities, higher-education and research institutions


class MemberKind(enum.StrEnum):
    """What a member is, beyond its class."""

    MINISTRY = "ministry"
    AGENCY = "agency"
    INSTITUTION = "institution"


class AgencyRole(enum.StrEnum):
    """Why an external agency is connected."""

    NATIONAL_EXCHANGE_CENTER = "national_exchange_center"
    CLUSTER14_PEER = "cluster14_peer"
    OTHER = "other"


class MemberStatus(enum.StrEnum):
    """Lifecycle of a member; members are never deleted, only closed."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class InstitutionType(enum.StrEnum):
    """Types of higher-education and research institutions."""

    STATE_UNIVERSITY = "state_university"
    RESEARCH_INSTITUTE = "research_institute"
    PAYAME_NOOR = "payame_noor"
    APPLIED_SCIENCE = "applied_science"
    TECHNICAL_VOCATIONAL = "technical_vocational"
    NON_PROFIT = "non_profit"
    FARHANGIAN = "farhangian"
    MEDICAL = "medical"
    ISLAMIC_AZAD = "islamic_azad"


INSTITUTION_TYPE_LABELS: dict[InstitutionType, tuple[str, str]] = {
    InstitutionType.STATE_UNIVERSITY: ("دانشگاه دولتی", "State university"),
    InstitutionType.RESEARCH_INSTITUTE: ("پژوهشگاه و موسسه پژوهشی", "Research institute"),
    InstitutionType.PAYAME_NOOR: ("دانشگاه پیام نور", "Payame Noor University"),
    InstitutionType.APPLIED_SCIENCE: ("دانشگاه جامع علمی-کاربردی", "Applied-science university"),
    InstitutionType.TECHNICAL_VOCATIONAL: (
        "دانشگاه فنی و حرفه‌ای",
        "Technical and vocational university",
    ),
    InstitutionType.NON_PROFIT: ("موسسه غیردولتی-غیرانتفاعی", "Non-profit institution"),
    InstitutionType.FARHANGIAN: ("دانشگاه فرهنگیان", "Farhangian teacher-training university"),
    InstitutionType.MEDICAL: ("دانشگاه علوم پزشکی", "Medical university (health ministry)"),
    InstitutionType.ISLAMIC_AZAD: ("دانشگاه آزاد اسلامی", "Islamic Azad University"),
}

MEMBER_STATUS_LABELS: dict[MemberStatus, tuple[str, str]] = {
    MemberStatus.ACTIVE: ("فعال", "Active"),
    MemberStatus.SUSPENDED: ("تعلیق", "Suspended"),
    MemberStatus.CLOSED: ("بسته", "Closed"),
}


class Member(TimestampMixin, Base):
    """A member of the exchange: the ministry, an agency or an institution."""

    __tablename__ = "members"
    __table_args__ = (
        CheckConstraint(
            "kind != 'institution' OR (institution_type IS NOT NULL AND province_code IS NOT NULL)",
            name="institution_fields",
        ),
        Index("ix_members_kind_province", "kind", "province_code"),
        Index("ix_members_kind_type", "kind", "institution_type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identifier: Mapped[str] = mapped_column(String(120), unique=True)
    member_class: Mapped[str] = mapped_column(String(8))
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name_fa: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    # Normalised Persian and English names for searching regardless of letter variants.
    search_key: Mapped[str] = mapped_column(String(700), index=True)
    status: Mapped[str] = mapped_column(String(20), default=MemberStatus.ACTIVE.value)
    institution_type: Mapped[str | None] = mapped_column(String(40))
    province_code: Mapped[str | None] = mapped_column(String(2))
    city: Mapped[str | None] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    agency_role: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)

    parent: Mapped[Member | None] = relationship(remote_side=[id], lazy="joined", join_depth=1)
    systems: Mapped[list[System]] = relationship(
        back_populates="member", order_by="System.code", lazy="selectin"
    )


class HqUnit(TimestampMixin, Base):
    """A headquarters unit of the ministry (a deputy or office), consumer of data."""

    __tablename__ = "hq_units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_fa: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default=MemberStatus.ACTIVE.value)


class System(TimestampMixin, Base):
    """An information system of a member (an X-Road subsystem): producer and/or consumer."""

    __tablename__ = "systems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    identifier: Mapped[str] = mapped_column(String(200), unique=True)
    name_fa: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    is_producer: Mapped[bool] = mapped_column(Boolean, default=True)
    is_consumer: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default=MemberStatus.ACTIVE.value)

    member: Mapped[Member] = relationship(back_populates="systems", lazy="joined")
