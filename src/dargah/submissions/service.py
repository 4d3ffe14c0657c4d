"""Submissions: create, receive the body, process it into records, sign the receipt.

Processing runs in one transaction per submission: the slice is locked, rows are
validated and loaded batch by batch, the receipt is signed and the audit entry
written, then everything commits together. A rejection rolls the loading back and
records the report in a second, small transaction. Nothing is visible half-done.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl
from sqlalchemy import ColumnElement, func, insert, select
from sqlalchemy.orm import Session

from dargah.access.policy import Principal, require_institution_access
from dargah.audit import service as audit
from dargah.audit.events import AuditAction
from dargah.catalogue import service as catalogue
from dargah.catalogue.documents import Cadence, DatasetDocument, version_tuple
from dargah.catalogue.models import Dataset
from dargah.config import Settings
from dargah.db.base import utcnow
from dargah.db.session import Database, atomic
from dargah.errors import Conflict, DargahError, InvalidInput, not_found
from dargah.members.models import Member
from dargah.persian.inputs import fold_input
from dargah.records.models import RecordSlice
from dargah.submissions import receipts
from dargah.submissions.loading import Rejected, load_file
from dargah.submissions.models import (
    AcceptancePolicy,
    Submission,
    SubmissionChunk,
    SubmissionFinding,
    SubmissionMode,
    SubmissionStatus,
)
from dargah.submissions.pipeline import PassOutcome, Progress, header_columns

MAX_BODY_BYTES: Final = 2 * 1024**3
_PERIOD_PATTERNS: Final = {
    Cadence.TERM: re.compile(r"^1[34]\d\d-[123]$"),
    Cadence.ACADEMIC_YEAR: re.compile(r"^1[34]\d\d$"),
    Cadence.FISCAL_YEAR: re.compile(r"^1[34]\d\d$"),
    Cadence.CONTINUOUS: re.compile(r"^(current|1[34]\d\d(-[123])?)$"),
    Cadence.ONE_OFF: re.compile(r"^(current|1[34]\d\d(-[123])?)$"),
}


@dataclass(frozen=True)
class Target:
    """Where a submission's rows go."""

    dataset: Dataset
    document: DatasetDocument
    institution: Member
    period: str


# -- creating and receiving ---------------------------------------------------------


def resolve_target(
    session: Session,
    *,
    dataset_slug: str,
    version: str | None,
    institution_id: int,
    period: str,
) -> Target:
    """The data set version, institution and period a submission names, all checked."""
    dataset = catalogue.get_dataset(session, dataset_slug)
    accepted = catalogue.accepted_versions(dataset)
    if not accepted:
        raise Conflict(
            "این مجموعه‌داده نسخهٔ فعالی برای ارسال ندارد.",
            "This data set has no version open for submissions.",
            code="dataset_not_accepting",
        )
    if version is None:
        chosen = accepted[-1]
    else:
        chosen = catalogue.get_version(dataset, version)
        if chosen not in accepted:
            raise Conflict(
                f"نسخهٔ {version} دیگر پذیرفته نمی‌شود؛ نسخهٔ {accepted[-1].version} را به کار ببرید.",
                f"Version {version} is no longer accepted; use {accepted[-1].version}.",
                code="version_not_accepted",
                details={"accepted": [item.version for item in accepted]},
            )
    institution = session.get(Member, institution_id)
    if institution is None or institution.kind != "institution":
        raise not_found("موسسه", "Institution", str(institution_id))
    cadence = Cadence(dataset.cadence)
    # The one place every caller's period passes (API, portal, CLI, batches): «۱۴۰۳-۲»
    # typed as the form's hint shows is the period 1403-2.
    period = fold_input(period)
    if not _PERIOD_PATTERNS[cadence].match(period):
        raise InvalidInput(
            "دورهٔ گزارش با تناوب این مجموعه‌داده نمی‌خواند (نمونه: ۱۴۰۳-۱ برای نیمسال، "
            "۱۴۰۳ برای سال).",
            "The period does not fit the data set's cadence (e.g. 1403-1 for a term, "
            "1403 for a year).",
            code="period_invalid",
            details={"cadence": cadence.value, "period": period},
        )
    return Target(dataset, catalogue.as_document(dataset, chosen), institution, period)


