"""The submissions section: the list of submissions, the upload form, and one
submission's page with live progress, its findings and the downloadable report.

Each page needs the permission its JSON API counterpart needs (``submissions/router.py``):
reading ``SUBMISSIONS_READ``, sending ``SUBMISSIONS_WRITE``; the submissions service
checks the institution scope (another institution's submission is the 403 page).
While a submission waits or runs its page refreshes itself with
``<meta http-equiv="refresh">``: the CSP forbids inline script.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from dargah.access.policy import Permission, Role
from dargah.api.deps import IdPath, SessionDep, SettingsDep
from dargah.catalogue import service as catalogue
from dargah.db.session import Database
from dargah.errors import DargahError, InvalidInput
from dargah.members import service as members
from dargah.members.models import Member
from dargah.submissions import service
from dargah.submissions.models import (
    SUBMISSION_STATUS_LABELS,
    AcceptancePolicy,
    Submission,
    SubmissionMode,
    SubmissionStatus,
)
from dargah.submissions.reports import findings_csv, findings_xlsx
from dargah.submissions.router import INLINE_LIMIT, XLSX_TYPE
from dargah.submissions.schemas import FindingQuery, SubmissionListQuery
from dargah.web import submission_views as views
from dargah.web.deps import FormFields, PortalUser, require_form, require_page
from dargah.web.forms import Choices, FormErrors
from dargah.web.i18n import Language, sort_key, translate
from dargah.web.submission_views import receipt_times, verify_receipt
from dargah.web.templating import language_of, render

router = APIRouter(include_in_schema=False)

CanRead = Annotated[PortalUser, require_page(Permission.SUBMISSIONS_READ)]
CanWrite = Annotated[PortalUser, require_page(Permission.SUBMISSIONS_WRITE)]
CanPostWrite = Annotated[PortalUser, require_form(Permission.SUBMISSIONS_WRITE)]

PIECE: Final = 8 * 1024 * 1024
"""The uploaded file is stored in pieces of this size."""
ACCEPTED_FILES: Final = ".csv,.xlsx,.json,.ndjson"
_RUNNING: Final = frozenset({SubmissionStatus.QUEUED.value, SubmissionStatus.PROCESSING.value})
_FORM_FIELDS: Final = ("dataset", "period", "mode", "policy", "institution")
_LABELS: Final = {"status": SUBMISSION_STATUS_LABELS}
_LIST_SORTS: Final = service.SUBMISSION_ORDERS
_FINDING_SORTS: Final = service.FINDING_ORDERS


def submission_url(submission_id: int, suffix: str = "") -> str:
    """The portal page of a submission (or one of its downloads)."""
    return f"/submissions/{submission_id}{suffix}"


def _chooses_institution(user: PortalUser) -> bool:
    """Operators and administrators name the institution; staff send for their own."""
    return user.principal.role in (Role.OPERATOR, Role.ADMIN)


async def uploaded_file(request: Request) -> AsyncIterator[UploadFile | None]:
    """The file chosen in the upload form, closed after the request."""
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        yield None
        return
    try:
        yield upload if upload.filename else None
    finally:
        await upload.close()  # nothing else closes a form this route parsed itself


UploadedFile = Annotated[UploadFile | None, Depends(uploaded_file)]


# -- the list ------------------------------------------------------------------------------


def _row(session: Session, submission: Submission, titles: dict[str, str]) -> dict[str, Any]:
    institution = session.get(Member, submission.institution_id)
    return {
        "id": submission.id,
        "dataset": submission.dataset_slug,
        "dataset_title": titles.get(submission.dataset_slug),
        "version": submission.version,
        "institution": institution,
        "period": submission.period,
        "status": submission.status,
        "validate_only": submission.validate_only,
        "received": submission.received,
        "accepted": submission.accepted,
        "rejected": submission.rejected,
        "created_at": submission.created_at,
    }


@router.get("/submissions")
def list_submissions(request: Request, session: SessionDep, user: CanRead) -> Response:
    """The submissions the person may see (their institution's, or all), filtered by data
    set, status, period and (for operators) institution, sorted and paged."""
    language = language_of(request)
    query = views.parse_query(SubmissionListQuery, request.query_params)
    chooses = _chooses_institution(user)
    institution_id = (
        members.get_member(session, query.institution).id if chooses and query.institution else None
    )
    filters: dict[str, Any] = {
        "institution_id": institution_id,
        "dataset_slug": query.dataset,
        "period": query.period,
        "status": query.status.value if query.status else None,
    }
    size = views.PAGE_SIZE
    rows = service.list_submissions(
        session,
        principal=user.principal,
        order=query.sort,
        limit=size,
        offset=(query.page - 1) * size,
        **filters,
    )
    total = service.count_submissions(session, principal=user.principal, **filters)
    titles = views.dataset_titles(session, language)
    shown = query.model_dump(mode="json", exclude={"page"}, exclude_none=True)
    if not chooses:
        shown.pop("institution", None)
    context = {
        "rows": [_row(session, row, titles) for row in rows],
        "total": total,
        "pager": views.pager(
            "/submissions", shown, page=query.page, size=size, total=total, shown=len(rows)
        ),
        "query": query,
        "filtered": any(shown.get(name) for name in ("dataset", "period", "status", "institution")),
        "chooses_institution": chooses,
        "choices": {
            "dataset": sorted(titles.items(), key=lambda item: sort_key(item[1], language)),
            "status": [
                (status.value, labels[0] if language == "fa" else labels[1])
                for status, labels in SUBMISSION_STATUS_LABELS.items()
            ],
            "sort": [(name, translate(language, f"sub.sort.{name}")) for name in _LIST_SORTS],
        },
        "can_write": user.can(Permission.SUBMISSIONS_WRITE),
        "labels": _LABELS,
    }
    return render(request, "submissions/list.html", context)


# -- the upload form -----------------------------------------------------------------------


def _dataset_choices(session: Session, language: Language) -> Choices:
    """Data sets that accept submissions now (those with an active version)."""
    return [
        (dataset.slug, dataset.title_fa if language == "fa" else dataset.title_en)
        for dataset in catalogue.list_datasets(session)
        if catalogue.active_version(dataset) is not None
    ]


def _form_page(
    request: Request,
    session: Session,
    user: PortalUser,
    *,
    values: dict[str, str],
    errors: FormErrors | None = None,
) -> Response:
    language = language_of(request)
    errors = errors or FormErrors()
    context = {
        "values": values,
        "errors": errors,
        "choices": {
            "dataset": _dataset_choices(session, language),
            "mode": [
                (mode.value, translate(language, f"sub.mode.{mode.value}"))
                for mode in SubmissionMode
            ],
            "policy": [
                (policy.value, translate(language, f"sub.policy.{policy.value}"))
                for policy in AcceptancePolicy
            ],
        },
        "chooses_institution": _chooses_institution(user),
        "accept": ACCEPTED_FILES,
    }
    failed = bool(errors.fields or errors.general)
    return render(
        request, "submissions/new.html", context, status_code=errors.status if failed else 200
    )


@router.get("/submissions/new")
def new_submission(request: Request, session: SessionDep, user: CanWrite) -> Response:
    """The upload form."""
    values = {
        "mode": SubmissionMode.SNAPSHOT.value,
        "policy": AcceptancePolicy.ALL_OR_NOTHING.value,
    }
    return _form_page(request, session, user, values=values)


def _mode_and_policy(values: dict[str, str]) -> tuple[SubmissionMode, AcceptancePolicy]:
    try:
        return SubmissionMode(values["mode"]), AcceptancePolicy(values["policy"])
    except ValueError:
        raise InvalidInput(
            "شیوهٔ ارسال یا سیاست پذیرش از گزینه‌های فرم نیست.",
            "The mode or the acceptance policy is not one of the form's choices.",
            code="choice_invalid",
        ) from None


def _institution_id(session: Session, user: PortalUser, identifier: str) -> int:
    if _chooses_institution(user) and identifier:
        return members.get_member(session, identifier).id
    if not _chooses_institution(user) and user.principal.institution_id is not None:
        return user.principal.institution_id
    raise InvalidInput(
        "موسسه‌ای را که داده برای آن است مشخص کنید.",
        "Name the institution the data is for.",
        code="institution_required",
    )


def _store_body(
    session: Session, submission: Submission, user: PortalUser, upload: UploadFile
) -> None:
    """Copy the uploaded file into the submission, one piece at a time."""
    upload.file.seek(0)
    while piece := upload.file.read(PIECE):
        service.append_chunk(
            session,
            submission,
            principal=user.principal,
            offset=submission.size_bytes,
            data=piece,
        )


def _uploaded_size(upload: UploadFile | None) -> int:
    if upload is None:
        return 0
    if upload.size is not None:
        return upload.size
    upload.file.seek(0, 2)
    size = upload.file.tell()
    upload.file.seek(0)
    return size


@router.post("/submissions/new")
def create_submission(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    upload: UploadedFile,  # first, so the file is closed even when the checks refuse
    user: CanPostWrite,
    fields: FormFields,
) -> Response:
    """Open a submission, store the file, and process it: inline when small, otherwise as
    a job. Goes to the submission's page; any refusal shows the form again."""
    language = language_of(request)
    values = {name: fields.get(name, "").strip() for name in _FORM_FIELDS}
    values["validate_only"] = "on" if fields.get("validate_only") else ""
    try:
        if upload is None or _uploaded_size(upload) == 0:
            raise InvalidInput(
                "فایلی برای ارسال انتخاب کنید (فایل خالی پذیرفته نیست).",
                "Choose a file to send (an empty file is not accepted).",
                code="file_required",
            )
        if not values["dataset"]:
            raise InvalidInput(
                "مجموعه‌داده را انتخاب کنید.", "Choose a data set.", code="dataset_required"
            )
        mode, policy = _mode_and_policy(values)
        submission = service.create_submission(
            session,
            principal=user.principal,
            dataset_slug=values["dataset"],
            institution_id=_institution_id(session, user, values["institution"]),
            period=values["period"],
            mode=mode,
            policy=policy,
            filename=upload.filename,
            validate_only=bool(values["validate_only"]),
        )
        _store_body(session, submission, user, upload)
        submission = service.complete_upload(session, submission, principal=user.principal)
        if submission.status == SubmissionStatus.QUEUED.value:
            if submission.size_bytes <= INLINE_LIMIT:
                database: Database = request.app.state.database
                service.process_submission(
                    database, submission.id, settings=settings, principal=user.principal
                )
            else:
                service.enqueue_processing(session, submission, principal=user.principal)
    except DargahError as exc:
        errors = FormErrors(general=[exc.message(language)], status=exc.status)
        return _form_page(request, session, user, values=values, errors=errors)
    return RedirectResponse(submission_url(submission.id), status_code=303)


# -- one submission ------------------------------------------------------------------------


@router.get("/submissions/{submission_id}")
def show_submission(
    request: Request, session: SessionDep, user: CanRead, submission_id: IdPath
) -> Response:
    """A submission's status, counts, progress (refreshing while it runs) and its findings,
    filtered by severity, field and code, sorted and paged."""
    language = language_of(request)
    query = views.parse_query(FindingQuery, request.query_params)
    submission = service.get_submission(session, submission_id, principal=user.principal)
    running = submission.status in _RUNNING
    size = views.FINDINGS_PAGE_SIZE
    page = (
        None
        if running
        else service.findings_page(
            session,
            submission,
            severity=query.severity,
            field=query.field,
            code=query.code,
            order=query.sort,
            limit=size,
            offset=(query.page - 1) * size,
        )
    )
    shown = query.model_dump(mode="json", exclude={"page"}, exclude_none=True)
    titles = views.dataset_titles(session, language)
    context: dict[str, Any] = {
        "submission": submission,
        "dataset_title": titles.get(submission.dataset_slug),
        "institution": session.get(Member, submission.institution_id),
        "running": running,
        "findings": []
        if page is None
        else views.finding_views(session, submission, page.findings, language),
        "findings_total": submission.errors + submission.warnings,
        "findings_matching": 0 if page is None else page.total,
        "findings_heading": views.findings_heading(submission),
        "pager": views.pager(
            submission_url(submission.id),
            shown,
            page=query.page,
            size=size,
            total=0 if page is None else page.total,
            shown=0 if page is None else len(page.findings),
        ),
        "query": query,
        "filtered": any(shown.get(name) for name in ("severity", "field", "code")),
        "choices": {
            "severity": [
                (name, translate(language, f"sub.severity.{name}")) for name in ("error", "warning")
            ],
            "field": []
            if page is None
            else views.field_choices(session, submission, page.fields, language),
            "code": [] if page is None else [(code, code) for code in page.codes],
            "sort": [
                (name, translate(language, f"sub.finding_sort.{name}")) for name in _FINDING_SORTS
            ],
        },
        "has_receipt": submission.receipt is not None,
        "labels": _LABELS,
    }
    return render(request, "submissions/show.html", context)


def _audited_report(
    session: Session, user: PortalUser, submission_id: int, format: str
) -> Submission:
    """The submission whose report is read, with the read recorded (values are personal)."""
    submission = service.get_submission(session, submission_id, principal=user.principal)
    service.record_report_read(
        session,
        submission,
        principal=user.principal,
        purpose=service.REPORT_PURPOSE,
        format=format,
    )
    return submission


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/submissions/{submission_id}/report.csv")
def report_csv(session: SessionDep, user: CanRead, submission_id: IdPath) -> Response:
    """Every stored finding as CSV (UTF-8 with BOM), for correcting the file."""
    submission = _audited_report(session, user, submission_id, "csv")
    content = findings_csv(service.findings_of(session, submission))
    return _download(content, "text/csv; charset=utf-8", f"submission-{submission.id}-report.csv")


@router.get("/submissions/{submission_id}/report.xlsx")
def report_xlsx(session: SessionDep, user: CanRead, submission_id: IdPath) -> Response:
    """Every stored finding as an Excel workbook, offending values highlighted."""
    submission = _audited_report(session, user, submission_id, "xlsx")
    content = findings_xlsx(service.findings_of(session, submission))
    return _download(content, XLSX_TYPE, f"submission-{submission.id}-report.xlsx")


def _receipt_of(session: Session, user: PortalUser, submission_id: int) -> Submission:
    """A submission that has a receipt, or the error page that says why it has none."""
    submission = service.get_submission(session, submission_id, principal=user.principal)
    if submission.receipt is None:
        raise service.no_receipt(submission)
    return submission


@router.get("/submissions/{submission_id}/receipt")
def receipt_page(
    request: Request, session: SessionDep, user: CanRead, submission_id: IdPath
) -> Response:
    """The receipt as a printable Persian page: the facts it attests, Jalali and ISO
    times, whether its signature checks against the gateway's keys, and how to verify it."""
    language = language_of(request)
    submission = _receipt_of(session, user, submission_id)
    document = submission.receipt or {}
    facts = views.receipt_facts(document)
    check = verify_receipt(session, document)
    context = {
        "submission": submission,
        "facts": facts,
        "signature": document.get("signature", {}),
        "signature_ok": check is None,
        "signature_problem": None if check is None else check.message(language),
        "dataset_title": views.dataset_titles(session, language).get(submission.dataset_slug),
        "institution": session.get(Member, submission.institution_id),
        "times": receipt_times(facts),
        "labels": _LABELS,
    }
    return render(request, "submissions/receipt.html", context)


@router.get("/submissions/{submission_id}/receipt.json")
def receipt_json(session: SessionDep, user: CanRead, submission_id: IdPath) -> Response:
    """The receipt signed by the gateway (verify with ``dargah receipt verify``)."""
    submission = _receipt_of(session, user, submission_id)
    filename = f"submission-{submission.id}-receipt.json"
    return JSONResponse(
        submission.receipt,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
