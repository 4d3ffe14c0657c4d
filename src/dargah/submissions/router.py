"""HTTP routes of submissions: open, upload (resumable), complete, follow, report, receipt.

Upload protocol (resumable, in the manner of tus): ``PATCH /submissions/{id}/body``
with ``Upload-Offset: <bytes already received>`` appends a piece; ``GET`` on the
submission reports ``size_bytes`` so an interrupted client resumes from there.
``PUT /submissions/{id}/body`` sends the whole body in one streamed request.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Header, Query, Request, Response, status
from fastapi.responses import JSONResponse

from dargah.access.policy import Permission, Principal
from dargah.api.deps import IdPath, SessionDep, SettingsDep, purpose_of, require
from dargah.db.base import MAX_ID
from dargah.db.session import Database
from dargah.errors import InvalidInput
from dargah.members import service as members
from dargah.members.models import Member
from dargah.persian import format_jalali
from dargah.persian.inputs import DigitsStr
from dargah.submissions import jobs as _jobs  # noqa: F401  (registers the handler)
from dargah.submissions import reports, service
from dargah.submissions.models import (
    SUBMISSION_STATUS_LABELS,
    Submission,
    SubmissionFinding,
    SubmissionStatus,
)
from dargah.submissions.schemas import (
    BatchIn,
    BatchOut,
    Counts,
    FindingOut,
    ItemResult,
    ReportOut,
    SubmissionCreate,
    SubmissionOut,
)

router = APIRouter(tags=["submissions"])

Sender = Annotated[Principal, require(Permission.SUBMISSIONS_WRITE)]
Reader = Annotated[Principal, require(Permission.SUBMISSIONS_READ)]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PIECE = 8 * 1024 * 1024  # a streamed body is stored in pieces of this size
INLINE_LIMIT = 20 * 1024 * 1024
"""Bodies up to this size are processed within the completing request."""


def submission_out(session: Any, submission: Submission) -> SubmissionOut:
    """The API form of a submission."""
    institution = session.get(Member, submission.institution_id)
    fa, en = SUBMISSION_STATUS_LABELS[SubmissionStatus(submission.status)]
    base = f"/api/v1/submissions/{submission.id}"
    return SubmissionOut(
        id=submission.id,
        dataset=submission.dataset_slug,
        version=submission.version,
        institution=institution.identifier if institution else str(submission.institution_id),
        period=submission.period,
        mode=submission.mode,
        policy=submission.policy,
        status=submission.status,
        status_fa=fa,
        status_en=en,
        validate_only=submission.validate_only,
        filename=submission.filename,
        size_bytes=submission.size_bytes,
        content_hash=submission.content_hash,
        counts=Counts(
            received=submission.received,
            accepted=submission.accepted,
            rejected=submission.rejected,
            inserted=submission.inserted,
            updated=submission.updated,
            unchanged=submission.unchanged,
            closed=submission.closed,
            errors=submission.errors,
            warnings=submission.warnings,
        ),
        finding_counts=submission.finding_counts or {},
        progress_rows=submission.progress_done,
        rows_per_s=submission.rows_per_s,
        same_as=submission.same_as_id,
        job=submission.job_id,
        failure=(
            {
                "code": submission.failure_code,
                "message_fa": submission.failure_fa,
                "message_en": submission.failure_en,
                **(submission.columns or {}),
            }
            if submission.failure_code
            else None
        ),
        created_at=submission.created_at,
        received_at=submission.received_at,
        finished_at=submission.finished_at,
        created_at_jalali=_jalali(submission.created_at),
        received_at_jalali=_jalali(submission.received_at) if submission.received_at else None,
        finished_at_jalali=_jalali(submission.finished_at) if submission.finished_at else None,
        links={
            "self": base,
            "body": f"{base}/body",
            "complete": f"{base}/complete",
            "report": f"{base}/report",
            "receipt": f"{base}/receipt",
        },
    )


def _jalali(moment: datetime) -> str:
    """A time as a person in Iran reads it beside the ISO one: ``1403/07/15 14:05``."""
    return format_jalali(moment, with_time=True)


@router.post(
    "/submissions",
    response_model=SubmissionOut,
    status_code=status.HTTP_201_CREATED,
    summary="Open a submission",
)
def create_submission(
    session: SessionDep, principal: Sender, data: SubmissionCreate
) -> SubmissionOut:
    """Open a submission for (data set, version, institution, period, mode)."""
    institution_id = _institution_of(session, principal, data.institution)
    submission = service.create_submission(
        session,
        principal=principal,
        dataset_slug=data.dataset,
        institution_id=institution_id,
        period=data.period,
        mode=data.mode,
        policy=data.policy,
        version=data.version,
        filename=data.filename,
        source_format=data.format,
        encoding=data.encoding,
        validate_only=data.validate_only,
    )
    return submission_out(session, submission)


@router.get("/submissions", response_model=list[SubmissionOut], summary="List submissions")
def list_submissions(
    session: SessionDep,
    principal: Reader,
    dataset: DigitsStr | None = None,
    period: DigitsStr | None = None,
    institution: DigitsStr | None = None,
    status: SubmissionStatus | None = None,
    sort: Literal["newest", "oldest", "period", "dataset", "status"] = "newest",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[SubmissionOut]:
    """Submissions the caller may see, filtered, sorted (newest first) and paged."""
    institution_id = members.get_member(session, institution).id if institution else None
    rows = service.list_submissions(
        session,
        principal=principal,
        institution_id=institution_id,
        dataset_slug=dataset,
        period=period,
        status=status.value if status else None,
        order=sort,
        limit=limit,
        offset=offset,
    )
    return [submission_out(session, row) for row in rows]


@router.get("/submissions/{submission_id}", response_model=SubmissionOut)
def get_submission(session: SessionDep, principal: Reader, submission_id: IdPath) -> SubmissionOut:
    """A submission's status, counts and progress; ``size_bytes`` is where uploads resume."""
    return submission_out(
        session, service.get_submission(session, submission_id, principal=principal)
    )