def create_submission(
    session: Session,
    *,
    principal: Principal,
    dataset_slug: str,
    institution_id: int,
    period: str,
    mode: SubmissionMode = SubmissionMode.SNAPSHOT,
    policy: AcceptancePolicy = AcceptancePolicy.ALL_OR_NOTHING,
    version: str | None = None,
    filename: str | None = None,
    source_format: str | None = None,
    encoding: str | None = None,
    validate_only: bool = False,
) -> Submission:
    """Open a submission; its body is uploaded next (``append_chunk``)."""
    require_institution_access(principal, institution_id)
    with atomic(session):
        target = resolve_target(
            session,
            dataset_slug=dataset_slug,
            version=version,
            institution_id=institution_id,
            period=period,
        )
        submission = Submission(
            dataset_slug=target.dataset.slug,
            version=target.document.version,
            institution_id=institution_id,
            period=target.period,
            mode=mode.value,
            policy=policy.value,
            status=SubmissionStatus.RECEIVING.value,
            validate_only=validate_only,
            filename=filename,
            source_format=source_format,
            declared_encoding=encoding,
            submitted_by=principal.name,
            submitted_by_kind=principal.kind,
            system_identifier=principal.system_identifier,
        )
        session.add(submission)
        session.flush()
        audit.record(
            session,
            principal=principal,
            action=AuditAction.SUBMISSION_CREATED,
            entity_type="submission",
            entity_id=submission.id,
            details={
                "dataset": submission.dataset_slug,
                "version": submission.version,
                "institution": target.institution.identifier,
                "period": target.period,
                "mode": mode.value,
                "policy": policy.value,
            },
        )
    return submission


def get_submission(session: Session, submission_id: int, *, principal: Principal) -> Submission:
    """A submission the caller may see."""
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise not_found("ارسال", "Submission", str(submission_id))
    require_institution_access(principal, submission.institution_id)
    return submission


def append_chunk(
    session: Session, submission: Submission, *, principal: Principal, offset: int, data: bytes
) -> Submission:
    """Add a piece of the body at ``offset``; a piece sent again is accepted once.

    The offset must be where the body ends now, so an interrupted upload resumes
    from ``size_bytes`` (which the API reports) and nothing is written twice.
    """
    require_institution_access(principal, submission.institution_id)
    if submission.status != SubmissionStatus.RECEIVING.value:
        raise Conflict(
            "بدنهٔ این ارسال پیش‌تر کامل شده است.",
            "This submission's body is already complete.",
            code="submission_body_complete",
        )
    with atomic(session):
        existing = session.get(SubmissionChunk, (submission.id, offset))
        if existing is not None:
            if existing.data != data:
                raise Conflict(
                    "قطعه‌ای دیگر پیش‌تر در این نقطه دریافت شده است.",
                    "A different piece was already received at this offset.",
                    code="upload_offset_conflict",
                    details={"size": submission.size_bytes},
                )
            return submission
        if offset != submission.size_bytes:
            raise Conflict(
                "ادامهٔ بارگذاری باید از انتهای بخش دریافت‌شده باشد.",
                "An upload resumes where the received part ends.",
                code="upload_offset_mismatch",
                details={"size": submission.size_bytes, "offset": offset},
            )
        if submission.size_bytes + len(data) > MAX_BODY_BYTES:
            raise InvalidInput(
                "فایل بزرگ‌تر از حد مجاز (۲ گیگابایت) است.",
                "The file is larger than the limit (2 GB).",
                code="file_too_large",
            )
        session.add(SubmissionChunk(submission_id=submission.id, offset=offset, data=data))
        submission.size_bytes += len(data)
    return submission


def body_hash(session: Session, submission: Submission) -> str:
    """SHA-256 of the uploaded body."""
    digest = hashlib.sha256()
    for chunk in _chunks(session, submission.id):
        digest.update(chunk)
    return digest.hexdigest()


def _chunks(session: Session, submission_id: int) -> Iterator[bytes]:
    offsets = session.scalars(
        select(SubmissionChunk.offset)
        .where(SubmissionChunk.submission_id == submission_id)
        .order_by(SubmissionChunk.offset)
    ).all()
    for offset in offsets:
        chunk = session.get(SubmissionChunk, (submission_id, offset))
        if chunk is None:
            raise RuntimeError("chunk is missing")
        yield chunk.data
        session.expunge(chunk)


