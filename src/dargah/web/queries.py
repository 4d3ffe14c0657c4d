"""Read-only aggregates the portal's dashboard shows (the members service lists, it does
not count by group, and one GROUP BY beats forty filtered listings)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from dargah.members.models import InstitutionType, Member, MemberKind
from dargah.members.provinces import PROVINCES, Province


@dataclass(frozen=True)
class MemberCounts:
    """How many members there are: by kind, and institutions by type and by province."""

    by_kind: dict[MemberKind, int]
    by_type: list[tuple[InstitutionType, int]]
    by_province: list[tuple[Province, int]]

    @property
    def total(self) -> int:
        """All members of every kind."""
        return sum(self.by_kind.values())

    @property
    def institutions(self) -> int:
        """Universities and other institutions, branches included."""
        return self.by_kind.get(MemberKind.INSTITUTION, 0)


def _institutions_by(session: Session, column: InstrumentedAttribute[str | None]) -> dict[str, int]:
    query = (
        select(column, func.count())
        .where(Member.kind == MemberKind.INSTITUTION.value, column.is_not(None))
        .group_by(column)
    )
    return {str(value): count for value, count in session.execute(query)}


def member_counts(session: Session) -> MemberCounts:
    """Member counts for the dashboard; every type and all 31 provinces appear, most first."""
    by_kind = {
        MemberKind(kind): count
        for kind, count in session.execute(select(Member.kind, func.count()).group_by(Member.kind))
    }
    type_counts = _institutions_by(session, Member.institution_type)
    province_counts = _institutions_by(session, Member.province_code)
    by_type = sorted(
        ((kind, type_counts.get(kind.value, 0)) for kind in InstitutionType),
        key=lambda item: -item[1],
    )
    by_province = sorted(
        ((province, province_counts.get(province.code, 0)) for province in PROVINCES),
        key=lambda item: -item[1],
    )
    return MemberCounts(by_kind=by_kind, by_type=by_type, by_province=by_province)