@router.patch("/submissions/{submission_id}/body", response_model=SubmissionOut)
async def append_body(
    request: Request,
    session: SessionDep,
    principal: Sender,
    submission_id: IdPath,
    upload_offset: Annotated[int, Header(ge=0, le=MAX_ID)],
) -> SubmissionOut:
    """Append one piece of the body at ``Upload-Offset`` (resumable upload)."""
    data = await request.body()
    submission = service.get_submission(session, submission_id, principal=principal)
    service.append_chunk(session, submission, principal=principal, offset=upload_offset, data=data)
    return submission_out(session, submission)


@router.put("/submissions/{submission_id}/body", response_model=SubmissionOut)
async def put_body(
    request: Request, session: SessionDep, principal: Sender, submission_id: IdPath
) -> SubmissionOut:
    """Send the whole body in one request; it is streamed and stored in pieces."""
    submission = service.get_submission(session, submission_id, principal=principal)
    piece = bytearray()
    async for data in request.stream():
        piece += data
        while len(piece) >= _PIECE:
            service.append_chunk(
                session,
                submission,
                principal=principal,
                offset=submission.size_bytes,
                data=bytes(piece[:_PIECE]),
            )
            del piece[:_PIECE]
    if piece:
        service.append_chunk(
            session,
            submission,
            principal=principal,
            offset=submission.size_bytes,
            data=bytes(piece),
        )
    return submission_out(session, submission)


@router.post(
    "/submissions/{submission_id}/complete",
    response_model=SubmissionOut,
    responses={202: {"model": SubmissionOut}},
)
def complete(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Sender,
    submission_id: IdPath,
) -> Response:
    """Close the body and process it: inline when small, otherwise as a job (202)."""
    submission = service.get_submission(session, submission_id, principal=principal)
    submission = service.complete_upload(session, submission, principal=principal)
    if submission.status != SubmissionStatus.QUEUED.value:
        return JSONResponse(submission_out(session, submission).model_dump(mode="json"))
    database: Database = request.app.state.database
    if submission.size_bytes <= INLINE_LIMIT:
        done = service.process_submission(
            database, submission.id, settings=settings, principal=principal
        )
        session.expire_all()
        refreshed = service.get_submission(session, done.id, principal=principal)
        return JSONResponse(submission_out(session, refreshed).model_dump(mode="json"))
    service.enqueue_processing(session, submission, principal=principal)
    return JSONResponse(
        submission_out(session, submission).model_dump(mode="json"),
        status_code=status.HTTP_202_ACCEPTED,
    )


def _batch_json(items: list[dict[str, Any]]) -> bytes:
    """The items as the JSON file the pipeline reads; a number no column can hold (past
    64 bits) is the sender's error, before anything is stored."""
    try:
        return orjson.dumps(items)
    except orjson.JSONEncodeError:
        raise InvalidInput(
            "عددی در ردیف‌ها بزرگ‌تر از حد مجاز است (بیش از ۶۴ بیت).",
            "A number in the items is larger than any column holds (past 64 bits).",
            code="value_out_of_range",
        ) from None