def complete_upload(
    session: Session, submission: Submission, *, principal: Principal
) -> Submission:
    """Close the body: hash it and queue the submission (or point to an identical one)."""
    require_institution_access(principal, submission.institution_id)
    if submission.status != SubmissionStatus.RECEIVING.value:
        return submission
    if submission.size_bytes == 0:
        raise InvalidInput("فایل خالی است.", "The file is empty.", code="file_empty")
    content = body_hash(session, submission)
    with atomic(session):
        submission.content_hash = content
        submission.received_at = utcnow()
        if not _answer_with_same_content(session, submission, principal):
            submission.status = SubmissionStatus.QUEUED.value
    return submission


def _same_content(session: Session, submission: Submission) -> Submission | None:
    """The submission whose content is what the target holds now, if it is this one."""
    if submission.validate_only:
        return None
    major = version_tuple(submission.version)[0]
    current = session.scalar(
        select(Submission)
        .join(RecordSlice, RecordSlice.current_submission_id == Submission.id)
        .where(
            RecordSlice.dataset_slug == submission.dataset_slug,
            RecordSlice.major == major,
            RecordSlice.institution_id == submission.institution_id,
            RecordSlice.period == submission.period,
        )
    )
    if (
        current is not None
        and current.content_hash == submission.content_hash
        and current.mode == submission.mode
        and current.version == submission.version
        and current.id != submission.id
    ):
        return current
    return None


def _answer_with_same_content(
    session: Session, submission: Submission, principal: Principal
) -> bool:
    """If the target already holds this content, answer with that submission's receipt."""
    same = _same_content(session, submission)
    if same is None:
        return False
    submission.status = same.status
    submission.same_as_id = same.id
    submission.receipt = same.receipt
    submission.finished_at = utcnow()
    _copy_counts(same, submission)
    audit.record(
        session,
        principal=principal,
        action=AuditAction.SUBMISSION_DUPLICATE,
        entity_type="submission",
        entity_id=submission.id,
        details={"same_as": same.id, "content_hash": submission.content_hash},
    )
    return True


def _copy_counts(source: Submission, target: Submission) -> None:
    for name in (
        "received",
        "accepted",
        "rejected",
        "inserted",
        "updated",
        "unchanged",
        "closed",
        "errors",
        "warnings",
        "finding_counts",
        "columns",
    ):
        setattr(target, name, getattr(source, name))


# -- processing -----------------------------------------------------------------------


@contextmanager
def _body_file(session: Session, submission: Submission) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="dargah-submission-") as folder:
        path = Path(folder) / (submission.filename or "body")
        with path.open("wb") as handle:
            for chunk in _chunks(session, submission.id):
                handle.write(chunk)
        yield path


def process_submission(
    database: Database,
    submission_id: int,
    *,
    settings: Settings,
    principal: Principal,
    source: Path | None = None,
    progress: Progress | None = None,
    requeue: bool = False,
) -> Submission:
    """Validate and load a queued submission; sign its receipt.

    ``source`` is the body's file when the caller already has it (the CLI on the
    gateway host); otherwise the uploaded chunks are assembled into a temporary file.
    """
    with database.session() as session:
        submission = session.get(Submission, submission_id)
        if submission is None:
            raise not_found("ارسال", "Submission", str(submission_id))
        resumable = {SubmissionStatus.QUEUED.value, SubmissionStatus.PROCESSING.value}
        if requeue:
            # A retried job finds its submission marked failed by the lost attempt.
            resumable.add(SubmissionStatus.FAILED.value)
        if submission.status not in resumable:
            return submission
        with atomic(session):
            submission.status = SubmissionStatus.PROCESSING.value
            submission.started_at = utcnow()
        if source is not None:
            return _process(session, submission, source, settings, principal, progress)
        with _body_file(session, submission) as path:
            return _process(session, submission, path, settings, principal, progress)


