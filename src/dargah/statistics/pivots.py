"""The named national pivots a dashboard shows, declared as data.

Each pivot is a count of one data set's records grouped by a few fields, for one
period. The fields are chosen so that a rollup of the data set answers the count
(``dargah:rollups``, decision 0012): a test checks that every pivot here is answered
from one, so the dashboard stays interactive on a full national snapshot. ``province``
and ``institution_type`` are the reporting institution's (from the members registry),
not a student's province of residence.

Adding a pivot is adding an entry below — and, if no rollup of its data set covers its
fields, declaring one in the data set's schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from dargah.errors import NotFound

Order = Literal["groups", "count_desc"]


@dataclass(frozen=True)
class Pivot:
    """One named pivot: a count of ``dataset``'s records by ``group_by``."""

    id: str
    dataset: str
    group_by: tuple[str, ...]
    title_fa: str
    title_en: str
    description_fa: str
    description_en: str
    # "count_desc": largest first (withheld cells last); "groups": by the groups' codes.
    order: Order = "groups"

    def title(self, language: str) -> str:
        """The title in ``language`` (Persian unless ``en``)."""
        return self.title_en if language == "en" else self.title_fa


PIVOTS: Final[tuple[Pivot, ...]] = (
    Pivot(
        id="students-by-province",
        dataset="students",
        group_by=("province",),
        title_fa="دانشجویان به تفکیک استان",
        title_en="Students by province",
        description_fa="شمار دانشجویان در هر استان، به استان محل دانشگاه یا موسسه.",
        description_en="Students in each province, by the province of their institution.",
        order="count_desc",
    ),
    Pivot(
        id="students-by-institution-type",
        dataset="students",
        group_by=("institution_type",),
        title_fa="دانشجویان به تفکیک نوع دانشگاه",
        title_en="Students by institution type",
        description_fa=(
            "شمار دانشجویان دانشگاه‌های دولتی، آزاد، پیام نور، علمی-کاربردی و دیگر انواع."
        ),
        description_en=(
            "Students of state, Azad, Payame Noor, applied-science and other institutions."
        ),
        order="count_desc",
    ),
    Pivot(
        id="students-by-degree-level-gender",
        dataset="students",
        group_by=("degree_level", "gender"),
        title_fa="دانشجویان به تفکیک مقطع و جنسیت",
        title_en="Students by degree level and gender",
        description_fa="شمار دانشجویان هر مقطع تحصیلی، زن و مرد.",
        description_en="Students at each degree level, women and men.",
    ),
    Pivot(
        id="students-by-field",
        dataset="students",
        group_by=("field_of_study",),
        title_fa="دانشجویان به تفکیک رشتهٔ تحصیلی",
        title_en="Students by field of study",
        description_fa="شمار دانشجویان هر رشتهٔ تحصیلی، پرشمارترین نخست.",
        description_en="Students in each field of study, the largest first.",
        order="count_desc",
    ),
    Pivot(
        id="faculty-by-rank-gender",
        dataset="faculty",
        group_by=("rank", "gender"),
        title_fa="اعضای هیئت علمی به تفکیک مرتبه و جنسیت",
        title_en="Faculty by rank and gender",
        description_fa="شمار اعضای هیئت علمی در هر مرتبهٔ علمی، زن و مرد.",
        description_en="Faculty members at each academic rank, women and men.",
    ),
    Pivot(
        id="research-outputs-by-type-year",
        dataset="research_outputs",
        group_by=("output_type", "publication_year"),
        title_fa="بروندادهای پژوهشی به تفکیک نوع و سال انتشار",
        title_en="Research outputs by type and year",
        description_fa="شمار مقاله‌ها، کتاب‌ها، اختراع‌ها و دیگر بروندادها در هر سال انتشار.",
        description_en="Articles, books, patents and other outputs by year of publication.",
    ),
)

_BY_ID: Final = {pivot.id: pivot for pivot in PIVOTS}


def get_pivot(pivot_id: str) -> Pivot:
    """The pivot named ``pivot_id``; ``statistics_pivot_not_found`` otherwise."""
    pivot = _BY_ID.get(pivot_id)
    if pivot is None:
        raise NotFound(
            f"آماری با نام «{pivot_id}» در داشبورد نیست.",
            f"The dashboard has no statistic named '{pivot_id}'.",
            code="statistics_pivot_not_found",
            details={"pivot": pivot_id, "known": sorted(_BY_ID)},
        )
    return pivot
