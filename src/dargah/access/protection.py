"""What one caller may read of one data set, and the checks a query must pass.

``Access`` is the resolved form of a grant (or of an institution's right to its own
data). ``authorise_use`` checks every field a query names — selected, filtered,
grouped, ordered or aggregated — before anything runs: a field outside the grant is
refused wherever it appears, so a filter on a hidden field cannot serve as an oracle.
Masked personal fields may be shown (masked) but never filtered, grouped, ordered or
aggregated on, for the same reason. Pure: no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dargah.access.models import GrantLevel
from dargah.errors import PermissionDenied


@dataclass(frozen=True)
class RowLimits:
    """The rows a caller may read; ``None`` on a dimension means unrestricted."""

    institution_ids: frozenset[int] | None = None
    institution_types: frozenset[str] | None = None
    provinces: frozenset[str] | None = None
    period_from: str | None = None
    period_to: str | None = None


@dataclass(frozen=True)
class Access:
    """What a caller may read of one data set."""

    dataset: str
    grant_id: int | None
    level: GrantLevel
    personal: bool
    rows: RowLimits
    fields: frozenset[str] | None = None  # None: every field
    own_institution: bool = False

    def allows(self, name: str) -> bool:
        """Whether the field ``name`` is within the grant."""
        return self.fields is None or name in self.fields


@dataclass(frozen=True)
class FieldUse:
    """The names a query uses, by the way it uses them."""

    selected: tuple[str, ...] = ()
    filtered: tuple[str, ...] = ()
    grouped: tuple[str, ...] = ()
    ordered: tuple[str, ...] = ()
    aggregated: tuple[str, ...] = ()
    row_level: bool = True

    def all(self) -> list[tuple[str, str]]:
        """(use, name) pairs in a stable order: the first problem reported is the first."""
        return [
            *(("select", name) for name in self.selected),
            *(("where", name) for name in self.filtered),
            *(("group_by", name) for name in self.grouped),
            *(("order_by", name) for name in self.ordered),
            *(("aggregate", name) for name in self.aggregated),
        ]


_USES_FA = {
    "select": "انتخاب",
    "where": "شرط",
    "group_by": "گروه‌بندی",
    "order_by": "مرتب‌سازی",
    "aggregate": "تجمیع",
}


def authorise_use(
    access: Access,
    use: FieldUse,
    *,
    fields: Iterable[str],
    personal: Iterable[str],
    system: Iterable[str],
) -> frozenset[str]:
    """Check a query's use of fields against ``access``; return the fields to mask.

    ``fields`` are the data set's fields, ``personal`` those of them that are personal,
    ``system`` the columns every caller may use (institution, period). Names that are
    neither are left for the query compiler to refuse as unknown.
    """
    known = set(fields)
    free = set(system) - known
    if use.row_level and access.level is GrantLevel.AGGREGATE:
        raise PermissionDenied(
            "دسترسی شما به این مجموعه‌داده فقط تجمیعی است؛ پرسش را با گروه‌بندی یا "
            "تابع تجمیعی بفرستید.",
            "Your grant on this data set is aggregate-only; group the query or use "
            "aggregate functions.",
            code="aggregate_only",
            details={"dataset": access.dataset, "grant": access.grant_id},
        )
    for how, name in use.all():
        if name in free or name not in known or access.allows(name):
            continue
        raise PermissionDenied(
            f"فیلد «{name}» در مجوز دسترسی شما به این مجموعه‌داده نیست (در {_USES_FA[how]}).",
            f"The field '{name}' is not within your grant on this data set (used in {how}).",
            code="field_not_granted",
            details={"field": name, "used_in": how, "grant": access.grant_id},
        )
    masked = frozenset() if access.personal else frozenset(set(personal) & known)
    for how, name in use.all():
        if how != "select" and name in masked:
            raise PermissionDenied(
                f"فیلد شخصی «{name}» برای شما پوشانده است و در {_USES_FA[how]} به کار نمی‌رود.",
                f"The personal field '{name}' is masked for you and cannot be used in {how}.",
                code="field_masked",
                details={"field": name, "used_in": how, "grant": access.grant_id},
            )
    return masked
