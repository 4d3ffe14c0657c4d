"""`dargah catalogue` and `dargah codelists` against a freshly migrated database on both
backends, with the built-in catalogue as shipped."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import frictionless
import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import DCTERMS, RDF
from sqlalchemy import func, select
from typer.testing import CliRunner

from dargah.catalogue import service
from dargah.catalogue.builtin import builtin_code_lists, builtin_datasets
from dargah.catalogue.models import CodeListVersion, DatasetVersion
from dargah.cli.main import app
from dargah.config import get_settings
from dargah.db.session import Database

pytestmark = pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)
DCAT = Namespace("http://www.w3.org/ns/dcat#")


def dargah(*args: str) -> tuple[int, str]:
    """Run `dargah ARGS…`; exit code and everything it printed."""
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture
def node(fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A migrated, empty node database the CLI is configured to use."""
    monkeypatch.setenv("DARGAH_DATABASE_URL", fresh_database_url)
    get_settings.cache_clear()
    code, output = dargah("db", "upgrade")
    assert code == 0, output
    database = Database.from_url(fresh_database_url)
    yield database
    database.engine.dispose()
    get_settings.cache_clear()


@pytest.fixture
def synced(node: Database) -> Database:
    """The node after one `dargah catalogue sync`."""
    code, output = dargah("catalogue", "sync")
    assert code == 0, output
    return node


def _version_counts(database: Database) -> tuple[int, int]:
    with database.session() as session:
        datasets = session.scalar(select(func.count()).select_from(DatasetVersion))
        lists = session.scalar(select(func.count()).select_from(CodeListVersion))
    return int(datasets or 0), int(lists or 0)


def _active_slugs(database: Database) -> set[str]:
    with database.session() as session:
        return {
            dataset.slug
            for dataset in service.list_datasets(session)
            if service.active_version(dataset) is not None
        }


def _export(tmp_path: Path, kind: str) -> dict[str, Any]:
    path = tmp_path / f"catalogue.{kind}.json"
    code, output = dargah("catalogue", "export", "--format", kind, "--output", str(path))
    assert code == 0, output
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


# -- sync, list, show ----------------------------------------------------------------------


def test_sync_loads_the_built_ins_and_a_second_run_changes_nothing(node: Database) -> None:
    shipped_sets = {document.id for document in builtin_datasets()}
    shipped_lists = {document.id for document in builtin_code_lists()}

    code, first = dargah("catalogue", "sync")

    assert code == 0, first
    assert "created" in first
    after_first = _version_counts(node)
    assert after_first == (len(shipped_sets), len(shipped_lists))
    assert _active_slugs(node) == shipped_sets

    code, second = dargah("catalogue", "sync")

    assert code == 0, second
    assert "created" not in second
    assert "pending" not in second
    assert "unchanged" in second
    assert _version_counts(node) == after_first


def test_list_shows_every_data_set_with_its_active_version(synced: Database) -> None:
    code, output = dargah("catalogue", "list")

    assert code == 0, output
    for slug in _active_slugs(synced):
        assert slug in output
    code, filtered = dargah("catalogue", "list", "--domain", "finance")
    assert code == 0, filtered
    with synced.session() as session:
        finance = {dataset.slug for dataset in service.list_datasets(session, domain="finance")}
        others = {dataset.slug for dataset in service.list_datasets(session)} - finance
    assert all(slug in filtered for slug in finance)
    assert not any(f" {slug} " in filtered for slug in others)


def test_show_prints_the_dictionary_as_json(synced: Database) -> None:
    slug = sorted(_active_slugs(synced))[0]

    code, output = dargah("catalogue", "show", slug)

    assert code == 0, output
    dictionary = json.loads(output)
    assert dictionary["dataset"] == slug
    assert dictionary["fields"], "a data set has fields"
    assert all(field["title_fa"] and field["title_en"] for field in dictionary["fields"])


def test_show_of_an_unknown_data_set_is_a_clear_error(synced: Database) -> None:
    code, output = dargah("catalogue", "show", "no_such_dataset")

    assert code == 2
    assert "data_set_not_found" in output


# -- exports -------------------------------------------------------------------------------


def test_dcat_export_is_json_ld_with_a_dataset_per_active_data_set(
    synced: Database, tmp_path: Path
) -> None:
    document = _export(tmp_path, "dcat")

    with warnings.catch_warnings():
        # rdflib's JSON-LD parser builds a ConjunctiveGraph internally and warns about it.
        warnings.filterwarnings(
            "ignore", message="ConjunctiveGraph is deprecated", category=DeprecationWarning
        )
        graph = Graph().parse(data=json.dumps(document), format="json-ld")
    assert len(graph) > 0
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    identifiers = {str(graph.value(dataset, DCTERMS.identifier)) for dataset in datasets}
    assert identifiers == _active_slugs(synced)
    titles = {title for dataset in datasets for title in graph.objects(dataset, DCTERMS.title)}
    assert any(isinstance(title, Literal) and title.language == "fa" for title in titles)


def test_datapackage_export_is_a_valid_frictionless_package(
    synced: Database, tmp_path: Path
) -> None:
    descriptor = _export(tmp_path, "datapackage")

    report = frictionless.Package.validate_descriptor(descriptor)

    assert report.valid, report.flatten(["type", "note"])
    names = {resource["name"] for resource in descriptor["resources"]}
    assert _active_slugs(synced) <= names


def test_export_refuses_an_unknown_format(synced: Database) -> None:
    code, output = dargah("catalogue", "export", "--format", "xml")

    assert code == 2
    assert "datapackage or dcat" in output


# -- code lists ----------------------------------------------------------------------------


def test_codelists_list_and_show(synced: Database) -> None:
    code, listed = dargah("codelists", "list")

    assert code == 0, listed
    for document in builtin_code_lists():
        assert document.id in listed
    code, shown = dargah("codelists", "show", "provinces")
    assert code == 0, shown
    assert "کرمانشاه" in shown
    assert "Kermanshah" in shown
    code, missing = dargah("codelists", "show", "no_such_list")
    assert code == 2
    assert "code_list_not_found" in missing


def test_codelists_lookup_finds_a_persian_label_typed_with_arabic_letters(
    synced: Database,
) -> None:
    # ك (Arabic kaf) where Persian writes ک.
    code, output = dargah("codelists", "lookup", "provinces", "كرمانشاه")

    assert code == 0, output
    assert output.split()[0] == "05"  # code, then the labels
    # ي (Arabic yeh) and an alias ("استان …").
    code, output = dargah("codelists", "lookup", "provinces", "استان سيستان و بلوچستان")
    assert code == 0, output
    assert "سیستان و بلوچستان" in output
    code, output = dargah("codelists", "lookup", "provinces", "آتلانتیس")
    assert code == 1
    assert "no match" in output
