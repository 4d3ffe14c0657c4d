"""HTTP models of the statistics API, and their making from the service's answers."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from pydantic import BaseModel, Field

from dargah.statistics.pivots import Pivot
from dargah.statistics.service import (
    API_PREFIX,
    Label,
    PivotView,
    Statistic,
    access_kind,
    dashboard_periods,
    default_period,
)


class PivotOut(BaseModel):
    """A national pivot the caller can read."""

    id: str
    title_fa: str
    title_en: str
    description_fa: str
    description_en: str
    dataset: str
    dataset_title_fa: str
    dataset_title_en: str
    group_by: list[str]
    access: str = Field(description="own_institution, aggregate or rows")
    grant: int | None = Field(description="The grant it is read under (None: own data)")
    periods: list[str] = Field(description="Periods loaded within your access, oldest first")
    reporting: dict[str, int] = Field(description="Institutions reporting each period")
    national_periods: list[str] = Field(
        description="Periods reported by at least the national share of the institutions "
        "that reported the period most reported"
    )
    latest_period: str | None = Field(description="The latest national period: the default")
    latest_loaded_period: str | None = Field(description="The latest period anyone loaded")
    url: str


class PivotListOut(BaseModel):
    """The pivots the caller can read, and the periods a dashboard offers."""

    pivots: list[PivotOut]
    periods: list[str]
    default_period: str | None = Field(
        description="The latest period national for every pivot holding it"
    )
    national_share: float = Field(description="The share that makes a period national")


class LabelOut(BaseModel):
    """One value of a dimension: the stored code and its labels."""

    code: str | int | bool | None
    label_fa: str
    label_en: str


class DimensionOut(BaseModel):
    """A field the pivot groups by."""

    name: str
    title_fa: str
    title_en: str


class CellOut(BaseModel):
    """One cell: its value on every dimension and its count."""

    groups: dict[str, LabelOut]
    count: int | None = Field(description="None when withheld")
    suppressed: bool = Field(description="Withheld: fewer than the threshold, or to protect one")


class CoverageOut(BaseModel):
    """Who reported the period, within your access."""

    institutions_reporting: int
    institutions_expected: int | None = Field(
        description="Active institutions of the types the data set requires (None: none)"
    )
    expected_reporting: int | None = Field(description="How many of those expected reported")
    most_reporting: int = Field(description="Institutions reporting the period most reported")
    reporting: int = Field(description="Those reporting (of those expected, if named)")
    of: int = Field(description="Counted against: those expected, else most_reporting")
    share: float = Field(description="reporting / of")


class PeriodLinkOut(BaseModel):
    """A period the pivot holds, and its address."""

    period: str
    national: bool
    url: str


class LinksOut(BaseModel):
    """Where to go from here."""

    csv: str
    xlsx: str
    query_builder: str = Field(description="The portal's query builder, filled in")


class StatisticOut(BaseModel):
    """A national pivot for one period."""

    pivot: str
    title_fa: str
    title_en: str
    dataset: str
    version: str
    period: str = Field(description="The period read")
    requested_period: str | None
    access: str
    grant: int | None
    dimensions: list[DimensionOut]
    cells: list[CellOut]
    total: int | None = Field(description="None when the total itself is withheld")
    suppressed_cells: int
    small_cell_threshold: int
    loaded_at: datetime | None = Field(description="The period's last load in your scope")
    coverage: CoverageOut
    national: bool = Field(description="Whether the period read is a national one")
    national_period: str | None = Field(description="The latest national period")
    periods: list[PeriodLinkOut] = Field(description="The periods held, latest first")
    links: LinksOut


def pivot_url(pivot: Pivot, period: str | None = None, **extra: str) -> str:
    """The API address of a pivot's answer."""
    params = {"period": period} if period else {}
    params.update(extra)
    query = f"?{urlencode(params)}" if params else ""
    return f"{API_PREFIX}/statistics/{pivot.id}{query}"


