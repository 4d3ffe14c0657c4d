"""The lines of a CSV file as hashes: what lets a re-sent file skip its unchanged rows.

Institutions re-send the whole term every time, and from one send to the next almost
every line of the file is byte for byte the same. After a snapshot is loaded from a
CSV file, the gateway keeps a *line index* for the slice: for every current row, the
hash of the file line it came from, its row hash, its key and whether it passed with
no finding at all. When the next file for the slice is read under the same validation
context (same data-set version, code lists, reference data, encoding, delimiter and
header), a line found in the index among the clean rows needs no parsing, checking or
writing: the row it stands for is current and unchanged. Only the other lines go
through the pipeline (decision 0010).

The index is only made and used when every record of the file is one line, so a line
and a record are the same thing; a file with a quoted line break falls back to the
full path. Hashes are polars' 64-bit hashes, so a scheme string names the version.
"""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import numpy as np
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

from dargah.records.tables import HASH
from dargah.submissions.hashes import HashRuns
from dargah.submissions.spool import FrameSpool

LINE: Final = "_line"
CLEAN: Final = "_clean"
LINE_SCHEME: Final = f"polars-{pl.__version__}-lines-v1"
_SEED: Final = 1403
_BLOCK_BYTES: Final = 8 << 20
_NEWLINE: Final = 0x0A
_QUOTE: Final = 0x22
_CARRIAGE_RETURN: Final = 0x0D
PART_ROWS: Final = 250_000
"""Entries per stored part of an index (about 6 MB)."""
MAX_CHANGED_SHARE: Final = 0.25
"""Beyond this share of changed lines, the whole file is processed the ordinary way."""
_UTF8: Final = frozenset({"utf-8", "utf-8-sig", "ascii"})
ASCII_COMPATIBLE: Final = frozenset({"utf-8", "utf-8-sig", "cp1256", "windows-1256", "ascii"})
"""Encodings in which a line break is the byte 0x0A and nothing else contains it."""


def line_hashes(data: bytes) -> tuple[pl.Series, bool]:
    """The hash of every line of ``data`` and whether every line has balanced quotes.

    ``data`` must be whole lines: each ends with a line break, except perhaps the last
    one, which is hashed as if it had one (so the file's last line hashes the same
    whether or not the file ends with a line break). Unbalanced quotes on a line mean
    a quoted field spans lines: then lines are not records, and the caller must not
    use the hashes as row identities.
    """
    lines = _Lines.split(data)
    return lines.hashes, lines.balanced


@dataclass
class _Lines:
    data: bytes  # ends with a line break
    ends: np.ndarray  # offset just past each line break
    hashes: pl.Series
    balanced: bool

    @classmethod
    def split(cls, data: bytes) -> _Lines:
        if data and data[-1] != _NEWLINE:
            data += b"\n"
        array = np.frombuffer(data, dtype=np.uint8)
        ends = np.flatnonzero(array == _NEWLINE) + 1
        offsets = np.concatenate((np.zeros(1, dtype=np.int64), ends.astype(np.int64)))
        balanced = True
        quotes = np.flatnonzero(array == _QUOTE)
        if quotes.size:
            per_line = np.diff(np.searchsorted(quotes, offsets))
            balanced = not bool((per_line % 2).any())
        lines = pa.LargeBinaryArray.from_buffers(
            pa.large_binary(), ends.size, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
        )
        return cls(data, ends, pl.Series(LINE, lines).hash(seed=_SEED), balanced)

    def keep(
        self, wanted: np.ndarray, first_row: int, parts: list[bytes], rows: list[np.ndarray]
    ) -> int:
        """Append the wanted lines (not blank ones), as one piece, and their row
        numbers; return how many were appended."""
        array = np.frombuffer(self.data, dtype=np.uint8)
        starts = np.concatenate((np.zeros(1, dtype=np.int64), self.ends[:-1]))
        lengths = self.ends - starts
        blank = (lengths == 1) | ((lengths == 2) & (array[starts] == _CARRIAGE_RETURN))
        positions = np.flatnonzero(wanted & ~blank)
        if positions.size:
            # Joined per block: a bytes object kept per line cost a re-send with a
            # million changed lines tens of megabytes more than the lines themselves.
            data, ends = self.data, self.ends
            parts.append(b"".join(data[starts[at] : ends[at]] for at in positions.tolist()))
        rows.append(first_row + positions.astype(np.int64))
        return int(positions.size)


