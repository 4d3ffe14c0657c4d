"""The line index: hashing lines, and splitting a re-sent file into unchanged and other lines."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from dargah.records.tables import HASH
from dargah.submissions.lines import (
    CLEAN,
    LINE,
    LineIndex,
    LineLedger,
    line_hashes,
    plan_increment,
)
from dargah.submissions.spool import FrameSpool

HEADER = b"student_number,name\n"


def _entries(lines: list[bytes], *, clean: list[bool] | None = None) -> pl.DataFrame:
    hashes, balanced = line_hashes(b"".join(lines))
    assert balanced
    return pl.DataFrame(
        {
            "student_number": [line.split(b",")[0].decode() for line in lines],
            HASH: pl.Series(range(len(lines)), dtype=pl.UInt64),
            LINE: hashes,
            CLEAN: clean if clean is not None else [True] * len(lines),
        }
    )


def _index(lines: list[bytes], *, clean: list[bool] | None = None) -> LineIndex:
    return LineIndex.of_frame(_entries(lines, clean=clean))


def _all(index: LineIndex | FrameSpool) -> pl.DataFrame:
    return pl.concat(list(index.frames())).sort("student_number")


def _write(tmp_path: Path, lines: list[bytes]) -> Path:
    path = tmp_path / "students.csv"
    path.write_bytes(HEADER + b"".join(lines))
    return path


def test_a_line_hashes_the_same_with_or_without_the_final_line_break() -> None:
    with_break, _ = line_hashes(b"1,a\n2,b\n")
    without, _ = line_hashes(b"1,a\n2,b")
    assert with_break.to_list() == without.to_list()
    assert with_break[0] != with_break[1]


def test_a_quoted_line_break_makes_lines_unusable_as_records() -> None:
    _, balanced = line_hashes(b'1,"two\nlines"\n2,b\n')
    assert not balanced
    _, balanced = line_hashes(b'1,"quoted, fine"\n2,"say ""hi"""\n')
    assert balanced


def test_the_index_survives_a_round_trip_through_parts() -> None:
    entries = _entries([f"{number},a\n".encode() for number in range(7)])
    spool = FrameSpool(3)
    spool.append(entries.slice(0, 2))
    spool.append(entries.slice(2))
    parts = list(spool.parts())
    assert len(parts) == 3  # 3 + 3 + 1 entries
    reads: list[int] = []

    def read_parts() -> list[bytes]:
        reads.append(1)
        return parts

    again = LineIndex.from_parts(read_parts)
    assert len(reads) == 1  # the line hashes are read once and kept
    assert again.height == 7
    assert again.vouched.contains(entries[LINE].to_numpy()).all()
    assert pl.concat(list(again.frames())).equals(entries)


def test_a_resent_file_is_split_into_unchanged_and_other_lines(tmp_path: Path) -> None:
    old = [f"{number},name{number}\n".encode() for number in range(5_000)]
    entries = _entries(old)
    index = LineIndex.of_frame(entries)
    new = list(old)
    new[10] = b"10,changed\n"  # changed
    del new[20]  # gone
    new.append(b"\n")  # blank: neither
    new.append(b"99999,new")  # new, no final line break
    path = _write(tmp_path, new)
    plan = plan_increment(path, data_offset=len(HEADER), first_row=2, index=index)
    assert plan is not None
    assert plan.text == b"10,changed\n99999,new\n"
    # Row numbers as a person sees them: the header is row 1.
    assert plan.rows.tolist() == [12, 5002]
    unchanged = plan.unchanged(entries)
    assert unchanged.sum() == 4_998
    assert not unchanged[10]
    assert not unchanged[20]
    assert unchanged[0]