@router.post(
    "/datasets/{slug}/batches",
    response_model=BatchOut,
    status_code=status.HTTP_201_CREATED,
    summary="Send rows as JSON, with a result per item",
)
def send_batch(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Sender,
    slug: str,
    data: BatchIn,
) -> BatchOut:
    """Rows as a JSON array, processed at once through the same path as files.

    The default is a delta under accept-valid: each item is upserted or reported on
    its own. Items are flat objects keyed by field name (or title).
    """
    institution_id = _institution_of(session, principal, data.institution)
    with tempfile.TemporaryDirectory(prefix="dargah-batch-") as folder:
        path = Path(folder) / "batch.json"
        path.write_bytes(_batch_json(data.items))
        done = service.submit_file(
            request.app.state.database,
            settings=settings,
            principal=principal,
            path=path,
            dataset_slug=slug,
            institution_id=institution_id,
            period=data.period,
            mode=data.mode,
            policy=data.policy,
            version=data.version,
        )
    session.expire_all()
    submission = service.get_submission(session, done.id, principal=principal)
    by_item: dict[int, list[FindingOut]] = {}
    general: list[FindingOut] = []
    for finding in service.findings_of(session, submission):
        target = general if finding.row is None else by_item.setdefault(finding.row - 1, [])
        target.append(_finding_out(finding))
    loaded = submission.status in (
        SubmissionStatus.ACCEPTED.value,
        SubmissionStatus.PARTIALLY_ACCEPTED.value,
    )
    items = [
        ItemResult(
            index=index,
            accepted=loaded
            and not any(item.severity == "error" for item in by_item.get(index, [])),
            findings=by_item.get(index, []),
        )
        for index in range(len(data.items))
    ]
    return BatchOut(submission=submission_out(session, submission), items=items)


def _institution_of(session: Any, principal: Principal, identifier: str | None) -> int:
    if identifier is not None:
        return members.get_member(session, identifier).id
    if principal.institution_id is not None:
        return principal.institution_id
    raise InvalidInput(
        "موسسه‌ای را که داده برای آن است مشخص کنید.",
        "Name the institution the data is for.",
        code="institution_required",
    )


@router.get("/submissions/{submission_id}/receipt", summary="The signed receipt")
def receipt(session: SessionDep, principal: Reader, submission_id: IdPath) -> JSONResponse:
    """The receipt signed by the gateway (verify with ``dargah receipt verify``)."""
    submission = service.get_submission(session, submission_id, principal=principal)
    if submission.receipt is None:
        raise service.no_receipt(submission)
    return JSONResponse(submission.receipt)


@router.get(
    "/submissions/{submission_id}/report",
    response_model=ReportOut,
    responses={200: {"content": {"text/csv": {}, XLSX_TYPE: {}}}},
)
def report(
    request: Request,
    session: SessionDep,
    principal: Reader,
    submission_id: IdPath,
    format: Literal["json", "csv", "xlsx"] = "json",
    limit: Annotated[int, Query(ge=1, le=100_000)] = 1000,
) -> Response:
    """The findings with row, column, value, code, rule, severity and both messages.

    Values may be personal data, so reading the report is audited with its purpose.
    """
    submission = service.get_submission(session, submission_id, principal=principal)
    service.record_report_read(
        session,
        submission,
        principal=principal,
        purpose=purpose_of(request, default=service.REPORT_PURPOSE),
        format=format,
    )
    findings = service.findings_of(session, submission, limit=None if format != "json" else limit)
    if format == "csv":
        return Response(
            reports.findings_csv(findings),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": _attachment(submission, "csv")},
        )
    if format == "xlsx":
        return Response(
            reports.findings_xlsx(findings),
            media_type=XLSX_TYPE,
            headers={"Content-Disposition": _attachment(submission, "xlsx")},
        )
    body = ReportOut(
        submission=submission_out(session, submission),
        findings=[_finding_out(item) for item in findings],
        findings_total=submission.errors + submission.warnings,
        findings_stored=submission.findings_stored,
    )
    return JSONResponse(body.model_dump(mode="json"))


def _finding_out(item: SubmissionFinding) -> FindingOut:
    return FindingOut(
        row=item.row,
        column=item.column,
        field=item.field,
        value=item.value,
        code=item.code,
        rule_id=item.rule_id,
        severity=item.severity,
        message_fa=item.message_fa,
        message_en=item.message_en,
    )


def _attachment(submission: Submission, extension: str) -> str:
    return f'attachment; filename="submission-{submission.id}-report.{extension}"'
