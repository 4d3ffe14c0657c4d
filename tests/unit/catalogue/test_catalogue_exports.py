"""Catalogue exports: a Data Package Frictionless accepts, DCAT-AP JSON-LD rdflib reads."""

from __future__ import annotations

import copy
import json
import socket
import warnings
from typing import Any

import frictionless
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from dargah.catalogue.documents import Cadence, CodeListDocument, DatasetDocument, Domain
from dargah.catalogue.exports import (
    ACCESS_RIGHTS,
    FREQUENCY,
    THEMES,
    code_list_resource_name,
    data_package,
    dcat_jsonld,
)
from dargah.catalogue.schema import Sensitivity

BASE = "https://dargah.msrt.example/"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
EU = "http://publications.europa.eu/resource/authority"

LEVELS = CodeListDocument.model_validate(
    {
        "id": "test_levels",
        "title_fa": "مقاطع آزمایشی",
        "title_en": "Test levels",
        "source": "ISCED 2011",
        "values": [
            {"code": "bachelor", "label_fa": "کارشناسی", "label_en": "Bachelor"},
            {"code": "master", "label_fa": "کارشناسی ارشد", "label_en": "Master"},
            {"code": "assoc", "label_fa": "کاردانی", "label_en": "Associate", "deprecated": True},
            {
                "code": "phd_thesis",
                "label_fa": "دکتری پژوهشی",
                "label_en": "PhD by research",
                "parent": "master",
            },
        ],
    }
)


def _field(name: str, kind: str, **extra: Any) -> dict[str, Any]:
    table_type = {"jalali_date": "date", "integer": "integer", "money_rial": "integer"}
    return {
        "name": name,
        "title": f"عنوان {name}",
        "dargah:titleEn": name.replace("_", " ").capitalize(),
        "type": table_type.get(kind, "string"),
        "dargah:type": kind,
        **extra,
    }


STUDENTS = DatasetDocument.model_validate(
    {
        "id": "test_students",
        "title_fa": "دانشجویان آزمایشی",
        "title_en": "Test students",
        "description_fa": "فهرست دانشجویان برای آزمون",
        "description_en": "Students, for tests",
        "domain": "students",
        "owner": "education",
        "sensitivity": "personal",
        "cadence": "term",
        "version": "1.2",
        "changelog": "ستون رایانامه افزوده شد",
        "schema": {
            "fields": [
                _field("student_number", "identifier", constraints={"required": True}),
                _field("national_id", "national_id", **{"dargah:sensitivity": "personal"}),
                _field("degree_level", "code", **{"dargah:codeList": "test_levels"}),
                _field("entry_date", "jalali_date"),
                _field("credits", "integer", constraints={"minimum": 0, "maximum": 400}),
                _field("email", "email"),
            ],
            "primaryKey": ["student_number"],
        },
    }
)

BUDGET = DatasetDocument.model_validate(
    {
        "id": "test_budget",
        "title_fa": "بودجه آزمایشی",
        "title_en": "Test budget",
        "description_fa": "بودجه برای آزمون",
        "description_en": "Budget, for tests",
        "domain": "finance",
        "owner": "finance",
        "sensitivity": "public",
        "cadence": "fiscal_year",
        "schema": {
            "fields": [
                _field("budget_line", "identifier", constraints={"required": True}),
                _field("amount", "money_rial"),
            ],
            "primaryKey": ["budget_line"],
        },
    }
)


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to reach the network fails the test: there is none on the intranet."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("tried to use the network")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def _package() -> dict[str, Any]:
    return data_package([STUDENTS, BUDGET], [LEVELS], base_url=BASE)


def _resource(package: dict[str, Any], name: str) -> dict[str, Any]:
    [found] = [resource for resource in package["resources"] if resource["name"] == name]
    return found


@pytest.mark.usefixtures("offline")
def test_data_package_is_valid_for_frictionless_without_network() -> None:
    report = frictionless.Package.validate_descriptor(_package())
    assert report.valid, report.flatten(["type", "note"])


@pytest.mark.usefixtures("offline")
def test_the_same_check_rejects_a_non_standard_field_type() -> None:
    package = _package()
    _resource(package, "test_students")["schema"]["fields"][3]["type"] = "jalali_date"
    assert not frictionless.Package.validate_descriptor(package).valid


@pytest.mark.usefixtures("offline")
def test_code_fields_are_foreign_keys_to_code_lists_carried_inline() -> None:
    package = _package()
    schema = _resource(package, "test_students")["schema"]
    assert schema["foreignKeys"] == [
        {
            "fields": ["degree_level"],
            "reference": {"resource": "codelist-test_levels", "fields": ["code"]},
        }
    ]
    levels = _resource(package, code_list_resource_name("test_levels"))
    # Deprecated codes stay: rows reported before the deprecation still use them.
    assert [(row["code"], row["deprecated"]) for row in levels["data"]] == [
        ("bachelor", False),
        ("master", False),
        ("assoc", True),
        ("phd_thesis", False),
    ]
    assert levels["data"][3]["parent"] == "master"
    assert levels["sources"] == [{"title": "ISCED 2011"}]
    # The inline rows satisfy the code list's own schema (unique codes, known parents).
    report = frictionless.Package(package).get_resource(levels["name"]).validate()
    assert report.valid, report.flatten(["type", "note"])


