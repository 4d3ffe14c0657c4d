"""The statistics dashboard's panels: a pivot's answer as a table and a bar chart.

Labels in the page's language, counts with Persian digits on Persian pages, withheld
cells marked (no bar, no number); the chart is the query builder's server-drawn SVG.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from dargah.errors import DargahError
from dargah.statistics.service import PivotView, Statistic
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


def failed(view: PivotView, error: DargahError) -> PivotPanel:
    """A panel saying why the pivot could not be shown."""
    return PivotPanel(view=view, error=error)


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
    )
