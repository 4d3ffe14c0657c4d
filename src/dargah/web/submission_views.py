"""What the submission pages show: labels for the codes a clerk would otherwise read,
and the query strings of the two lists (submissions; a submission's findings).

A finding names a field, a value and a rule by code; the page shows the field's title,
the code-list label of the value («مهندسی کامپیوتر» beside ``1004``) and the rule's
title, with the codes beside them where a clerk needs them to correct the file.
Query strings go through the schemas' models (``SubmissionListQuery``,
``FindingQuery``), so digits typed in Persian are read, and anything else is a clear
``invalid_filter`` error page, never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, TypeVar
from urllib.parse import urlencode

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from dargah.audit import receipts, signing
from dargah.catalogue import codelists
from dargah.catalogue import service as catalogue
from dargah.catalogue.schema import SchemaField
from dargah.errors import DargahError, InvalidInput
from dargah.submissions import issues
from dargah.submissions.models import Submission, SubmissionFinding
from dargah.web.i18n import Language
from dargah.web.listing import Pager

PAGE_SIZE: Final = 25
"""Submissions per page of the list."""
FINDINGS_PAGE_SIZE: Final = 50
"""Findings per page of a submission's page."""

_RULE_TITLES: Final = {text.code: text for text in issues.RULE_TEXTS}
_Query = TypeVar("_Query", bound=BaseModel)


def parse_query(model: type[_Query], params: Mapping[str, str]) -> _Query:
    """``params`` (empty values dropped) as ``model``, or ``InvalidInput`` naming the
    filters that are not valid (shown as the portal's 422 page)."""
    values = {name: value.strip() for name, value in params.items() if value.strip()}
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        fields = sorted({str(error["loc"][0]) for error in exc.errors() if error.get("loc")})
        raise InvalidInput(
            "یکی از پالایه‌های فهرست معتبر نیست: " + "، ".join(fields),
            "A filter of the list is not valid: " + ", ".join(fields),
            code="invalid_filter",
            details={"fields": fields},
        ) from None


def pager(
    path: str, filters: Mapping[str, object], *, page: int, size: int, total: int, shown: int
) -> Pager:
    """Where ``page`` sits among ``total`` results, with links keeping ``filters``."""
    kept = {name: value for name, value in filters.items() if value not in (None, "")}

    def url(number: int) -> str:
        return f"{path}?" + urlencode({**kept, "page": number})

    pages = max(1, -(-total // size))
    start = (page - 1) * size
    return Pager(
        page=page,
        pages=pages,
        first=start + 1 if shown else 0,
        last=start + shown,
        previous_url=url(page - 1) if page > 1 else None,
        next_url=url(page + 1) if page < pages else None,
    )


def dataset_titles(session: Session, language: Language) -> dict[str, str]:
    """The title of every data set in ``language``, by its id."""
    return {
        dataset.slug: dataset.title_fa if language == "fa" else dataset.title_en
        for dataset in catalogue.list_datasets(session)
    }


def _schema_fields(session: Session, submission: Submission) -> dict[str, SchemaField]:
    """The fields of the data-set version a submission was sent for, by name."""
    try:
        dataset = catalogue.get_dataset(session, submission.dataset_slug)
        version = catalogue.get_version(dataset, submission.version)
    except DargahError:  # a data set removed since: the codes are all there is
        return {}
    return {item.name: item for item in catalogue.schema_of(version).fields}


@dataclass(frozen=True)
class FindingView:
    """One finding as a clerk reads it."""

    row: int | None
    column: str  # the file's header, or the field's title for row rules
    field: str | None
    value: str | None
    value_label: str | None  # the code-list label of the value, when it is a code
    code: str
    message: str
    rule_title: str | None
    rule_id: str | None
    severity: str


def finding_views(
    session: Session,
    submission: Submission,
    findings: Sequence[SubmissionFinding],
    language: Language,
) -> list[FindingView]:
    """``findings`` with field titles, code-list labels and rule titles in ``language``."""
    fields = _schema_fields(session, submission)
    labels: dict[tuple[str, str], str | None] = {}

    def value_label(field: SchemaField | None, value: str | None) -> str | None:
        if field is None or field.code_list is None or not value:
            return None
        key = (field.code_list, value)
        if key not in labels:
            try:
                found = codelists.lookup(session, field.code_list, value)
            except DargahError:
                found = None
            labels[key] = (
                None if found is None else found.label_fa if language == "fa" else found.label_en
            )
        return labels[key]

    views = []
    for item in findings:
        field = fields.get(item.field or "")
        title = None if field is None else field.title if language == "fa" else field.title_en
        rule = _RULE_TITLES.get(item.code) if item.rule_id else None
        rule_title = (
            None if rule is None else rule.message_en if language == "en" else rule.message_fa
        )
        views.append(
            FindingView(
                row=item.row,
                column=item.column or title or item.field or "",
                field=item.field,
                value=item.value,
                value_label=value_label(field, item.value),
                code=item.code,
                message=item.message_en if language == "en" else item.message_fa,
                rule_title=rule_title,
                rule_id=item.rule_id,
                severity=item.severity,
            )
        )
    return views


def field_choices(
    session: Session, submission: Submission, names: Sequence[str], language: Language
) -> list[tuple[str, str]]:
    """The fields that have findings, as ``(name, title)`` for the field filter."""
    fields = _schema_fields(session, submission)

    def title(name: str) -> str:
        field = fields.get(name)
        if field is None:
            return name
        return field.title if language == "fa" else field.title_en

    return [(name, title(name)) for name in names]


def findings_heading(submission: Submission) -> str:
    """The catalogue key of the findings section's title: by what the findings are."""
    if submission.errors and submission.warnings:
        return "sub.findings.both"
    if submission.warnings:
        return "sub.findings.warnings"
    return "sub.findings.errors"


def receipt_facts(receipt: Mapping[str, Any]) -> dict[str, Any]:
    """The signed payload of a receipt document (``{"receipt": …, "signature": …}``)."""
    payload = receipt.get("receipt")
    return dict(payload) if isinstance(payload, Mapping) else {}


def verify_receipt(session: Session, document: Mapping[str, Any]) -> DargahError | None:
    """``None`` when the receipt's signature checks against the gateway's published
    keys (retired ones too), else the error saying what is wrong."""
    try:
        receipts.verify(document, signing.verifying_keys(session))
    except DargahError as exc:
        return exc
    return None


@dataclass(frozen=True)
class ReceiptTime:
    """One time a receipt attests, as the receipt states it (ISO, UTC) and in Jalali."""

    name: str
    iso: str
    jalali: str  # Jalali date and Tehran time, Latin digits (``digits`` shows them)


def receipt_times(facts: Mapping[str, Any]) -> list[ReceiptTime]:
    """The times in a receipt's payload, in order, for showing beside each other."""
    found = []
    for name in ("received_at", "started_at", "finished_at"):
        text = facts.get(name)
        if not isinstance(text, str):
            continue
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            continue
        if moment.tzinfo is None:
            continue
        found.append(ReceiptTime(name=name, iso=text, jalali=receipts.jalali_timestamp(moment)))
    return found
