"""Loading a submission's file into its slice: the one transaction that makes it current.

The slice row is locked, the file is read, checked and loaded batch by batch; the
caller commits. A snapshot sent as CSV leaves a line index behind, and the next file
for the slice skips the lines the index vouches for (``submissions.lines``, decision
0010): only new and changed lines are parsed, checked and written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dargah.catalogue import codelists
from dargah.catalogue import service as catalogue
from dargah.catalogue.documents import DatasetDocument, version_tuple
from dargah.catalogue.schema import ExistsInRule
from dargah.db.base import utcnow
from dargah.errors import DargahError
from dargah.records import rollups
from dargah.records import tables as record_tables
from dargah.records.bulk import load_cache
from dargah.records.models import RecordSlice
from dargah.records.store import HASH_SCHEME, SliceLoader
from dargah.submissions.fields import CodeLookup
from dargah.submissions.hashes import HashRuns
from dargah.submissions.line_store import drop_index, read_index, write_index
from dargah.submissions.lines import (
    ASCII_COMPATIBLE,
    LINE_SCHEME,
    LineIndex,
    LineLedger,
    plan_increment,
)
from dargah.submissions.models import AcceptancePolicy, SliceLineIndex, Submission, SubmissionMode
from dargah.submissions.pipeline import PassOutcome, Progress, run_pass
from dargah.submissions.readers import TableSource, detect_format, open_table, read_head
from dargah.submissions.readers.csv import CsvSource
from dargah.submissions.spool import FrameSpool
from dargah.submissions.validation import BatchValidator


class Rejected(Exception):
    """Unwinds the loading transaction of a submission that will not be loaded."""

    def __init__(self, outcome: PassOutcome) -> None:
        super().__init__("rejected")
        self.outcome = outcome


def load_file(
    session: Session,
    submission: Submission,
    document: DatasetDocument,
    path: Path,
    progress: Progress,
) -> PassOutcome:
    """Check the file against the data-set version and, unless validate-only, load it.

    Runs inside the caller's transaction; raises ``Rejected`` when nothing may be
    loaded, so the caller rolls back and keeps only the report.
    """
    lookups, code_digest = _code_lookups(session, document)
    snapshot = submission.mode == SubmissionMode.SNAPSHOT.value
    validator = BatchValidator(
        document,
        code_lookups=lookups,
        references=_reference_lookup(session, submission.institution_id),
        delta=not snapshot,
    )
    all_or_nothing = submission.policy == AcceptancePolicy.ALL_OR_NOTHING.value
    head = read_head(path, 8192)
    source_format = detect_format(submission.filename, head, submission.source_format)
    submission.source_format = source_format.value
    with (
        open_table(
            path,
            format=source_format,
            filename=submission.filename,
            encoding=submission.declared_encoding,
            line_hashes=snapshot and not submission.validate_only,
        ) as table,
        contextlib.ExitStack() as load_context,
    ):
        if submission.validate_only:
            return run_pass(
                table, validator, loader=None, all_or_nothing=all_or_nothing, progress=progress
            )
        connection = session.connection()
        load_context.enter_context(load_cache(connection))
        tables = record_tables.record_tables(document)
        record_tables.ensure(connection, tables)
        slice_row = lock_slice(session, submission)
        loader = SliceLoader(
            connection,
            tables,
            slice_id=slice_row.id,
            submission_id=submission.id,
            snapshot=snapshot,
            rollup_counts=rollups.prepare(connection, document, slice_id=slice_row.id),
        )
        validator.prefetch_references()
        context = _line_context(table, document, code_digest, validator) if snapshot else None
        stored = session.get(SliceLineIndex, slice_row.id)
        previous = _usable_index(session, stored, slice_row, context)
        ledger = LineLedger(document.natural_key, previous=previous) if context else None
        shortcut = (
            _skip_unchanged(path, table, previous, loader, validator, ledger, slice_row.row_count)
            if previous is not None and isinstance(table, CsvSource)
            else None
        )
        previous = None  # what the shortcut needs of it, it has taken
        if shortcut is None:
            loader.start(row_count=slice_row.row_count, hash_scheme=slice_row.hash_scheme)
        source, unchanged = shortcut or (table, 0)
        try:
            outcome = run_pass(
                source,
                validator,
                loader=loader,
                all_or_nothing=all_or_nothing,
                progress=progress,
                ledger=ledger,
                unchanged=unchanged,
            )
            if outcome.accepted == 0 and outcome.rejected > 0:
                raise Rejected(outcome)
            if outcome.received == 0 and not snapshot:
                raise Rejected(outcome)
        except BaseException:
            loader.abandon()
            raise
        slice_row.row_count = loader.finish()
        if loader.rollup_counts is not None:
            loader.rollup_counts.apply(connection)
        slice_row.current_submission_id = submission.id
        slice_row.hash_scheme = HASH_SCHEME
        slice_row.loads += 1
        slice_row.updated_at = utcnow()
        counts = loader.counts
        submission.inserted = counts.inserted
        submission.updated = counts.updated
        submission.unchanged = counts.unchanged
        submission.closed = counts.closed
        entries = ledger.entries(slice_row.row_count) if ledger is not None and context else None
        _store_index(session, slice_row, submission, stored, entries, context)
    return outcome


def _skip_unchanged(
    path: Path,
    table: CsvSource,
    previous: LineIndex,
    loader: SliceLoader,
    validator: BatchValidator,
    ledger: LineLedger | None,
    row_count: int,
) -> tuple[TableSource, int] | None:
    """Set up the pass over a re-sent file's new and changed lines only, if the line
    index allows it: returns their source and how many rows were left unchanged."""
    if table.lines_offset is None:
        return None
    plan = plan_increment(
        path,
        data_offset=table.lines_offset,
        first_row=table.first_row,
        index=previous,
        encoding=table.encoding or "utf-8",
    )
    # All the line hashes had to say is in the plan now, or the shortcut is off: either
    # way they are not needed again (a kept row's entry is read from the stored parts).
    previous.vouched = HashRuns()
    if plan is None:
        return None
    # The previous entries are read a part at a time: those whose lines are unchanged
    # are carried over (their keys seeded for the duplicate check); the others (few:
    # changed, gone) are what the load may still update or close.
    others: list[pl.DataFrame] = []
    unchanged_count = 0
    for part in previous.frames():
        unchanged = plan.unchanged(part)
        others.append(part.filter(~unchanged))
        carried = part.filter(unchanged)
        unchanged_count += carried.height
        validator.seed_keys(carried)
        if ledger is not None:
            ledger.carried(carried)
    remaining = pl.concat(others)
    loader.start_with(remaining, row_count=row_count, unchanged=unchanged_count)
    if ledger is not None:
        # A kept row (rejected, left current) is always one of the others.
        ledger.previous = LineIndex.of_frame(remaining)
    return table.changed_lines(plan.text, plan.rows), unchanged_count


def _line_context(
    table: TableSource, document: DatasetDocument, code_digest: str, validator: BatchValidator
) -> str | None:
    """Everything a line's verdict depends on besides its bytes, as one digest; None
    when the file's lines cannot serve as row identities."""
    if not isinstance(table, CsvSource) or table.lines_offset is None:
        return None
    if (table.encoding or "") not in ASCII_COMPATIBLE:
        return None
    digest = hashlib.sha256()
    for part in (
        LINE_SCHEME,
        HASH_SCHEME,
        document.model_dump_json(),
        code_digest,
        validator.reference_digest(),
        table.encoding or "",
        table.delimiter or "",
        json.dumps(table.headers, ensure_ascii=False),
    ):
        digest.update(part.encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def _usable_index(
    session: Session,
    stored: SliceLineIndex | None,
    slice_row: RecordSlice,
    context: str | None,
) -> LineIndex | None:
    """The slice's line index, if it describes the slice as it is now and the file is
    read under the same context."""
    if (
        stored is None
        or context is None
        or stored.context != context
        or stored.scheme != LINE_SCHEME
        or stored.submission_id != slice_row.current_submission_id
        or stored.entries != slice_row.row_count
        or slice_row.hash_scheme != HASH_SCHEME
    ):
        return None
    return read_index(session, stored)


def _store_index(
    session: Session,
    slice_row: RecordSlice,
    submission: Submission,
    stored: SliceLineIndex | None,
    entries: FrameSpool | None,
    context: str | None,
) -> None:
    """Keep the new index, or drop the old one, which no longer describes the slice."""
    if stored is not None:
        session.expunge(stored)
    if entries is None or context is None:
        drop_index(session, slice_row.id)
        return
    write_index(
        session,
        slice_id=slice_row.id,
        submission_id=submission.id,
        context=context,
        entries=entries.height,
        parts=entries.parts(),
    )
    entries.close()


def lock_slice(session: Session, submission: Submission) -> RecordSlice:
    """The target's slice row, created if new, locked until this transaction ends."""
    major = version_tuple(submission.version)[0]
    where = (
        RecordSlice.dataset_slug == submission.dataset_slug,
        RecordSlice.major == major,
        RecordSlice.institution_id == submission.institution_id,
        RecordSlice.period == submission.period,
    )
    found = session.scalar(select(RecordSlice).where(*where).with_for_update())
    if found is not None:
        return found
    try:
        with session.begin_nested():
            session.add(
                RecordSlice(
                    dataset_slug=submission.dataset_slug,
                    major=major,
                    institution_id=submission.institution_id,
                    period=submission.period,
                )
            )
    except IntegrityError:
        pass  # another worker made it first; wait for its lock below
    found = session.scalar(select(RecordSlice).where(*where).with_for_update())
    if found is None:
        raise RuntimeError("found is missing")
    return found


def _code_lookups(session: Session, document: DatasetDocument) -> tuple[dict[str, CodeLookup], str]:
    """The code lists the schema uses, and a digest of their values."""
    lookups: dict[str, CodeLookup] = {}
    digest = hashlib.sha256()
    # Sorted: a set's order changes from one process to the next (string hashing is
    # seeded per process), and the digest must not, or no line index would outlive
    # the process that wrote it.
    for slug in sorted(document.schema_.code_lists):
        values = codelists.as_documents(codelists.active_values(session, slug))
        lookups[slug] = CodeLookup(values)
        digest.update(slug.encode())
        for value in values:
            digest.update(value.model_dump_json().encode())
    return lookups, digest.hexdigest()


def _reference_lookup(session: Session, institution_id: int) -> Any:
    """Rows of other data sets the rules refer to, from what the gateway holds now."""

    def lookup(rule: ExistsInRule) -> pl.DataFrame | None:
        try:
            other = catalogue.get_dataset(session, rule.dataset)
        except DargahError:
            return None
        versions = catalogue.accepted_versions(other)
        if not versions:
            return None
        document = catalogue.as_document(other, versions[-1])
        tables = record_tables.record_tables(document)
        connection = session.connection()
        if not record_tables.exists(connection, tables):
            return None
        columns = list(dict.fromkeys(rule.match.values()))
        names = ", ".join(f'r."{name}"' for name in columns)
        conditions = ["s.dataset_slug = :slug"]
        parameters: dict[str, Any] = {"slug": other.slug}
        if rule.same_institution:
            conditions.append("s.institution_id = :institution")
            parameters["institution"] = institution_id
        for index, (name, values) in enumerate((rule.where or {}).items()):
            placeholders = ", ".join(f":w{index}_{n}" for n in range(len(values)))
            conditions.append(f'r."{name}" IN ({placeholders})')
            parameters.update({f"w{index}_{n}": value for n, value in enumerate(values)})
        rows = connection.execute(
            text(
                f'SELECT DISTINCT {names} FROM "{tables.current.name}" r '
                f"JOIN record_slices s ON s.id = r.{record_tables.SLICE} "
                f"WHERE {' AND '.join(conditions)}"
            ),
            parameters,
        ).all()
        if not rows:
            return None
        return pl.DataFrame(
            [tuple(str(value) for value in row) for row in rows], schema=columns, orient="row"
        )

    return lookup
