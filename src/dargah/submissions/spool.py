"""Frames kept on disk rather than in memory while a submission loads.

What a load must remember about every row it has seen (the keys, for duplicates; the
entries of the next line index) grows with the file. Kept in memory, a four-million-row
file would need twice the memory of a one-million-row one; kept in a temporary file,
written and read back a part at a time as Arrow IPC, memory stays the same whatever the
file's size. The file is unlinked from the start, so it goes away with the process.
"""

from __future__ import annotations

import io
import tempfile
import weakref
from collections.abc import Iterator
from typing import IO

import polars as pl


class FrameSpool:
    """An append-only sequence of frames with one schema, in a temporary file.

    Appended frames are gathered until ``part_rows`` rows are in hand, then written as
    one part of exactly ``part_rows`` rows (the last part may be shorter).
    """

    def __init__(self, part_rows: int) -> None:
        self.part_rows = part_rows
        self.height = 0
        self._file: IO[bytes] | None = None
        self._spans: list[tuple[int, int]] = []
        self._pending: list[pl.DataFrame] = []
        self._pending_rows = 0

    def append(self, frame: pl.DataFrame) -> None:
        """Add rows at the end."""
        if not frame.height:
            return
        self.height += frame.height
        self._pending.append(frame)
        self._pending_rows += frame.height
        if self._pending_rows >= self.part_rows:
            self._write_pending(whole_parts_only=True)

    def parts(self) -> Iterator[bytes]:
        """Every part, as Arrow IPC bytes, in order; one in memory at a time."""
        self._write_pending(whole_parts_only=False)
        if self._file is None:
            return
        for start, length in self._spans:
            self._file.seek(start)
            yield self._file.read(length)

    def frames(self, columns: list[str] | None = None) -> Iterator[pl.DataFrame]:
        """Every part as a frame (only ``columns``, if given)."""
        for data in self.parts():
            yield pl.read_ipc(io.BytesIO(data), columns=columns)

    def close(self) -> None:
        """Let the temporary file go (also done when the spool is collected)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._spans.clear()
        self._pending.clear()
        self._pending_rows = 0
        self.height = 0

    def _write_pending(self, *, whole_parts_only: bool) -> None:
        if not self._pending:
            return
        # Concatenated without a copy; each part is sliced out and written on its own.
        pending = pl.concat(self._pending, how="vertical_relaxed", rechunk=False)
        self._pending.clear()
        offset = 0
        while pending.height - offset >= self.part_rows or (
            not whole_parts_only and offset < pending.height
        ):
            self._write(pending.slice(offset, self.part_rows))
            offset += self.part_rows
        rest = pending.slice(offset)
        self._pending = [rest] if rest.height else []
        self._pending_rows = rest.height

    def _write(self, frame: pl.DataFrame) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="dargah-spool-")  # noqa: SIM115 (lives as long as the spool)
            # Closed when the spool is collected, if nobody closed it before.
            weakref.finalize(self, self._file.close)
        buffer = io.BytesIO()
        frame.write_ipc(buffer, compression="uncompressed")
        data = buffer.getbuffer()
        start = self._file.seek(0, io.SEEK_END)
        self._file.write(data)
        self._spans.append((start, len(data)))
