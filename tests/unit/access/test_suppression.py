"""Small-cell suppression: primary below k, secondary so no line reveals a lone cell."""

from __future__ import annotations

from dargah.access.suppression import Cell, primary, suppress


def _cells(table: dict[tuple[str, ...], int]) -> list[Cell]:
    return [Cell(dimensions=key, count=count) for key, count in table.items()]


def test_cells_under_the_threshold_are_primary() -> None:
    cells = _cells({("a",): 3, ("b",): 5, ("c",): 40})

    assert primary(cells, threshold=5) == {0}


def test_one_dimension_a_lone_small_cell_takes_the_next_smallest_with_it() -> None:
    # The total (the ungrouped count) minus the visible cells would give the 3 back.
    cells = _cells({("a",): 3, ("b",): 9, ("c",): 40})

    assert suppress(cells, threshold=5) == {0, 1}


def test_two_small_cells_in_a_line_need_nothing_more() -> None:
    cells = _cells({("a",): 3, ("b",): 2, ("c",): 40})

    assert suppress(cells, threshold=5) == {0, 1}


def test_two_dimensions_iterate_until_every_line_is_safe() -> None:
    # province × gender. (p1, f) is small; its row (p1) and its column (f) each need a
    # second suppressed cell, and those in turn need partners in their other lines.
    table = {
        ("p1", "f"): 2,
        ("p1", "m"): 30,
        ("p2", "f"): 20,
        ("p2", "m"): 25,
        ("p3", "f"): 50,
        ("p3", "m"): 60,
    }
    cells = _cells(table)

    hidden = suppress(cells, threshold=5)

    keys = [cell.dimensions for cell in cells]
    assert {keys[index] for index in hidden} == {
        ("p1", "f"),
        ("p1", "m"),
        ("p2", "f"),
        ("p2", "m"),
    }
    # No line (cells sharing one value) holds exactly one suppressed cell.
    for position in (0, 1):
        lines: dict[str, list[int]] = {}
        for index, key in enumerate(keys):
            lines.setdefault(key[1 - position], []).append(index)
        for members in lines.values():
            assert len([index for index in members if index in hidden]) != 1


def test_nothing_small_nothing_hidden() -> None:
    assert suppress(_cells({("a", "x"): 10, ("b", "x"): 12}), threshold=5) == set()


def test_a_lone_cell_in_its_line_stays_alone() -> None:
    # Its line has no other cell to take; the coarser total is itself below k.
    assert suppress(_cells({("a",): 2}), threshold=5) == {0}


def test_ungrouped_total_under_k_is_suppressed() -> None:
    assert suppress([Cell(dimensions=(), count=4)], threshold=5) == {0}