def _process(
    session: Session,
    submission: Submission,
    path: Path,
    settings: Settings,
    principal: Principal,
    progress: Progress | None,
) -> Submission:
    def report_progress(done: int, rate: float, total: int | None) -> None:
        submission.progress_done = done
        submission.rows_per_s = int(rate)
        if progress is not None:
            progress(done, rate, total)

    try:
        with atomic(session):
            target = resolve_target(
                session,
                dataset_slug=submission.dataset_slug,
                version=submission.version,
                institution_id=submission.institution_id,
                period=submission.period,
            )
            outcome = load_file(session, submission, target.document, path, report_progress)
            _finish(session, submission, outcome, settings, principal)
    except Rejected as rejected:
        with atomic(session):
            _finish(session, submission, rejected.outcome, settings, principal)
    except DargahError as exc:
        session.rollback()
        with atomic(session):
            _fail(session, submission, exc, principal)
    except Exception:
        # A fault of the gateway, not of the file: record it, then let the caller
        # (the job runner) log and retry. Nothing of the load was committed.
        session.rollback()
        with atomic(session):
            _fail(
                session,
                submission,
                DargahError(
                    "پردازش این ارسال در درگاه با خطا روبه‌رو شد؛ دوباره تلاش می‌شود.",
                    "The gateway failed while processing this submission; it will be retried.",
                    code="submission_internal_error",
                ),
                principal,
                failed=True,
            )
        raise
    return submission


def _finish(
    session: Session,
    submission: Submission,
    outcome: PassOutcome,
    settings: Settings,
    principal: Principal,
) -> None:
    submission.received = outcome.received
    submission.accepted = outcome.accepted
    submission.rejected = outcome.rejected
    submission.errors = outcome.errors
    submission.warnings = outcome.warnings
    submission.finding_counts = dict(outcome.counts)
    submission.columns = outcome.columns
    submission.progress_done = outcome.received
    if not outcome.loaded:
        submission.inserted = submission.updated = submission.unchanged = submission.closed = 0
    if submission.validate_only:
        status = SubmissionStatus.VALIDATED
    elif not outcome.loaded and (outcome.rejected or outcome.received == 0):
        status = SubmissionStatus.REJECTED
    elif outcome.rejected:
        status = SubmissionStatus.PARTIALLY_ACCEPTED
    else:
        status = SubmissionStatus.ACCEPTED
    submission.status = status.value
    submission.finished_at = utcnow()
    _store_findings(session, submission, outcome)
    # A check-only submission stores nothing, so there is nothing for a receipt to
    # attest: its report is its answer (and the page must not offer a receipt).
    submission.receipt = (
        None if submission.validate_only else receipts.issue(session, submission, settings=settings)
    )
    audit.record(
        session,
        principal=principal,
        action={
            SubmissionStatus.ACCEPTED: AuditAction.SUBMISSION_ACCEPTED,
            SubmissionStatus.PARTIALLY_ACCEPTED: AuditAction.SUBMISSION_ACCEPTED,
            SubmissionStatus.REJECTED: AuditAction.SUBMISSION_REJECTED,
            SubmissionStatus.VALIDATED: AuditAction.SUBMISSION_VALIDATED,
        }[status],
        entity_type="submission",
        entity_id=submission.id,
        personal_data=True,
        purpose="بارگذاری ارسال",
        details={
            "status": status.value,
            "received": outcome.received,
            "accepted": outcome.accepted,
            "rejected": outcome.rejected,
            "inserted": submission.inserted,
            "updated": submission.updated,
            "closed": submission.closed,
            "content_hash": submission.content_hash,
        },
    )


def _store_findings(session: Session, submission: Submission, outcome: PassOutcome) -> None:
    findings = outcome.findings_frame
    if not findings.height:
        submission.findings_stored = 0
        return
    columns = header_columns(outcome.columns, list(findings["field"].drop_nulls().unique()))
    rows = findings.with_columns(
        pl.col("field").replace_strict(columns, default=pl.col("field")).alias("column"),
        pl.lit(submission.id).alias("submission_id"),
    ).to_dicts()
    session.execute(insert(SubmissionFinding), rows)
    submission.findings_stored = len(rows)


def _fail(
    session: Session,
    submission: Submission,
    error: DargahError,
    principal: Principal,
    *,
    failed: bool = False,
) -> None:
    fresh = session.get(Submission, submission.id)
    if fresh is None:
        raise RuntimeError("fresh is missing")
    fresh.status = (
        SubmissionStatus.FAILED.value
        if failed or error.status >= 500
        else SubmissionStatus.REJECTED.value
    )
    fresh.failure_code = error.code
    fresh.failure_fa = error.message_fa
    fresh.failure_en = error.message_en
    fresh.finished_at = utcnow()
    fresh.finding_counts = {error.code: 1}
    fresh.columns = {"details": error.details} if error.details else {}
    audit.record(
        session,
        principal=principal,
        action=AuditAction.SUBMISSION_REJECTED,
        entity_type="submission",
        entity_id=fresh.id,
        details={"code": error.code},
        outcome="failure",
    )


