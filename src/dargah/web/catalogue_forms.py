"""The catalogue pages' input: the browser's filters, a schema pasted or uploaded as
JSON, the owner's decision, and the preview of how big a change a new schema is.

Nothing here writes: the catalogue service decides and records; these functions only
turn what a browser sent into what the service takes, or into messages for the page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from pydantic import ValidationError

from dargah.access.policy import Permission, Principal, Role
from dargah.catalogue import service, templates
from dargah.catalogue.documents import Domain
from dargah.catalogue.evolution import ChangeKind, Evolution, compare_schemas
from dargah.catalogue.models import Dataset, DatasetStatus
from dargah.catalogue.schema import parse_schema
from dargah.catalogue.schemas import Decision, Rejection
from dargah.catalogue.templates import TemplateLanguage
from dargah.errors import DargahError, InvalidInput, not_found
from dargah.web.forms import FormErrors, validation_errors
from dargah.web.i18n import Language, translate

MAX_QUERY: Final = 200
MAX_FILTER: Final = 40
MAX_NOTE: Final = 4000
MAX_SCHEMA_BYTES: Final = 1_000_000
# At most this many of a service error's items are listed on the page.
_MAX_ITEMS: Final = 50
_CODE_LIST_VERSION: Final = re.compile(r"^[0-9]{1,4}(\.[0-9]{1,4})?$")


# -- the catalogue browser's query string ------------------------------------------------


@dataclass(frozen=True)
class CatalogueQuery:
    """What the catalogue browser was asked for: search text and its filters.

    ``period`` and ``institution_type`` narrow what a search reports as held; the
    discovery service checks them (a bad one is its 422).
    """

    q: str
    domain: str
    status: str
    period: str = ""
    institution_type: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> CatalogueQuery:
        """Read the query string; an unknown domain or status is ``InvalidInput``."""
        query = cls(
            q=params.get("q", "").strip()[:MAX_QUERY],
            domain=params.get("domain", "").strip(),
            status=params.get("status", "").strip(),
            period=params.get("period", "").strip()[:MAX_FILTER],
            institution_type=params.get("institution_type", "").strip()[:MAX_FILTER],
        )
        bad = [
            name
            for name, value, allowed in (
                ("domain", query.domain, {item.value for item in Domain}),
                ("status", query.status, {item.value for item in DatasetStatus}),
            )
            if value and value not in allowed
        ]
        if bad:
            raise InvalidInput(
                "یکی از پالایه‌های فهرست معتبر نیست: " + "، ".join(bad),
                "A filter of the list is not valid: " + ", ".join(bad),
                code="invalid_filter",
                details={"fields": bad},
            )
        return query

    @property
    def filters(self) -> dict[str, str]:
        """The filters that were given (for the form and the "clear" link)."""
        return {
            name: value
            for name, value in (
                ("q", self.q),
                ("domain", self.domain),
                ("status", self.status),
                ("period", self.period),
                ("institution_type", self.institution_type),
            )
            if value
        }

    def admits(self, dataset: Dataset) -> bool:
        """Whether ``dataset`` passes the domain and status filters."""
        return (not self.domain or dataset.domain == self.domain) and (
            not self.status or dataset.status == self.status
        )


def code_list_version(value: str | None) -> str | None:
    """A code-list version from the query string (``2`` or ``2.1``), or ``None``.

    Anything else is not a version any list has: a 404, like an unknown one.
    """
    if value is None or not value.strip():
        return None
    if not _CODE_LIST_VERSION.match(value.strip()):
        raise not_found("نسخه فهرست کد", "Code-list version", value[:20])
    return value.strip()


def template_language(value: str) -> TemplateLanguage:
    """The header language of a template download (``fa``, ``en`` or ``names``).

    Read by hand rather than as a typed query parameter, so a bad value is a portal
    error page like any other, not the API's problem+json.
    """
    for language in templates.LANGUAGES:
        if value == language:
            return language
    raise InvalidInput(
        "زبان سرستون‌های الگو باید fa، en یا names باشد.",
        "The template's header language must be fa, en or names.",
        code="invalid_request",  # what the API answers for a bad query value
        details={"language": value[:20]},
    )


# -- who may decide ----------------------------------------------------------------------


def may_decide(principal: Principal, dataset: Dataset) -> bool:
    """Whether ``principal`` may approve or reject ``dataset``'s versions.

    The rule the service enforces (``approve_version``), asked beforehand so the page
    offers the buttons only to those who may press them: administrators, and staff of
    the HQ unit that owns the data set.
    """
    if not principal.can(Permission.CATALOGUE_APPROVE):
        return False
    return principal.role is Role.ADMIN or principal.hq_unit_id == dataset.owner_id


# -- the draft form ------------------------------------------------------------------------


def schema_text(pasted: str, uploaded: bytes | None, language: Language) -> str:
    """The schema's JSON text: the uploaded file if one was chosen, else the textarea."""
    if uploaded:
        if len(uploaded) > MAX_SCHEMA_BYTES:
            raise FormErrors(fields={"schema": translate(language, "cat.file_too_large")})
        try:
            return uploaded.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FormErrors(fields={"schema": translate(language, "cat.file_not_utf8")}) from None
    if len(pasted.encode("utf-8")) > MAX_SCHEMA_BYTES:
        raise FormErrors(fields={"schema": translate(language, "cat.file_too_large")})
    return pasted


