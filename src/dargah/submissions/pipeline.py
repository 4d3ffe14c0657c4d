"""The pass over a file: read a batch, validate it, load what may be loaded, repeat.

Memory stays bounded by the batch size: findings beyond ``MAX_STORED_FINDINGS`` are
counted, not kept. The same pass serves the gateway (with a loader) and the offline
``dargah push --validate-only`` (without one).
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, cast

import polars as pl

from dargah.catalogue.documents import DatasetDocument
from dargah.errors import InvalidInput
from dargah.persian import match_key
from dargah.records.store import SliceLoader
from dargah.submissions import issues
from dargah.submissions.fields import CodeLookup
from dargah.submissions.headers import HeaderMatch, match_headers
from dargah.submissions.lines import CLEAN, LINE, LineLedger
from dargah.submissions.readers import TableSource, open_table
from dargah.submissions.validation import (
    ACTION,
    ACTION_HEADERS,
    DELETE,
    ROW,
    BatchValidator,
    ValidatedBatch,
)

MAX_STORED_FINDINGS: Final = 100_000
BATCH_ROWS: Final = 50_000
FIRST_ROWS: Final = 10_000

Progress = Callable[[int, float, int | None], None]
"""Called after each batch with rows done so far, rows per second and the rows
expected in all (an estimate for CSV, None when unknown)."""


@dataclass
class PassOutcome:
    """What one pass over a file found and did."""

    columns: dict[str, str]  # header text → field name
    received: int = 0
    accepted: int = 0
    rejected: int = 0
    errors: int = 0
    warnings: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    findings: list[pl.DataFrame] = field(default_factory=list)
    stored: int = 0
    loaded: bool = False

    @property
    def findings_frame(self) -> pl.DataFrame:
        """The kept findings, in file order."""
        if not self.findings:
            return issues.empty_issues()
        return pl.concat(self.findings).sort("row", nulls_last=False, maintain_order=True)


def check_headers(source: TableSource, document: DatasetDocument) -> tuple[HeaderMatch, int | None]:
    """Match the file's headers to the schema; refuse files that cannot be read as it.

    Returns the match and the index of the action column, if the file has one.
    """
    headers = list(source.headers)
    action_index = next(
        (index for index, text in enumerate(headers) if match_key(text) in ACTION_HEADERS), None
    )
    rest = [text if index != action_index else "" for index, text in enumerate(headers)]
    matched = match_headers(rest, document.schema_)
    unknown = [text for text in matched.unknown if text]
    if unknown or matched.missing_required or matched.duplicates:
        raise InvalidInput(
            "سرستون‌های فایل با تعریف مجموعه‌داده نمی‌خواند.",
            "The file's headers do not match the data set's definition.",
            code="submission_headers",
            details={
                "unknown": unknown,
                "missing_required": matched.missing_required,
                "missing_optional": matched.missing_optional,
                "duplicates": matched.duplicates,
                "expected": [
                    {"name": item.name, "title": item.title, "title_en": item.title_en}
                    for item in document.schema_.fields
                ],
            },
        )
    return matched, action_index


def run_pass(
    source: TableSource,
    validator: BatchValidator,
    *,
    loader: SliceLoader | None,
    all_or_nothing: bool,
    progress: Progress | None = None,
    batch_rows: int | None = None,
    ledger: LineLedger | None = None,
    unchanged: int = 0,
) -> PassOutcome:
    """Validate every batch and load the accepted rows while loading is allowed.

    Under all-or-nothing, loading stops at the first error (the caller then rolls the
    transaction back) but validation goes on so the report is complete. ``unchanged``
    counts rows of the file already recognised as current and clean, which are not in
    ``source`` (a re-sent file's unchanged lines); ``ledger`` collects the next line
    index of the slice.
    """
    matched, action_index = check_headers(source, validator.document)
    renames = dict(matched.columns)
    if action_index is not None:
        renames[f"c{action_index}"] = ACTION
    outcome = PassOutcome(
        columns={source.headers[int(column[1:])]: name for column, name in sorted(renames.items())},
        received=unchanged,
        accepted=unchanged,
    )
    loading = loader is not None
    started = time.perf_counter()
    expected = source.expected_rows
    total = None if expected is None else expected + unchanged
    # Reference rows are read here, on the caller's connection, before the reading
    # thread starts: the database is only ever touched from this thread.
    validator.prefetch_references()
    size = batch_rows or BATCH_ROWS
    for batch, checked in _validated_batches(source, validator, renames, size):
        _count(outcome, checked.issues)
        accepted = int(checked.accepted.sum())
        outcome.received += batch.height
        outcome.accepted += accepted
        outcome.rejected += batch.height - accepted
        if all_or_nothing and outcome.rejected:
            loading = False
        if loading and loader is not None:
            _load(loader, ledger, batch, checked, validator.key)
        if progress is not None:
            elapsed = max(time.perf_counter() - started, 1e-9)
            rate = outcome.received / elapsed
            progress(
                outcome.received, rate, None if total is None else max(total, outcome.received)
            )
    _count(outcome, validator.submission_findings())
    if all_or_nothing and outcome.rejected:
        outcome.accepted = 0
        outcome.rejected = outcome.received
    outcome.loaded = loading and loader is not None and outcome.accepted > 0
    return outcome


def _load(
    loader: SliceLoader,
    ledger: LineLedger | None,
    batch: pl.DataFrame,
    checked: ValidatedBatch,
    key: list[str],
) -> None:
    """Load a batch's accepted rows, keep its rejected ones' current versions, and
    note both in the ledger of the next line index."""
    rows = checked.rows
    if ledger is not None:
        rows = rows.with_columns(
            batch[LINE] if LINE in batch.columns else pl.lit(None, dtype=pl.UInt64),
            (~rows[ROW].is_in(checked.issues["row"].drop_nulls().implode())).alias(CLEAN),
        )
    loadable = rows.filter(checked.accepted)
    hashes = loader.load(loadable)
    kept = loader.keep(rows.filter(~checked.accepted).select(key))
    if ledger is not None:
        ledger.loaded(loadable.filter(pl.col(ACTION) != DELETE), hashes)
        ledger.kept(kept)


_DONE: Final = object()


def _validated_batches(
    source: TableSource, validator: BatchValidator, renames: dict[str, str], batch_rows: int
) -> Iterator[tuple[pl.DataFrame, ValidatedBatch]]:
    """Read and validate the next batches in a thread while the caller loads this one.

    Polars releases the GIL while it parses and checks, and the database driver while
    it writes, so on two cores reading and loading overlap. At most two validated
    batches wait, so memory stays bounded.
    """
    waiting: queue.Queue[object] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def produce() -> None:
        try:
            for raw in _first_small(source.batches(batch_rows)):
                if stop.is_set():
                    return
                extra = [LINE] if LINE in raw.columns else []
                batch = raw.select([ROW, *renames, *extra]).rename(renames)
                waiting.put((batch, validator.validate(batch)))
            waiting.put(_DONE)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            waiting.put(exc)

    worker = threading.Thread(target=produce, name="dargah-validate", daemon=True)
    worker.start()
    try:
        while True:
            item = waiting.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield cast(tuple[pl.DataFrame, ValidatedBatch], item)
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            with contextlib.suppress(queue.Empty):
                waiting.get(timeout=0.05)
        worker.join()


def _first_small(batches: Iterator[pl.DataFrame]) -> Iterator[pl.DataFrame]:
    """The first batch in two: a small one first, so loading starts at once instead of
    waiting for a whole batch to be checked."""
    first = next(batches, None)
    if first is None:
        return
    yield from (
        (first.slice(0, FIRST_ROWS), first.slice(FIRST_ROWS))
        if first.height > FIRST_ROWS
        else (first,)
    )
    yield from batches


def _count(outcome: PassOutcome, found: pl.DataFrame) -> None:
    if not found.height:
        return
    for code, count in found.group_by("code").len().iter_rows():
        outcome.counts[str(code)] += int(count)
    by_severity = dict(found.group_by("severity").len().iter_rows())
    outcome.errors += int(by_severity.get(issues.ERROR, 0))
    outcome.warnings += int(by_severity.get(issues.WARNING, 0))
    room = MAX_STORED_FINDINGS - outcome.stored
    if room > 0:
        kept = found.head(room)
        outcome.findings.append(kept)
        outcome.stored += kept.height


def header_columns(columns: dict[str, str], fields: Sequence[str]) -> dict[str, str]:
    """Field name → header text as the file had it (for the report's column)."""
    by_field = {name: header for header, name in columns.items()}
    return {name: by_field.get(name, name) for name in fields}


def validate_file(
    path: Path,
    document: DatasetDocument,
    code_lookups: Mapping[str, CodeLookup],
    *,
    delta: bool = False,
    encoding: str | None = None,
    progress: Progress | None = None,
) -> PassOutcome:
    """Check a file against a data-set version without any database (offline).

    Rules that refer to other data sets cannot be checked here and are reported as
    ``reference_unchecked`` warnings; everything else is exactly what the gateway does.
    """
    validator = BatchValidator(document, code_lookups=code_lookups, delta=delta)
    with open_table(path, filename=path.name, encoding=encoding) as table:
        return run_pass(table, validator, loader=None, all_or_nothing=False, progress=progress)