def submit_file(
    database: Database,
    *,
    settings: Settings,
    principal: Principal,
    path: Path,
    dataset_slug: str,
    institution_id: int,
    period: str,
    mode: SubmissionMode = SubmissionMode.SNAPSHOT,
    policy: AcceptancePolicy = AcceptancePolicy.ALL_OR_NOTHING,
    version: str | None = None,
    encoding: str | None = None,
    validate_only: bool = False,
    progress: Progress | None = None,
) -> Submission:
    """Create and process a submission from a file on the gateway's own disk.

    For the CLI on the gateway host, the demo and the benchmark: the same path as an
    upload, without copying the body into the database.
    """
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    with database.session() as session:
        submission = create_submission(
            session,
            principal=principal,
            dataset_slug=dataset_slug,
            institution_id=institution_id,
            period=period,
            mode=mode,
            policy=policy,
            version=version,
            filename=path.name,
            encoding=encoding,
            validate_only=validate_only,
        )
        with atomic(session):
            submission.size_bytes = size
            submission.content_hash = digest.hexdigest()
            submission.received_at = utcnow()
            if _answer_with_same_content(session, submission, principal):
                return submission
            submission.status = SubmissionStatus.QUEUED.value
        submission_id = submission.id
    return process_submission(
        database,
        submission_id,
        settings=settings,
        principal=principal,
        source=path,
        progress=progress,
    )


SUBMISSION_ORDERS: Final = ("newest", "oldest", "period", "dataset", "status")
"""How a list of submissions may be sorted (``newest`` first by default)."""
FINDING_ORDERS: Final = ("row", "severity", "field", "code")
"""How a submission's findings may be sorted (file order by default)."""


def _visible_submissions(
    principal: Principal,
    *,
    institution_id: int | None,
    dataset_slug: str | None,
    period: str | None,
    status: str | None,
) -> list[ColumnElement[bool]]:
    """The conditions of the submissions ``principal`` may see that match the filters."""
    if principal.institution_id is not None and principal.role.value == "institution":
        institution_id = principal.institution_id
    conditions: list[ColumnElement[bool]] = []
    if institution_id is not None:
        require_institution_access(principal, institution_id)
        conditions.append(Submission.institution_id == institution_id)
    if dataset_slug:
        conditions.append(Submission.dataset_slug == dataset_slug)
    if period:
        conditions.append(Submission.period == fold_input(period))
    if status:
        conditions.append(Submission.status == status)
    return conditions


_SUBMISSION_SORT: Final = {
    "newest": (Submission.id.desc(),),
    "oldest": (Submission.id.asc(),),
    "period": (Submission.period.desc(), Submission.id.desc()),
    "dataset": (Submission.dataset_slug.asc(), Submission.id.desc()),
    "status": (Submission.status.asc(), Submission.id.desc()),
}


