"""Catalogue search: data sets, fields, code lists and code values, in Persian or
English, insensitive to Arabic/Persian letter variants, digits and half-spaces."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from dargah.catalogue.models import CodeList, CodeListVersion, CodeValue, Dataset
from dargah.catalogue.schema import SchemaField
from dargah.catalogue.service import active_version, schema_of
from dargah.persian import match_key

MAX_VALUES = 25


@dataclass(frozen=True)
class FieldHit:
    """A field of a data set's active version that matched."""

    dataset: Dataset
    field: SchemaField


@dataclass(frozen=True)
class ValueHit:
    """A code-list value that matched."""

    code_list: CodeList
    value: CodeValue


@dataclass
class SearchResults:
    """Everything that matched, grouped by kind."""

    datasets: list[Dataset] = field(default_factory=list)
    fields: list[FieldHit] = field(default_factory=list)
    code_lists: list[CodeList] = field(default_factory=list)
    values: list[ValueHit] = field(default_factory=list)


def _field_key(item: SchemaField) -> str:
    return " ".join(
        match_key(text)
        for text in (item.name, item.title, item.title_en, item.description or "")
        if text
    )


def search_catalogue(session: Session, text: str) -> SearchResults:
    """Match every word of ``text`` (AND) against the catalogue."""
    words = [match_key(word) for word in text.split()]
    words = [word for word in words if word]
    results = SearchResults()
    if not words:
        return results
    for dataset in session.scalars(select(Dataset).order_by(Dataset.slug)):
        if all(word in dataset.search_key for word in words):
            results.datasets.append(dataset)
        version = active_version(dataset)
        if version is None:
            continue
        for item in schema_of(version).fields:
            key = _field_key(item)
            if all(word in key for word in words):
                results.fields.append(FieldHit(dataset, item))
    query = select(CodeList).order_by(CodeList.slug)
    for word in words:
        query = query.where(CodeList.search_key.contains(word, autoescape=True))
    results.code_lists = list(session.scalars(query))
    value_query = (
        select(CodeValue, CodeList)
        .join(CodeListVersion, CodeValue.version_id == CodeListVersion.id)
        .join(CodeList, CodeListVersion.code_list_id == CodeList.id)
        .where(CodeListVersion.status == "active")
        .order_by(CodeList.slug, CodeValue.position)
        .limit(MAX_VALUES)
    )
    for word in words:
        value_query = value_query.where(CodeValue.match_keys.contains(word, autoescape=True))
    results.values = [
        ValueHit(code_list, value) for value, code_list in session.execute(value_query)
    ]
    return results