@pytest.mark.usefixtures("offline")
def test_a_code_list_row_breaking_its_schema_is_caught() -> None:
    package = copy.deepcopy(_package())
    levels = _resource(package, code_list_resource_name("test_levels"))
    levels["data"].append(dict(levels["data"][0]))  # a repeated code
    report = frictionless.Package(package).get_resource(levels["name"]).validate()
    assert not report.valid


def test_data_set_resource_describes_the_template_and_keeps_dargah_extensions() -> None:
    resource = _resource(_package(), "test_students")
    assert resource["path"] == (
        "https://dargah.msrt.example/api/v1/datasets/test_students/versions/1.2/"
        "template.csv?language=names"
    )
    assert resource["type"] == "table"
    assert resource["dargah:sensitivity"] == "personal"
    assert resource["dargah:titleEn"] == "Test students"
    fields = {field["name"]: field for field in resource["schema"]["fields"]}
    # What a generic Table Schema tool can check is made explicit.
    assert fields["email"]["format"] == "email"
    assert fields["national_id"]["constraints"]["pattern"] == "[0-9]{10}"
    assert fields["national_id"]["dargah:sensitivity"] == "personal"
    assert fields["credits"]["constraints"]["maximum"] == 400
    assert "foreignKeys" not in _resource(_package(), "test_budget")["schema"]


def test_package_refuses_to_leave_out_a_used_code_list() -> None:
    with pytest.raises(ValueError, match="test_levels"):
        data_package([STUDENTS], [], base_url=BASE)


def _graph(document: dict[str, Any]) -> Graph:
    with warnings.catch_warnings():
        # rdflib 7.6's own JSON-LD parser builds a ConjunctiveGraph internally and so
        # warns about its deprecation; nothing in our document causes it.
        warnings.filterwarnings(
            "ignore", message="ConjunctiveGraph is deprecated", category=DeprecationWarning
        )
        return Graph().parse(data=json.dumps(document), format="json-ld")


def _dcat() -> dict[str, Any]:
    return dcat_jsonld(
        [STUDENTS, BUDGET],
        base_url=BASE,
        publisher_name_fa="وزارت علوم، تحقیقات و فناوری",
        publisher_name_en="Ministry of Science, Research and Technology",
    )


@pytest.mark.usefixtures("offline")
def test_dcat_is_json_ld_with_an_inline_context() -> None:
    document = _dcat()
    assert isinstance(document["@context"], dict)
    assert {"dcat", "dct", "foaf", "adms", "xsd", "vcard", "dcatap"} <= set(document["@context"])
    graph = _graph(document)
    [catalog] = graph.subjects(RDF.type, DCAT.Catalog)
    datasets = set(graph.objects(catalog, DCAT.dataset))
    assert len(datasets) == 2
    assert set(graph.subjects(RDF.type, DCAT.Dataset)) == datasets
    assert Literal("وزارت علوم، تحقیقات و فناوری", lang="fa") in set(
        graph.objects(
            graph.value(catalog, DCTERMS.publisher), URIRef("http://xmlns.com/foaf/0.1/name")
        )
    )


@pytest.mark.usefixtures("offline")
def test_dcat_dataset_has_both_languages_frequency_access_and_downloads() -> None:
    graph = _graph(_dcat())
    students = URIRef("https://dargah.msrt.example/api/v1/datasets/test_students")
    assert set(graph.objects(students, DCTERMS.title)) == {
        Literal("دانشجویان آزمایشی", lang="fa"),
        Literal("Test students", lang="en"),
    }
    assert {literal.language for literal in graph.objects(students, DCTERMS.description)} == {
        "fa",
        "en",
    }
    assert graph.value(students, DCTERMS.identifier) == Literal("test_students")
    assert graph.value(students, DCTERMS.accrualPeriodicity) == URIRef(f"{EU}/frequency/ANNUAL_2")
    assert graph.value(students, DCTERMS.accessRights) == URIRef(f"{EU}/access-right/NON_PUBLIC")
    assert graph.value(students, DCAT.theme) == URIRef(f"{EU}/data-theme/EDUC")
    assert graph.value(students, DCAT.version) == Literal("1.2")
    downloads = {
        str(graph.value(distribution, DCAT.downloadURL))
        for distribution in graph.objects(students, DCAT.distribution)
    }
    version_url = "https://dargah.msrt.example/api/v1/datasets/test_students/versions/1.2"
    assert downloads == {f"{version_url}/template.csv", f"{version_url}/template.xlsx"}
    budget = URIRef("https://dargah.msrt.example/api/v1/datasets/test_budget")
    assert graph.value(budget, DCTERMS.accrualPeriodicity) == URIRef(f"{EU}/frequency/ANNUAL")
    assert graph.value(budget, DCTERMS.accessRights) == URIRef(f"{EU}/access-right/PUBLIC")


def test_every_cadence_sensitivity_and_domain_has_an_eu_term() -> None:
    assert set(FREQUENCY) == set(Cadence)
    assert set(ACCESS_RIGHTS) == set(Sensitivity)
    assert set(THEMES) == set(Domain)
    assert FREQUENCY[Cadence.ONE_OFF].endswith("/NEVER")
    assert ACCESS_RIGHTS[Sensitivity.INTERNAL].endswith("/RESTRICTED")