def list_submissions(
    session: Session,
    *,
    principal: Principal,
    institution_id: int | None = None,
    dataset_slug: str | None = None,
    period: str | None = None,
    status: str | None = None,
    order: str = "newest",
    limit: int = 50,
    offset: int = 0,
) -> list[Submission]:
    """Submissions the caller may see, newest first unless ``order`` says otherwise."""
    conditions = _visible_submissions(
        principal,
        institution_id=institution_id,
        dataset_slug=dataset_slug,
        period=period,
        status=status,
    )
    query = (
        select(Submission)
        .where(*conditions)
        .order_by(*_SUBMISSION_SORT.get(order, _SUBMISSION_SORT["newest"]))
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def count_submissions(
    session: Session,
    *,
    principal: Principal,
    institution_id: int | None = None,
    dataset_slug: str | None = None,
    period: str | None = None,
    status: str | None = None,
) -> int:
    """How many submissions ``list_submissions`` would page through with these filters."""
    conditions = _visible_submissions(
        principal,
        institution_id=institution_id,
        dataset_slug=dataset_slug,
        period=period,
        status=status,
    )
    return int(session.scalar(select(func.count()).select_from(Submission).where(*conditions)) or 0)


def findings_of(
    session: Session, submission: Submission, *, limit: int | None = None
) -> list[SubmissionFinding]:
    """The stored findings of a submission, in file order."""
    query = (
        select(SubmissionFinding)
        .where(SubmissionFinding.submission_id == submission.id)
        .order_by(SubmissionFinding.row, SubmissionFinding.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


@dataclass(frozen=True)
class FindingsPage:
    """One page of a submission's stored findings, and what the filters can choose."""

    findings: list[SubmissionFinding]
    total: int  # stored findings matching the filters
    fields: list[str]  # the fields that have findings (for the field filter)
    codes: list[str]  # the codes found (for the code filter)


_FINDING_SORT: Final = {
    "row": (SubmissionFinding.row, SubmissionFinding.id),
    "severity": (SubmissionFinding.severity, SubmissionFinding.row, SubmissionFinding.id),
    "field": (SubmissionFinding.field, SubmissionFinding.row, SubmissionFinding.id),
    "code": (SubmissionFinding.code, SubmissionFinding.row, SubmissionFinding.id),
}


def findings_page(
    session: Session,
    submission: Submission,
    *,
    severity: str | None = None,
    field: str | None = None,
    code: str | None = None,
    order: str = "row",
    limit: int = 50,
    offset: int = 0,
) -> FindingsPage:
    """The stored findings matching the filters, sorted, one page of them."""
    mine = SubmissionFinding.submission_id == submission.id
    conditions = [mine]
    if severity:
        conditions.append(SubmissionFinding.severity == severity)
    if field:
        conditions.append(SubmissionFinding.field == field)
    if code:
        conditions.append(SubmissionFinding.code == code)
    rows = session.scalars(
        select(SubmissionFinding)
        .where(*conditions)
        .order_by(*_FINDING_SORT.get(order, _FINDING_SORT["row"]))
        .limit(limit)
        .offset(offset)
    )
    total = session.scalar(select(func.count()).select_from(SubmissionFinding).where(*conditions))
    fields = session.scalars(
        select(SubmissionFinding.field)
        .where(mine, SubmissionFinding.field.is_not(None))
        .distinct()
        .order_by(SubmissionFinding.field)
    )
    codes = session.scalars(
        select(SubmissionFinding.code).where(mine).distinct().order_by(SubmissionFinding.code)
    )
    return FindingsPage(
        findings=list(rows),
        total=int(total or 0),
        fields=[item for item in fields if item],
        codes=list(codes),
    )


def no_receipt(submission: Submission) -> DargahError:
    """Why ``submission`` has no receipt: a check-only one never gets one; any other
    gets it when processing ends."""
    if submission.validate_only:
        return Conflict(
            "ارسال «فقط بررسی» چیزی ذخیره نمی‌کند و رسید امضاشده ندارد؛ گزارش آن پاسخ آن است.",
            "A check-only submission stores nothing and has no signed receipt; its report "
            "is its answer.",
            code="receipt_not_issued",
        )
    return InvalidInput(
        "رسید پس از پایان پردازش صادر می‌شود.",
        "The receipt is issued when processing ends.",
        code="receipt_not_ready",
    )


# -- jobs -----------------------------------------------------------------------------

JOB_KIND: Final = "submission.process"


def enqueue_processing(session: Session, submission: Submission, *, principal: Principal) -> str:
    """Queue the processing of a large submission as a job; return the job id."""
    from dargah.jobs import service as jobs

    with atomic(session):
        job = jobs.enqueue(
            session,
            kind=JOB_KIND,
            payload={"submission_id": submission.id, "principal": principal.name},
            principal=principal,
            institution_id=submission.institution_id,
            dedupe_key=f"submission:{submission.id}",
        )
        submission.job_id = job.id
    return job.id


# Purposes the gateway records itself are in Persian: auditors read them.
REPORT_PURPOSE: Final = "اصلاح ارسال"


def record_report_read(
    session: Session, submission: Submission, *, principal: Principal, purpose: str, format: str
) -> None:
    """Audit a read of a submission's findings: their values may be personal data."""
    with atomic(session):
        audit.record(
            session,
            principal=principal,
            action=AuditAction.SUBMISSION_REPORT_READ,
            entity_type="submission",
            entity_id=submission.id,
            purpose=purpose,
            personal_data=True,
            details={"format": format},
        )
