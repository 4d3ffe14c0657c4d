"""Templates and catalogue exports built from what the database holds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from dargah.catalogue import codelists, exports, templates
from dargah.catalogue.documents import CodeListDocument, CodeValueDocument, DatasetDocument
from dargah.catalogue.models import DatasetVersion
from dargah.catalogue.service import active_version, as_document, list_datasets


def code_values_for(
    session: Session, document: DatasetDocument
) -> dict[str, list[CodeValueDocument]]:
    """The active values of every code list a data set's schema uses."""
    return {
        slug: codelists.as_documents(codelists.active_values(session, slug))
        for slug in sorted(document.schema_.code_lists)
    }


def xlsx_template(
    session: Session, version: DatasetVersion, *, language: templates.TemplateLanguage
) -> bytes:
    """The Excel template of one version."""
    document = as_document(version.dataset, version)
    titles = {
        code_list.slug: (code_list.title_fa, code_list.title_en)
        for code_list in codelists.list_code_lists(session)
        if code_list.slug in document.schema_.code_lists
    }
    return templates.xlsx_template(
        document, code_values_for(session, document), language=language, code_list_titles=titles
    )


def csv_template(version: DatasetVersion, *, language: templates.TemplateLanguage) -> bytes:
    """The CSV template of one version."""
    return templates.csv_template(as_document(version.dataset, version), language=language)


def _published(session: Session) -> tuple[list[DatasetDocument], list[CodeListDocument]]:
    documents = []
    for dataset in list_datasets(session):
        active = active_version(dataset)
        if active is not None:
            documents.append(as_document(dataset, active))
    used = sorted({slug for document in documents for slug in document.schema_.code_lists})
    lists = []
    for slug in used:
        code_list = codelists.get_code_list(session, slug)
        list_version = codelists.active_version(code_list)
        lists.append(
            CodeListDocument(
                id=code_list.slug,
                title_fa=code_list.title_fa,
                title_en=code_list.title_en,
                description_fa=code_list.description_fa,
                description_en=code_list.description_en,
                version=list_version.version,
                source=code_list.source,
                values=codelists.as_documents(codelists.values_of(session, list_version)),
            )
        )
    return documents, lists


def data_package(session: Session, *, base_url: str) -> dict[str, Any]:
    """The whole active catalogue as a Frictionless Data Package descriptor."""
    documents, lists = _published(session)
    return exports.data_package(documents, lists, base_url=base_url)


def dcat(session: Session, *, base_url: str, publisher: Sequence[str]) -> dict[str, Any]:
    """The whole active catalogue as DCAT-AP JSON-LD."""
    documents, _ = _published(session)
    return exports.dcat_jsonld(
        documents, base_url=base_url, publisher_name_fa=publisher[0], publisher_name_en=publisher[1]
    )
