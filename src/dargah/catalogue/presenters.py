"""Turning catalogue rows into API views (shared by the API, the portal and the CLI)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from dargah.catalogue import codelists
from dargah.catalogue.documents import CADENCE_LABELS, DOMAIN_LABELS, Cadence, Domain
from dargah.catalogue.models import (
    DATASET_STATUS_LABELS,
    CodeList,
    CodeListVersion,
    CodeValue,
    Dataset,
    DatasetStatus,
    DatasetVersion,
)
from dargah.catalogue.schema import DARGAH_TYPE_LABELS, SENSITIVITY_LABELS, Sensitivity
from dargah.catalogue.schemas import (
    CodeListOut,
    CodeListSummary,
    CodeValueOut,
    DatasetOut,
    DictionaryField,
    DictionaryOut,
    DictionaryRule,
    LabelledCode,
    VersionOut,
    VersionSummary,
)
from dargah.catalogue.service import accepted_versions, active_version, schema_of
from dargah.identity.models import Person


def labelled(code: str, labels: tuple[str, str]) -> LabelledCode:
    """A code with its labels."""
    return LabelledCode(code=code, label_fa=labels[0], label_en=labels[1])


def version_summary(version: DatasetVersion) -> VersionSummary:
    """A version as listed."""
    return VersionSummary(
        version=version.version,
        status=version.status,
        change_kind=version.change_kind,
        created_at=version.created_at,
        created_by=version.created_by,
        activated_at=version.activated_at,
        accepted_until=version.accepted_until,
    )


def version_out(version: DatasetVersion) -> VersionOut:
    """A version in full."""
    return VersionOut(
        **version_summary(version).model_dump(),
        dataset=version.dataset.slug,
        note=version.note,
        changes=version.changes,
        submitted_at=version.submitted_at,
        submitted_by=version.submitted_by,
        decided_at=version.decided_at,
        decided_by=version.decided_by,
        decision_note=version.decision_note,
        table_schema=version.table_schema,
    )


def dataset_out(session: Session, dataset: Dataset) -> DatasetOut:
    """A data set with its labels resolved."""
    active = active_version(dataset)
    steward = session.get(Person, dataset.steward_id) if dataset.steward_id else None
    return DatasetOut(
        id=dataset.slug,
        title_fa=dataset.title_fa,
        title_en=dataset.title_en,
        description_fa=dataset.description_fa,
        description_en=dataset.description_en,
        domain=labelled(dataset.domain, DOMAIN_LABELS[Domain(dataset.domain)]),
        owner=LabelledCode(
            code=dataset.owner.code, label_fa=dataset.owner.name_fa, label_en=dataset.owner.name_en
        ),
        steward=steward.username if steward else None,
        sensitivity=labelled(
            dataset.sensitivity, SENSITIVITY_LABELS[Sensitivity(dataset.sensitivity)]
        ),
        cadence=labelled(dataset.cadence, CADENCE_LABELS[Cadence(dataset.cadence)]),
        required_institution_types=dataset.required_institution_types,
        small_cell_threshold=dataset.small_cell_threshold,
        status=labelled(dataset.status, DATASET_STATUS_LABELS[DatasetStatus(dataset.status)]),
        usage_notes_fa=dataset.usage_notes_fa,
        usage_notes_en=dataset.usage_notes_en,
        active_version=active.version if active else None,
        accepted_versions=[version.version for version in accepted_versions(dataset)],
        natural_key=list(active.table_schema.get("primaryKey", [])) if active else [],
        versions=[version_summary(version) for version in dataset.versions],
    )


def dictionary_out(session: Session, dataset: Dataset, version: DatasetVersion) -> DictionaryOut:
    """The data dictionary of ``version``: every field with its meaning and code list."""
    schema = schema_of(version)
    titles = {
        code_list.slug: code_list
        for code_list in codelists.list_code_lists(session)
        if code_list.slug in schema.code_lists
    }
    fields = []
    for item in schema.fields:
        code_list = titles.get(item.code_list or "")
        fields.append(
            DictionaryField(
                name=item.name,
                title_fa=item.title,
                title_en=item.title_en,
                description_fa=item.description,
                description_en=item.description_en,
                type=item.type,
                dargah_type=labelled(item.dargah_type.value, DARGAH_TYPE_LABELS[item.dargah_type]),
                required=item.constraints.required,
                unique=item.constraints.unique,
                in_natural_key=item.name in schema.primary_key,
                sensitivity=labelled(item.sensitivity.value, SENSITIVITY_LABELS[item.sensitivity]),
                code_list=(
                    LabelledCode(
                        code=code_list.slug,
                        label_fa=code_list.title_fa,
                        label_en=code_list.title_en,
                    )
                    if code_list
                    else None
                ),
                constraints=item.constraints.model_dump(
                    by_alias=True, exclude_none=True, exclude_defaults=True
                ),
                example=item.example,
            )
        )
    rules = [
        DictionaryRule(
            id=rule.id,
            kind=rule.kind,
            severity=rule.severity.value,
            message_fa=rule.message_fa,
            message_en=rule.message_en,
            definition=rule.model_dump(
                exclude={"id", "kind", "severity", "message_fa", "message_en"}, exclude_none=True
            ),
        )
        for rule in schema.rules
    ]
    return DictionaryOut(
        dataset=dataset.slug,
        version=version.version,
        title_fa=dataset.title_fa,
        title_en=dataset.title_en,
        fields=fields,
        rules=rules,
    )


def code_list_summary(session: Session, code_list: CodeList) -> CodeListSummary:
    """A code list as listed."""
    version = codelists.active_version(code_list)
    return CodeListSummary(
        id=code_list.slug,
        title_fa=code_list.title_fa,
        title_en=code_list.title_en,
        source=code_list.source,
        version=version.version,
        values=len(codelists.values_of(session, version)),
    )


def code_value_out(value: CodeValue) -> CodeValueOut:
    """One code."""
    return CodeValueOut(
        code=value.code,
        label_fa=value.label_fa,
        label_en=value.label_en,
        parent=value.parent_code,
        attributes=value.attributes,
        aliases=value.aliases,
        deprecated=value.deprecated,
    )


def code_list_out(session: Session, code_list: CodeList, version: CodeListVersion) -> CodeListOut:
    """A code list at ``version`` with all its values."""
    values: Sequence[CodeValue] = codelists.values_of(session, version)
    return CodeListOut(
        id=code_list.slug,
        title_fa=code_list.title_fa,
        title_en=code_list.title_en,
        source=code_list.source,
        version=version.version,
        values=len(values),
        description_fa=code_list.description_fa,
        description_en=code_list.description_en,
        versions=[item.version for item in code_list.versions],
        values_list=[code_value_out(value) for value in values],
    )