def read_schema(text: str, language: Language) -> dict[str, Any]:
    """The Table Schema object in ``text``, or ``FormErrors`` saying what is wrong.

    A whole data-set document (as authored in ``catalogue/builtin/datasets/``) is
    accepted too: its ``schema`` is taken.
    """
    if not text.strip():
        raise FormErrors(fields={"schema": translate(language, "val.missing")})
    try:
        value = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        message = translate(
            language, "cat.json_invalid", line=exc.lineno, column=exc.colno, reason=exc.msg
        )
        raise FormErrors(fields={"schema": message}) from None
    except RecursionError:
        raise FormErrors(fields={"schema": translate(language, "cat.json_not_object")}) from None
    if isinstance(value, dict) and "fields" not in value and isinstance(value.get("schema"), dict):
        value = value["schema"]
    if not isinstance(value, dict):
        raise FormErrors(fields={"schema": translate(language, "cat.json_not_object")})
    return value


def check_note(note: str, language: Language) -> str | None:
    """The change log as the service takes it (``None`` when blank), or ``FormErrors``."""
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise FormErrors(fields={"note": translate(language, "val.too_long")})
    return note or None


def preview(dataset: Dataset, document: dict[str, Any], language: Language) -> Evolution:
    """How ``document`` would change ``dataset``: minor, major or nothing; no writing.

    The service classifies the same way when the draft is saved (it also checks the
    code lists and open versions, so a preview that passes can still be refused).
    """
    try:
        schema = parse_schema(document)
    except ValidationError as exc:
        raise service_errors(
            InvalidInput(
                "طرح داده (Table Schema) معتبر نیست.",
                "The table schema is not valid.",
                code="schema_invalid",
                errors=service.schema_errors(exc),
            ),
            language,
        ) from None
    base = service.active_version(dataset)
    if base is None:
        return Evolution(ChangeKind.MAJOR)
    return compare_schemas(service.schema_of(base), schema)


def service_errors(exc: DargahError, language: Language) -> FormErrors:
    """A catalogue-service refusal for the page: its message, then each item it names.

    Schema problems name a place in the JSON (``fields.2.name``) and the validator's
    own explanation, which exists in English only; they are listed as they are.
    """
    errors = FormErrors(status=exc.status)
    errors.general.append(exc.message(language))
    for item in exc.errors[:_MAX_ITEMS]:
        place = str(item.get("field", ""))
        text = str(item.get("message_en", ""))
        errors.general.append(f"{place}: {text}" if place else text)
    names = exc.details.get("code_lists")
    if isinstance(names, list) and names:
        errors.general.append(", ".join(str(name) for name in names))
    return errors


# -- the owner's decision ------------------------------------------------------------------


def parse_decision(fields: Mapping[str, str], language: Language) -> Decision:
    """An approval from the form: an optional note and the transition window in days."""
    values: dict[str, Any] = {}
    if note := fields.get("note", "").strip():
        values["note"] = note
    if days := fields.get("transition_days", "").strip():
        values["transition_days"] = days
    try:
        return Decision.model_validate(values)
    except ValidationError as exc:
        raise validation_errors(exc, language) from None


def parse_rejection(fields: Mapping[str, str], language: Language) -> Rejection:
    """A rejection from the form: the reason is required."""
    try:
        return Rejection.model_validate({"reason": fields.get("reason", "").strip()})
    except ValidationError as exc:
        raise validation_errors(exc, language) from None