@dataclass
class LineIndex:
    """A slice's line index: one entry per current row.

    Only the line hashes of the clean entries are held in memory, sorted (8 bytes an
    entry); the whole entries (keys, row hashes) are read back a part at a time when
    wanted, so a big slice's index never has to fit in memory at once.
    """

    vouched: HashRuns
    """The line hashes of the entries whose rows passed with no finding."""
    height: int
    """How many entries (current rows) the index has."""
    read_parts: Callable[[], Iterable[bytes]]
    """The whole entries, as Arrow IPC parts."""

    def frames(self) -> Iterator[pl.DataFrame]:
        """The entries, a part at a time. Columns: the key fields (typed), ``_hash``
        (row hash), ``_line`` and ``_clean``."""
        for data in self.read_parts():
            yield pl.read_ipc(io.BytesIO(data))

    @classmethod
    def from_parts(cls, read_parts: Callable[[], Iterable[bytes]]) -> LineIndex:
        """An index stored as parts; reads them once for the line hashes."""
        vouched = HashRuns()
        height = 0
        for data in read_parts():
            part = pl.read_ipc(io.BytesIO(data), columns=[LINE, CLEAN])
            height += part.height
            vouched.add(part.filter(pl.col(CLEAN))[LINE].to_numpy())
        return cls(vouched, height, read_parts)

    @classmethod
    def of_frame(cls, entries: pl.DataFrame) -> LineIndex:
        """An index held in memory."""
        buffer = io.BytesIO()
        entries.write_ipc(buffer, compression="uncompressed")
        data = buffer.getvalue()
        return cls.from_parts(lambda: (data,))


@dataclass
class ChangedLines:
    """What a re-sent file holds beyond the clean rows the slice already has."""

    text: bytes
    """The lines to read and check, in file order, each ending with a line break."""
    rows: np.ndarray
    """The row number of each of those lines, as a person sees it in the file."""
    missing: pl.Series
    """The line hashes of clean entries whose lines the file no longer has (few)."""

    def unchanged(self, entries: pl.DataFrame) -> pl.Series:
        """Boolean, for some entries of the index: whether the entry's line is in the
        file, so that its row stays as it is."""
        return entries.select(
            pl.col(CLEAN) & ~pl.col(LINE).is_in(self.missing.implode())
        ).to_series()


def plan_increment(
    path: Path, *, data_offset: int, first_row: int, index: LineIndex, encoding: str = "utf-8"
) -> ChangedLines | None:
    """Split a file into lines the index vouches for and lines to process.

    Returns None when the shortcut does not hold and the whole file must be processed:
    a quoted field spans lines, a line the index vouches for appears twice (a
    duplicate key the full check must report), or so much has changed that the
    ordinary path is as quick. Marks the index's lines met (``index.vouched``).
    """
    # Sorted hashes searched block by block: cheaper than a hash set rebuilt per block,
    # and numpy's memory goes back to the system as soon as it is freed.
    limit = max(1_000, int(index.height * MAX_CHANGED_SHARE))
    changed = 0
    parts: list[bytes] = []
    rows: list[np.ndarray] = []
    row = first_row
    for lines in _split_blocks(_line_blocks(path, data_offset), encoding):
        if not lines.balanced:
            return None
        known, twice = index.vouched.mark(lines.hashes.to_numpy())
        if twice:
            return None  # a vouched-for line twice
        if not known.all():
            changed += lines.keep(~known, row, parts, rows)
            if changed > limit:
                return None
        row += lines.ends.size
    row_numbers = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
    missing = pl.Series(LINE, index.vouched.unmarked(), dtype=pl.UInt64)
    return ChangedLines(text=b"".join(parts), rows=row_numbers, missing=missing)


