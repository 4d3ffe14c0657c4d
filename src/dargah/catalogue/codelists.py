"""Code lists: versioned reference data, and looking values up the way people write them."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from dargah.access.policy import Principal
from dargah.audit import service as audit
from dargah.audit.events import AuditAction
from dargah.catalogue.documents import CodeListDocument, CodeValueDocument, version_tuple
from dargah.catalogue.evolution import ChangeKind
from dargah.catalogue.models import CodeList, CodeListVersion, CodeValue
from dargah.db.base import utcnow
from dargah.errors import not_found
from dargah.persian import match_key


def content_hash(values: Sequence[CodeValueDocument]) -> str:
    """A stable hash of a list's values, to tell whether anything changed."""
    payload = orjson.dumps([value.model_dump() for value in values], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(payload).hexdigest()


def value_keys(value: CodeValueDocument) -> str:
    """The padded, space-separated match keys a value is found by."""
    keys = {
        match_key(text) for text in (value.code, value.label_fa, value.label_en, *value.aliases)
    }
    keys.discard("")
    return " " + " ".join(sorted(keys)) + " "


@dataclass(frozen=True)
class CodeListChange:
    """How a new set of values relates to the active one."""

    kind: ChangeKind
    added: list[str]
    removed: list[str]
    relabelled: list[str]


def compare_values(
    old: Sequence[CodeValueDocument], new: Sequence[CodeValueDocument]
) -> CodeListChange:
    """New codes are a minor change; removed codes, or codes whose parent or deprecation
    changed, are major; label, alias and attribute edits are minor."""
    before = {value.code: value for value in old}
    after = {value.code: value for value in new}
    added = sorted(after.keys() - before.keys())
    removed = sorted(before.keys() - after.keys())
    relabelled, restructured = [], []
    for code in sorted(before.keys() & after.keys()):
        if before[code] == after[code]:
            continue
        if (before[code].parent, before[code].deprecated) != (
            after[code].parent,
            after[code].deprecated,
        ):
            restructured.append(code)
        else:
            relabelled.append(code)
    if removed or restructured:
        kind = ChangeKind.MAJOR
    elif added or relabelled:
        kind = ChangeKind.MINOR
    else:
        kind = ChangeKind.NONE
    return CodeListChange(kind, added, removed, relabelled + restructured)


def get_code_list(session: Session, slug: str) -> CodeList:
    """The code list ``slug``."""
    code_list = session.scalar(select(CodeList).where(CodeList.slug == slug))
    if code_list is None:
        raise not_found("فهرست کد", "Code list", slug)
    return code_list


def list_code_lists(session: Session) -> Sequence[CodeList]:
    """All code lists, by id."""
    return session.scalars(select(CodeList).order_by(CodeList.slug)).all()


def active_version(code_list: CodeList) -> CodeListVersion:
    """The version in force (exactly one is active)."""
    for version in reversed(code_list.versions):
        if version.status == "active":
            return version
    raise not_found("نسخه فعال فهرست کد", "Active code-list version", code_list.slug)


def find_version(code_list: CodeList, version: str | None) -> CodeListVersion:
    """A named version, or the active one when ``version`` is None."""
    if version is None:
        return active_version(code_list)
    wanted = version_tuple(version) if "." in version else (int(version), 0)
    for candidate in code_list.versions:
        if (candidate.major, candidate.minor) == wanted:
            return candidate
    raise not_found("نسخه فهرست کد", "Code-list version", f"{code_list.slug} {version}")


def values_of(session: Session, version: CodeListVersion) -> Sequence[CodeValue]:
    """The values of a version in their authored order."""
    return session.scalars(
        select(CodeValue).where(CodeValue.version_id == version.id).order_by(CodeValue.position)
    ).all()


def active_values(session: Session, slug: str) -> Sequence[CodeValue]:
    """The values of the active version of code list ``slug``."""
    return values_of(session, active_version(get_code_list(session, slug)))


def as_documents(values: Sequence[CodeValue]) -> list[CodeValueDocument]:
    """Stored values back as documents (for exports, templates and comparisons)."""
    return [
        CodeValueDocument(
            code=value.code,
            label_fa=value.label_fa,
            label_en=value.label_en,
            parent=value.parent_code,
            attributes=value.attributes,
            aliases=value.aliases,
            deprecated=value.deprecated,
        )
        for value in values
    ]


def lookup(session: Session, slug: str, text: str) -> CodeValue | None:
    """The value of ``slug`` that ``text`` names: its code, a label or an alias, in
    Persian or English, insensitive to letter variants, digits and half-spaces."""
    version = active_version(get_code_list(session, slug))
    exact = session.scalar(
        select(CodeValue).where(CodeValue.version_id == version.id, CodeValue.code == text.strip())
    )
    if exact is not None:
        return exact
    key = match_key(text)
    if not key:
        return None
    return session.scalars(
        select(CodeValue)
        .where(CodeValue.version_id == version.id, CodeValue.match_keys.contains(f" {key} "))
        .order_by(CodeValue.deprecated, CodeValue.position)
        .limit(1)
    ).first()


def _write_version(
    session: Session,
    code_list: CodeList,
    document: CodeListDocument,
    number: tuple[int, int],
    change: CodeListChange | None,
    principal: Principal,
) -> CodeListVersion:
    for previous in code_list.versions:
        if previous.status == "active":
            previous.status = "superseded"
    version = CodeListVersion(
        code_list=code_list,
        major=number[0],
        minor=number[1],
        status="active",
        content_hash=content_hash(document.values),
        changes=(
            []
            if change is None
            else [{"added": change.added, "removed": change.removed, "changed": change.relabelled}]
        ),
        note=document.changelog,
        created_at=utcnow(),
        created_by=principal.name,
    )
    session.add(version)
    session.flush()
    session.add_all(
        CodeValue(
            version_id=version.id,
            position=position,
            code=value.code,
            label_fa=value.label_fa,
            label_en=value.label_en,
            parent_code=value.parent,
            attributes=value.attributes,
            aliases=value.aliases,
            match_keys=value_keys(value),
            deprecated=value.deprecated,
        )
        for position, value in enumerate(document.values)
    )
    session.flush()
    audit.record(
        session,
        principal=principal,
        action=AuditAction.CODE_LIST_VERSION_CREATED,
        entity_type="code_list_version",
        entity_id=f"{code_list.slug}@{version.version}",
        details={"change": change.kind.value if change else "initial"},
    )
    return version


def sync_code_list(
    session: Session, *, principal: Principal, document: CodeListDocument
) -> tuple[CodeList, str]:
    """Bring code list ``document.id`` in line with ``document`` inside the caller's
    transaction: create it, add a minor or major version, or leave it unchanged."""
    code_list = session.scalar(select(CodeList).where(CodeList.slug == document.id))
    search_key = " ".join(
        match_key(text)
        for text in (
            document.id,
            document.title_fa,
            document.title_en,
            document.description_fa or "",
        )
    )
    if code_list is None:
        code_list = CodeList(
            slug=document.id,
            title_fa=document.title_fa,
            title_en=document.title_en,
            description_fa=document.description_fa,
            description_en=document.description_en,
            source=document.source,
            search_key=search_key,
        )
        session.add(code_list)
        session.flush()
        _write_version(
            session, code_list, document, version_tuple(document.version), None, principal
        )
        return code_list, "created"
    code_list.title_fa, code_list.title_en = document.title_fa, document.title_en
    code_list.description_fa, code_list.description_en = (
        document.description_fa,
        document.description_en,
    )
    code_list.source, code_list.search_key = document.source, search_key
    current = active_version(code_list)
    if current.content_hash == content_hash(document.values):
        return code_list, "unchanged"
    change = compare_values(as_documents(values_of(session, current)), document.values)
    if change.kind is ChangeKind.NONE:
        return code_list, "unchanged"
    number = (
        (current.major + 1, 0)
        if change.kind is ChangeKind.MAJOR
        else (current.major, current.minor + 1)
    )
    _write_version(session, code_list, document, number, change, principal)
    return code_list, change.kind.value