def test_changed_lines_side_by_side_keep_their_bytes_and_rows(tmp_path: Path) -> None:
    """Neighbouring changed lines, Windows line ends and a blank line between them."""
    old = [f"{number},name{number}\r\n".encode() for number in range(3_000)]
    entries = _entries(old)
    new = list(old)
    new[0] = b"0,first\r\n"  # the very first line
    new[7] = b"7,seven\r\n"
    new[8] = b"8,eight\r\n"  # right after another changed line
    new.insert(9, b"\r\n")  # blank: not a row to read
    new[2_999] = b"2998,last\r\n"  # the last but one (moved down by the blank)
    plan = plan_increment(
        _write(tmp_path, new),
        data_offset=len(HEADER),
        first_row=2,
        index=LineIndex.of_frame(entries),
    )
    assert plan is not None
    assert plan.text == b"0,first\r\n7,seven\r\n8,eight\r\n2998,last\r\n"
    assert plan.rows.tolist() == [2, 9, 10, 3_001]


def test_only_clean_entries_vouch_for_their_lines(tmp_path: Path) -> None:
    old = [f"{number},x\n".encode() for number in range(3)]
    entries = _entries(old, clean=[True, False, True])
    index = LineIndex.of_frame(entries)
    plan = plan_increment(_write(tmp_path, old), data_offset=len(HEADER), first_row=2, index=index)
    assert plan is not None
    assert plan.text == b"1,x\n"
    assert plan.unchanged(entries).to_list() == [True, False, True]


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        ([b"1,x\n", b"1,x\n", b"2,y\n"], "a vouched line twice is a duplicate key to report"),
        ([b'1,"a\nb"\n', b"2,y\n"], "a record spanning lines"),
        ([b"7,new\n"] * 1, "nothing in common is no shortcut"),
    ],
)
def test_the_shortcut_is_refused_when_it_would_not_hold(
    tmp_path: Path, lines: list[bytes], reason: str
) -> None:
    old = [f"{number},x\n".encode() for number in range(1, 3)] + [b"2,y\n"]
    many = [f"{number},filler\n".encode() for number in range(100, 2_200)]
    index = _index(old + many if "nothing" not in reason else old)
    content = lines + many if "nothing" not in reason else lines * 2_000
    plan = plan_increment(
        _write(tmp_path, content), data_offset=len(HEADER), first_row=2, index=index
    )
    assert plan is None, reason


def test_the_ledger_builds_a_complete_index_or_none() -> None:
    key = ["student_number"]
    rows = pl.DataFrame(
        {
            "student_number": ["1", "2"],
            LINE: pl.Series([5, 6], dtype=pl.UInt64),
            CLEAN: [True, False],
        }
    )
    ledger = LineLedger(key)
    ledger.loaded(rows, pl.Series([10, 11], dtype=pl.Int64))
    ledger.loaded(rows.clear(), pl.Series([], dtype=pl.Int64))
    entries = ledger.entries(2)
    assert entries is not None
    assert _all(entries)[HASH].to_list() == [10, 11]
    assert ledger.entries(3) is None  # a row the ledger never saw: not complete

    lost = LineLedger(key)
    lost.kept(pl.DataFrame({"student_number": ["3"]}))  # no earlier index to take it from
    assert lost.entries(0) is None
    assert not lost.usable

    no_lines = LineLedger(key)
    no_lines.loaded(rows.with_columns(pl.lit(None, dtype=pl.UInt64).alias(LINE)), rows[CLEAN])
    assert not no_lines.usable


def test_kept_rows_take_their_entry_from_the_earlier_index_but_are_not_clean() -> None:
    key = ["student_number"]
    earlier = _index([b"1,a\n", b"2,b\n"])
    ledger = LineLedger(key, previous=earlier)
    ledger.kept(pl.DataFrame({"student_number": ["2"]}))
    ledger.carried(_all(earlier).filter(pl.col("student_number") == "1"))
    entries = ledger.entries(2)
    assert entries is not None
    assert _all(entries)[CLEAN].to_list() == [True, False]
    assert _all(entries)[LINE].equals(_all(earlier)[LINE])