def _split_blocks(blocks: Iterator[bytes], encoding: str) -> Iterator[_Lines]:
    """Split and hash blocks on two threads (numpy and polars let go of the GIL), in
    order, with at most two blocks in hand."""
    utf8 = encoding in _UTF8

    def split(block: bytes) -> _Lines:
        # Lines are hashed as UTF-8, as the reader hands them on (a single-byte
        # encoding cut at a line break is cut at a character boundary too).
        return _Lines.split(block if utf8 else block.decode(encoding).encode("utf-8"))

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="dargah-lines") as pool:
        pending: deque[Future[_Lines]] = deque()
        for block in blocks:
            pending.append(pool.submit(split, block))
            if len(pending) == 2:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _line_blocks(path: Path, offset: int) -> Iterator[bytes]:
    """Whole lines of the file from ``offset``, a few megabytes at a time."""
    carry = b""
    with path.open("rb") as handle:
        handle.seek(offset)
        while True:
            block = handle.read(_BLOCK_BYTES)
            data = carry + block if carry else block
            if not block:
                if data:
                    yield data
                return
            cut = data.rfind(b"\n") + 1
            carry = data[cut:]
            if cut:
                yield data[:cut]


@dataclass
class LineLedger:
    """Collects the entries of a slice's next line index while a file loads.

    The entries go to a temporary file as they come (``spool``), so memory does not
    grow with the file. Gives up (``usable`` false) when an entry cannot be known: a
    row without its line (a quoted line break), or a kept row (rejected under
    accept-valid, its earlier version left current) with no earlier index to take the
    entry from.
    """

    key: list[str]
    previous: LineIndex | None = None
    usable: bool = True
    _entries: FrameSpool = field(default_factory=lambda: FrameSpool(PART_ROWS))

    @property
    def _columns(self) -> list[str]:
        return [*self.key, HASH, LINE, CLEAN]

    def loaded(self, rows: pl.DataFrame, hashes: pl.Series) -> None:
        """Upserted rows (typed, with ``_line`` and ``_clean``) and their row hashes."""
        if not self.usable:
            return
        if LINE not in rows.columns or rows[LINE].null_count():
            self._give_up()
            return
        self._add(rows.select([*self.key, LINE, CLEAN]).with_columns(hashes.alias(HASH)))

    def kept(self, keys: pl.DataFrame) -> None:
        """Keys of rows rejected under accept-valid: their current versions stay."""
        if not self.usable or not keys.height:
            return
        if self.previous is None:
            self._give_up()
            return
        wanted = keys.select(self.key)
        for part in self.previous.frames():
            entries = part.join(wanted, on=self.key, how="semi")
            # Their lines were checked under an earlier context: never skip them blindly.
            self._add(entries.with_columns(pl.lit(False).alias(CLEAN)))

    def carried(self, entries: pl.DataFrame) -> None:
        """Entries of unchanged lines, taken over from the previous index."""
        if self.usable:
            self._add(entries)

    def entries(self, row_count: int) -> FrameSpool | None:
        """The new index's entries, if they are complete: one per current row."""
        # Keys are unique by construction (the validator refuses a duplicate), so a
        # count that matches the slice's means the index covers it exactly.
        if not self.usable or not self._entries.height or self._entries.height != row_count:
            return None
        return self._entries

    def _add(self, entries: pl.DataFrame) -> None:
        if entries.height:
            self._entries.append(entries.select(self._columns))

    def _give_up(self) -> None:
        self.usable = False
        self._entries.close()
