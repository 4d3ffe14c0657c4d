"""The statistics dashboard's panels: a pivot's answer as a table and a bar chart.

Labels in the page's language, counts with Persian digits on Persian pages, withheld
cells marked (no bar, no number); the chart is the query builder's server-drawn SVG.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlencode

from dargah.errors import DargahError
from dargah.statistics.service import Coverage, PivotView, Statistic
from dargah.web.i18n import Language, digits, format_number, translate
from dargah.web.query_forms import Chart, bar_chart

# Bars per chart: a dashboard shows the largest groups; the table and the CSV hold all.
CHART_BARS: Final = 15


@dataclass(frozen=True)
class PivotCell:
    """One cell of a panel's table."""

    text: str
    numeric: bool = False
    withheld: bool = False
    hint: str | None = None  # the stored code behind a label


@dataclass(frozen=True)
class PivotPanel:
    """One pivot on the dashboard: its answer drawn, or why it could not be."""

    view: PivotView
    statistic: Statistic | None = None
    error: DargahError | None = None
    headers: list[str] = field(default_factory=list)
    rows: list[list[PivotCell]] = field(default_factory=list)
    chart: Chart | None = None
    year_of_term: str | None = None  # the year read for a term asked of yearly data
    coverage: str = ""  # coverage_text of the period read
    missing_period: str | None = None  # asked of a data set that does not hold it
    links: list[PeriodLink] = field(default_factory=list)  # the periods it does hold


@dataclass(frozen=True)
class PeriodLink:
    """A period a data set holds, as a link to the dashboard at that period."""

    period: str
    text: str  # in the page's digits
    url: str
    national: bool


def dashboard_url(period: str) -> str:
    """The dashboard at ``period``."""
    return f"/statistics?{urlencode({'period': period})}"


def period_links(view: PivotView, language: Language) -> list[PeriodLink]:
    """The periods ``view``'s data set holds, latest first, as links."""
    national = set(view.national)
    return [
        PeriodLink(period, digits(period, language), dashboard_url(period), period in national)
        for period in reversed(view.periods)
    ]


def failed(view: PivotView, error: DargahError) -> PivotPanel:
    """A panel saying why the pivot could not be shown."""
    return PivotPanel(view=view, error=error)


def missing(view: PivotView, period: str, language: Language) -> PivotPanel:
    """A panel saying that the data set holds no data for ``period``, with links to the
    periods it holds (never a raw error)."""
    return PivotPanel(view=view, missing_period=period, links=period_links(view, language))


def percent(share: float, language: Language) -> str:
    """``share`` as a whole percentage: «۹۵٪» in Persian, "95%" in English."""
    value = str(round(share * 100))
    return f"{digits(value, language)}٪" if language == "fa" else f"{value}%"


def coverage_text(coverage: Coverage, language: Language) -> str:
    """«۱۸۰ از ۱۹۰ موسسهٔ موظف گزارش داده‌اند (۹۵٪)», in ``language``."""
    key = "st.coverage_expected" if coverage.institutions_expected else "st.coverage_of_most"
    return translate(
        language,
        key,
        reporting=format_number(coverage.reporting, language),
        expected=format_number(coverage.of, language),
        share=percent(coverage.share, language),
    )


@dataclass(frozen=True)
class DatasetCoverage:
    """Who reported the period shown, for one data set of the dashboard."""

    title: str
    text: str  # coverage_text
    national: bool
    national_link: PeriodLink | None  # the latest national period, when not this one


def coverage_summary(panels: list[PivotPanel], language: Language) -> list[DatasetCoverage]:
    """One line per data set on the dashboard (its first panel that was read)."""
    found: dict[str, DatasetCoverage] = {}
    for item in panels:
        statistic = item.statistic
        if statistic is None or statistic.dataset.slug in found:
            continue
        link = None
        latest = statistic.national_period
        if not statistic.national and latest is not None:
            link = PeriodLink(latest, digits(latest, language), dashboard_url(latest), True)
        dataset = statistic.dataset
        found[dataset.slug] = DatasetCoverage(
            title=dataset.title_en if language == "en" else dataset.title_fa,
            text=coverage_text(statistic.coverage, language),
            national=statistic.national,
            national_link=link,
        )
    return list(found.values())


def panel(view: PivotView, statistic: Statistic, language: Language) -> PivotPanel:
    """The table and chart of ``statistic`` in ``language``."""
    headers = [dimension.title(language) for dimension in statistic.dimensions]
    headers.append(translate(language, "st.count"))
    rows: list[list[PivotCell]] = []
    items: list[tuple[str, float | None]] = []
    for cell in statistic.cells:
        labels = [
            PivotCell(label.text(language), hint=None if label.code is None else str(label.code))
            for label in cell.labels
        ]
        if cell.count is None:
            count = PivotCell(translate(language, "st.withheld"), numeric=True, withheld=True)
        else:
            count = PivotCell(format_number(cell.count, language), numeric=True)
        rows.append([*labels, count])
        name = " · ".join(label.text for label in labels)
        items.append((name, None if cell.count is None else float(cell.count)))
    chart = None
    if items:
        title = f"{statistic.pivot.title(language)} · {digits(statistic.period, language)}"
        chart = bar_chart(title, items, language, bars=CHART_BARS)
    requested = statistic.requested_period
    year = statistic.period if requested and requested != statistic.period else None
    return PivotPanel(
        view=view,
        statistic=statistic,
        headers=headers,
        rows=rows,
        chart=chart,
        year_of_term=year,
        coverage=coverage_text(statistic.coverage, language),
        links=period_links(view, language),
    )
