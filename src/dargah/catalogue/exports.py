"""The catalogue for other tools: a Frictionless Data Package and DCAT-AP JSON-LD.

Pure: catalogue documents in, a JSON-ready ``dict`` out; ``catalogue.publishing`` gathers
the active versions and serves the result.

**Data Package** (Data Package 2.0, declared by ``$schema``). One tabular resource per data
set, whose ``schema`` is the version's stored Table Schema made stricter for generic
tools: the standard ``format`` (email, uri) and the digit ``pattern`` Dargah's own types
imply are filled in, and each code field gets a ``foreignKeys`` entry pointing at a
resource ``codelist-<id>`` that carries the code list inline (``code``, labels, parent,
deprecated), so the package explains its own codes. The resource ``path`` is the blank
CSV template with field names as headers — the layout, not the data, which institutions
report and which the package never exposes. ``dargah:`` properties (Persian/English
titles, sensitivity, cadence, rules …) stay as extensions; Frictionless ignores them.
Stored values are normalised: Jalali dates are ISO dates, mobiles E.164.

**DCAT-AP 3 JSON-LD.** A ``dcat:Catalog`` with one ``dcat:Dataset`` per data set, titles
and descriptions tagged ``fa`` and ``en``, EU vocabularies for theme, frequency and access
rights, and the two templates as distributions. The ``@context`` is inline: consumers
on the ministry's intranet cannot fetch a remote one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from dargah.catalogue.documents import (
    DOMAIN_LABELS,
    Cadence,
    CodeListDocument,
    DatasetDocument,
    Domain,
)
from dargah.catalogue.schema import (
    BUILTIN_PATTERNS,
    TABLE_SCHEMA_FORMAT,
    DargahType,
    Sensitivity,
    TableSchema,
)
from dargah.persian import parse_jalali_date

DATA_PACKAGE_PROFILE: Final = "https://datapackage.org/profiles/2.0/datapackage.json"
CATALOGUE_TITLE: Final = (
    "فهرست داده‌های درگاه وزارت علوم، تحقیقات و فناوری",
    "MSRT Dargah data catalogue",
)
CATALOGUE_DESCRIPTION: Final = (
    "مجموعه‌داده‌هایی که مؤسسه‌های آموزش عالی از راه درگاه به وزارت علوم گزارش می‌دهند: "
    "طرح داده، فهرست‌های کد و قالب‌های ورود داده.",
    "The data sets higher-education institutions report to the Ministry of Science through "
    "Dargah: their schemas, code lists and entry templates.",
)

_EU: Final = "http://publications.europa.eu/resource/authority"

# Cadence → EU frequency vocabulary. A term-based data set is reported for the two
# regular terms of the academic year (the summer term is optional), hence semi-annual;
# a one-off collection is never updated afterwards.
FREQUENCY: Final[dict[Cadence, str]] = {
    Cadence.TERM: f"{_EU}/frequency/ANNUAL_2",
    Cadence.ACADEMIC_YEAR: f"{_EU}/frequency/ANNUAL",
    Cadence.FISCAL_YEAR: f"{_EU}/frequency/ANNUAL",
    Cadence.CONTINUOUS: f"{_EU}/frequency/CONT",
    Cadence.ONE_OFF: f"{_EU}/frequency/NEVER",
}

# Sensitivity → EU access-right vocabulary. Internal data is shared with the ministry and
# granted parties (restricted); confidential and personal data are not public at all.
ACCESS_RIGHTS: Final[dict[Sensitivity, str]] = {
    Sensitivity.PUBLIC: f"{_EU}/access-right/PUBLIC",
    Sensitivity.INTERNAL: f"{_EU}/access-right/RESTRICTED",
    Sensitivity.CONFIDENTIAL: f"{_EU}/access-right/NON_PUBLIC",
    Sensitivity.PERSONAL: f"{_EU}/access-right/NON_PUBLIC",
    Sensitivity.SENSITIVE_PERSONAL: f"{_EU}/access-right/NON_PUBLIC",
}

# Domain → EU data theme (EDUC is "Education, culture and sport").
THEMES: Final[dict[Domain, str]] = {
    Domain.STUDENTS: f"{_EU}/data-theme/EDUC",
    Domain.FACULTY: f"{_EU}/data-theme/EDUC",
    Domain.STAFF: f"{_EU}/data-theme/EDUC",
    Domain.RESEARCH: f"{_EU}/data-theme/TECH",
    Domain.LICENCES: f"{_EU}/data-theme/EDUC",
    Domain.FINANCE: f"{_EU}/data-theme/ECON",
    Domain.CULTURE: f"{_EU}/data-theme/EDUC",
    Domain.INTERNATIONAL: f"{_EU}/data-theme/INTR",
    Domain.WELFARE: f"{_EU}/data-theme/SOCI",
}

JSONLD_CONTEXT: Final[dict[str, str]] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "adms": "http://www.w3.org/ns/adms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "dcatap": "http://data.europa.eu/r5r/",
}

_TEMPLATES: Final = (
    # (file, EU file type, IANA media type, title fa, title en)
    ("csv", "CSV", "text/csv", "قالب CSV", "CSV template"),
    (
        "xlsx",
        "XLSX",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "قالب اکسل",
        "Excel template",
    ),
)

_CODE_LIST_SCHEMA: Final[dict[str, Any]] = {
    "fields": [
        {"name": "code", "type": "string", "constraints": {"required": True, "unique": True}},
        {"name": "label_fa", "type": "string", "constraints": {"required": True}},
        {"name": "label_en", "type": "string", "constraints": {"required": True}},
        {"name": "parent", "type": "string"},
        {"name": "deprecated", "type": "boolean"},
    ],
    "primaryKey": ["code"],
    # A parent is another code of the same list (no "resource": this one).
    "foreignKeys": [{"fields": ["parent"], "reference": {"fields": ["code"]}}],
}


def code_list_resource_name(code_list: str) -> str:
    """The Data Package resource that holds a code list (never clashes with a data set id,
    which has no hyphen)."""
    return f"codelist-{code_list}"


def data_package(
    datasets: Sequence[DatasetDocument],
    code_lists: Sequence[CodeListDocument],
    *,
    base_url: str,
    name: str = "msrt-dargah-catalogue",
) -> dict[str, Any]:
    """The catalogue as a Frictionless Data Package descriptor (see the module docstring).

    ``code_lists`` must hold every list the data sets refer to; raises ``ValueError``
    otherwise, since a foreign key to a missing resource would make the package lie.
    """
    root = base_url.rstrip("/")
    known = {code_list.id for code_list in code_lists}
    missing = sorted({slug for d in datasets for slug in d.schema_.code_lists} - known)
    if missing:
        raise ValueError(f"code lists missing from the package: {', '.join(missing)}")
    return {
        "$schema": DATA_PACKAGE_PROFILE,
        "name": name,
        "title": CATALOGUE_TITLE[0],
        "description": CATALOGUE_DESCRIPTION[0],
        "homepage": root,
        "dargah:titleEn": CATALOGUE_TITLE[1],
        "dargah:descriptionEn": CATALOGUE_DESCRIPTION[1],
        "resources": [
            *(_dataset_resource(dataset, root) for dataset in datasets),
            *(_code_list_resource(code_list) for code_list in code_lists),
        ],
    }


def _dataset_resource(dataset: DatasetDocument, root: str) -> dict[str, Any]:
    return {
        "name": dataset.id,
        "type": "table",
        "title": dataset.title_fa,
        "description": dataset.description_fa,
        # Field names as headers, so the file matches the schema's field names.
        "path": f"{_version_url(root, dataset)}/template.csv?language=names",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8-sig",
        "schema": _standard_schema(dataset.schema_),
        "dargah:titleEn": dataset.title_en,
        "dargah:descriptionEn": dataset.description_en,
        "dargah:version": dataset.version,
        "dargah:domain": dataset.domain.value,
        "dargah:owner": dataset.owner,
        "dargah:sensitivity": dataset.sensitivity.value,
        "dargah:cadence": dataset.cadence.value,
        "dargah:requiredInstitutionTypes": list(dataset.required_institution_types),
    }


def _standard_schema(schema: TableSchema) -> dict[str, Any]:
    """The stored Table Schema with what generic tools can check made explicit."""
    document = schema.to_json()
    for stored, field in zip(document["fields"], schema.fields, strict=True):
        standard_format = TABLE_SCHEMA_FORMAT.get(field.dargah_type)
        if standard_format and field.format is None:
            stored["format"] = standard_format
        if field.dargah_type is DargahType.JALALI_DATE and field.example:
            # The example is what people type (1403/07/15); the stored value, which
            # Table Schema describes, is the ISO date.
            stored["dargah:exampleTyped"] = field.example
            try:
                stored["example"] = parse_jalali_date(field.example).isoformat()
            except ValueError:
                stored.pop("example", None)
        pattern = BUILTIN_PATTERNS.get(field.dargah_type)
        if pattern and field.constraints.pattern is None:
            stored.setdefault("constraints", {})["pattern"] = pattern
    foreign_keys = [
        {
            "fields": [field.name],
            "reference": {"resource": code_list_resource_name(field.code_list), "fields": ["code"]},
        }
        for field in schema.fields
        if field.code_list
    ]
    if foreign_keys:
        document["foreignKeys"] = foreign_keys
    return document


def _code_list_resource(code_list: CodeListDocument) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "name": code_list_resource_name(code_list.id),
        "type": "table",
        "title": code_list.title_fa,
        "dargah:titleEn": code_list.title_en,
        "dargah:version": code_list.version,
        "data": [
            {
                "code": value.code,
                "label_fa": value.label_fa,
                "label_en": value.label_en,
                "parent": value.parent,
                "deprecated": value.deprecated,
            }
            for value in code_list.values
        ],
        "schema": _CODE_LIST_SCHEMA,
    }
    if code_list.description_fa:
        resource["description"] = code_list.description_fa
    if code_list.description_en:
        resource["dargah:descriptionEn"] = code_list.description_en
    if code_list.source:
        resource["sources"] = [{"title": code_list.source}]
    return resource


def dcat_jsonld(
    datasets: Sequence[DatasetDocument],
    *,
    base_url: str,
    publisher_name_fa: str,
    publisher_name_en: str,
) -> dict[str, Any]:
    """The catalogue as DCAT-AP 3 JSON-LD with an inline ``@context`` (module docstring)."""
    root = base_url.rstrip("/")
    publisher_id = f"{root}/#publisher"
    publisher = {
        "@id": publisher_id,
        "@type": "foaf:Agent",
        "foaf:name": _texts(publisher_name_fa, publisher_name_en),
    }
    return {
        "@context": JSONLD_CONTEXT,
        "@id": f"{root}/api/v1/catalogue",
        "@type": "dcat:Catalog",
        "dct:title": _texts(*CATALOGUE_TITLE),
        "dct:description": _texts(*CATALOGUE_DESCRIPTION),
        "dct:publisher": publisher,
        "dct:language": [_iri(f"{_EU}/language/FAS"), _iri(f"{_EU}/language/ENG")],
        "foaf:homepage": _iri(root),
        "dcat:dataset": [_dcat_dataset(dataset, root, publisher_id) for dataset in datasets],
    }


def _dcat_dataset(dataset: DatasetDocument, root: str, publisher_id: str) -> dict[str, Any]:
    version_url = _version_url(root, dataset)
    domain_fa, domain_en = DOMAIN_LABELS[dataset.domain]
    node: dict[str, Any] = {
        "@id": f"{root}/api/v1/datasets/{dataset.id}",
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.id,
        "dct:title": _texts(dataset.title_fa, dataset.title_en),
        "dct:description": _texts(dataset.description_fa, dataset.description_en),
        "dct:publisher": _iri(publisher_id),
        "dcat:theme": _iri(THEMES[dataset.domain]),
        "dcat:keyword": _texts(domain_fa, domain_en),
        "dct:accrualPeriodicity": _iri(FREQUENCY[dataset.cadence]),
        "dct:accessRights": _iri(ACCESS_RIGHTS[dataset.sensitivity]),
        "dct:spatial": _iri(f"{_EU}/country/IRN"),
        "dcat:version": dataset.version,
        "dcat:distribution": [
            _distribution(version_url, dataset, template) for template in _TEMPLATES
        ],
    }
    if dataset.changelog:
        node["adms:versionNotes"] = dataset.changelog
    return node


def _distribution(
    version_url: str, dataset: DatasetDocument, template: tuple[str, str, str, str, str]
) -> dict[str, Any]:
    extension, file_type, media_type, title_fa, title_en = template
    url = f"{version_url}/template.{extension}"
    return {
        "@id": f"{url}#distribution",
        "@type": "dcat:Distribution",
        "dct:title": _texts(f"{title_fa} — {dataset.title_fa}", f"{title_en} — {dataset.title_en}"),
        "dcat:accessURL": _iri(url),
        "dcat:downloadURL": _iri(url),
        "dct:format": _iri(f"{_EU}/file-type/{file_type}"),
        "dcat:mediaType": _iri(f"https://www.iana.org/assignments/media-types/{media_type}"),
        # The data dictionary of the version is the schema the file follows.
        "dct:conformsTo": _iri(f"{version_url}/dictionary"),
    }


def _version_url(root: str, dataset: DatasetDocument) -> str:
    return f"{root}/api/v1/datasets/{dataset.id}/versions/{dataset.version}"


def _texts(fa: str, en: str) -> list[dict[str, str]]:
    """A Persian and an English literal, language-tagged."""
    return [{"@value": fa, "@language": "fa"}, {"@value": en, "@language": "en"}]


def _iri(value: str) -> dict[str, str]:
    return {"@id": value}
