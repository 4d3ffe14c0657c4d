"""Small-cell suppression of aggregate answers over personal data.

An aggregate cell counting fewer than ``k`` people (the data set's
``small_cell_threshold``) could identify them, so its values are withheld — primary
suppression. Withholding one cell is not enough: any total the consumer can obtain
(the answer's own margins, or the same query grouped by one dimension less) minus the
cell's visible neighbours gives it back. So within every *line* of the answer — the
cells that share all dimension values but one — a lone suppressed cell takes the
smallest visible cell of its line with it (secondary suppression), and this repeats
until no line holds exactly one suppressed cell. An answer grouped by nothing or by one
dimension has a single line, whose total is the ungrouped count.

Pure: cells in, indices of the cells to withhold out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    """One group of an aggregate answer: its dimension values and its row count."""

    dimensions: tuple[Hashable, ...]
    count: int


def primary(cells: Sequence[Cell], *, threshold: int) -> set[int]:
    """Indices of the cells counting fewer than ``threshold`` rows."""
    return {index for index, cell in enumerate(cells) if cell.count < threshold}


def suppress(cells: Sequence[Cell], *, threshold: int) -> set[int]:
    """Indices of every cell to withhold: primary, then secondary until stable.

    All cells must have the same number of dimensions. The secondary choice is the
    smallest visible cell of the line (ties: the first in the answer), which loses the
    least information.
    """
    widths = {len(cell.dimensions) for cell in cells}
    if len(widths) > 1:
        raise ValueError("every cell needs the same number of dimensions")
    hidden = primary(cells, threshold=threshold)
    if not hidden:
        return hidden
    width = widths.pop()
    lines = _lines(cells, width)
    changed = True
    while changed:
        changed = False
        for members in lines:
            inside = [index for index in members if index in hidden]
            if len(inside) != 1:
                continue
            visible = [index for index in members if index not in hidden]
            if not visible:
                continue
            smallest = min(visible, key=lambda index: (cells[index].count, index))
            hidden.add(smallest)
            changed = True
    return hidden


def _lines(cells: Sequence[Cell], width: int) -> list[list[int]]:
    """Groups of cell indices sharing all dimension values but one (one per dimension)."""
    if width == 0:
        return [list(range(len(cells)))]
    lines: list[list[int]] = []
    for free in range(width):
        groups: dict[tuple[Hashable, ...], list[int]] = defaultdict(list)
        for index, cell in enumerate(cells):
            fixed = cell.dimensions[:free] + cell.dimensions[free + 1 :]
            groups[fixed].append(index)
        lines.extend(groups.values())
    return lines