def builder_url(pivot: Pivot, period: str, grant: int | None) -> str:
    """The portal's query builder for the pivot's data set, filled in with it."""
    params: list[tuple[str, str]] = [("group_by", name) for name in pivot.group_by]
    params.append(("as_of", period))
    if grant is not None:
        params.append(("grant", str(grant)))
    return f"/datasets/{pivot.dataset}/query?{urlencode(params)}"


def pivot_out(view: PivotView) -> PivotOut:
    """One entry of the listing."""
    pivot, dataset = view.pivot, view.dataset
    return PivotOut(
        id=pivot.id,
        title_fa=pivot.title_fa,
        title_en=pivot.title_en,
        description_fa=pivot.description_fa,
        description_en=pivot.description_en,
        dataset=dataset.slug,
        dataset_title_fa=dataset.title_fa,
        dataset_title_en=dataset.title_en,
        group_by=list(pivot.group_by),
        access=access_kind(view.access).value,
        grant=view.access.grant_id,
        periods=view.periods,
        reporting=view.reporting,
        national_periods=view.national,
        latest_period=view.latest,
        latest_loaded_period=view.latest_loaded,
        url=pivot_url(pivot),
    )


def listing_out(views: list[PivotView], national_share: float) -> PivotListOut:
    """The listing."""
    return PivotListOut(
        pivots=[pivot_out(view) for view in views],
        periods=dashboard_periods(views),
        default_period=default_period(views),
        national_share=national_share,
    )


def _label_out(label: Label) -> LabelOut:
    return LabelOut(code=label.code, label_fa=label.label_fa, label_en=label.label_en)


def statistic_out(statistic: Statistic) -> StatisticOut:
    """One pivot's answer."""
    pivot = statistic.pivot
    names = [dimension.name for dimension in statistic.dimensions]
    extra = {"grant": str(statistic.access.grant_id)} if statistic.access.grant_id else {}
    return StatisticOut(
        pivot=pivot.id,
        title_fa=pivot.title_fa,
        title_en=pivot.title_en,
        dataset=statistic.dataset.slug,
        version=statistic.version,
        period=statistic.period,
        requested_period=statistic.requested_period,
        access=statistic.kind.value,
        grant=statistic.access.grant_id,
        dimensions=[
            DimensionOut(name=item.name, title_fa=item.title_fa, title_en=item.title_en)
            for item in statistic.dimensions
        ],
        cells=[
            CellOut(
                groups={
                    name: LabelOut(
                        code=label.code, label_fa=label.label_fa, label_en=label.label_en
                    )
                    for name, label in zip(names, cell.labels, strict=True)
                },
                count=cell.count,
                suppressed=cell.suppressed,
            )
            for cell in statistic.cells
        ],
        total=statistic.total,
        suppressed_cells=statistic.suppressed_cells,
        small_cell_threshold=statistic.small_cell_threshold,
        loaded_at=statistic.loaded_at,
        coverage=CoverageOut(
            institutions_reporting=statistic.coverage.institutions_reporting,
            institutions_expected=statistic.coverage.institutions_expected,
            expected_reporting=statistic.coverage.expected_reporting,
            most_reporting=statistic.coverage.most_reporting,
            reporting=statistic.coverage.reporting,
            of=statistic.coverage.of,
            share=round(statistic.coverage.share, 4),
        ),
        national=statistic.national,
        national_period=statistic.national_period,
        periods=[
            PeriodLinkOut(
                period=period,
                national=period in statistic.national_periods,
                url=pivot_url(pivot, period, **extra),
            )
            for period in reversed(statistic.periods)
        ],
        links=LinksOut(
            csv=pivot_url(pivot, statistic.period, format="csv", **extra),
            xlsx=pivot_url(pivot, statistic.period, format="xlsx", **extra),
            query_builder=builder_url(pivot, statistic.period, statistic.access.grant_id),
        ),
    )
