"""`dargah catalogue` and `dargah codelists`: the catalogue from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table

from dargah.catalogue import codelists, presenters, publishing, service
from dargah.catalogue.builtin import builtin_code_lists, builtin_datasets
from dargah.cli._common import actor, console, fail, open_database, settings
from dargah.errors import DargahError

app = typer.Typer(help="Data sets, versions and the data dictionary.", no_args_is_help=True)
codelists_app = typer.Typer(help="Code lists (reference data).", no_args_is_help=True)


@app.command("sync")
def sync_command() -> None:
    """Load the built-in code lists and data sets (safe to run again)."""
    with open_database() as database, database.session() as session:
        try:
            report = service.sync_builtin(
                session,
                principal=actor(),
                code_list_documents=builtin_code_lists(),
                dataset_documents=builtin_datasets(),
            )
        except DargahError as exc:
            raise fail(exc) from exc
    table = Table(title="catalogue sync / همگام‌سازی کاتالوگ")
    table.add_column("kind")
    table.add_column("id")
    table.add_column("outcome")
    for slug, outcome in report.code_lists.items():
        table.add_row("code list", slug, outcome)
    for slug, outcome in report.datasets.items():
        table.add_row("data set", slug, outcome)
    console.print(table)


@app.command("list")
def list_command(
    domain: Annotated[str | None, typer.Option()] = None,
    status: Annotated[str | None, typer.Option()] = None,
) -> None:
    """List data sets."""
    with open_database() as database, database.session() as session:
        table = Table(title="data sets / مجموعه‌داده‌ها")
        for column in ("id", "title", "domain", "owner", "active", "status"):
            table.add_column(column)
        for dataset in service.list_datasets(session, domain=domain, status=status):
            active = service.active_version(dataset)
            table.add_row(
                dataset.slug,
                dataset.title_fa,
                dataset.domain,
                dataset.owner.code,
                active.version if active else "-",
                dataset.status,
            )
    console.print(table)


@app.command("show")
def show_command(
    slug: str, version: Annotated[str, typer.Option(help="1.0, active or latest")] = "active"
) -> None:
    """Show a data set's dictionary at a version, as JSON."""
    with open_database() as database, database.session() as session:
        try:
            dataset = service.get_dataset(session, slug)
            dictionary = presenters.dictionary_out(
                session, dataset, service.get_version(dataset, version)
            )
        except DargahError as exc:
            raise fail(exc) from exc
    console.print_json(dictionary.model_dump_json())


@app.command("approve")
def approve_command(slug: str, version: str) -> None:
    """Approve a pending version (administrators; HQ staff use the portal or API)."""
    with open_database() as database, database.session() as session:
        try:
            found = service.approve_version(session, principal=actor(), slug=slug, version=version)
        except DargahError as exc:
            raise fail(exc) from exc
    console.print(f"✓ {slug} {found.version} active / فعال شد")


@app.command("export")
def export_command(
    format: Annotated[str, typer.Option("--format", help="datapackage or dcat")] = "datapackage",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    base_url: Annotated[str | None, typer.Option(help="Public address of this gateway")] = None,
) -> None:
    """Export the active catalogue as a Frictionless Data Package or DCAT-AP JSON-LD."""
    if format not in ("datapackage", "dcat"):
        console.print("--format must be datapackage or dcat")
        raise typer.Exit(code=2)
    chosen: Literal["datapackage", "dcat"] = "dcat" if format == "dcat" else "datapackage"
    current = settings()
    url = base_url or f"http://{current.host}:{current.port}"
    with open_database() as database, database.session() as session:
        body = (
            publishing.dcat(
                session, base_url=url, publisher=(current.node_name_fa, current.node_name_en)
            )
            if chosen == "dcat"
            else publishing.data_package(session, base_url=url)
        )
    text = json.dumps(body, ensure_ascii=False, indent=2)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        console.print(f"✓ {output}")


@codelists_app.command("list")
def codelists_list_command() -> None:
    """List code lists."""
    with open_database() as database, database.session() as session:
        table = Table(title="code lists / فهرست‌های کد")
        for column in ("id", "title", "version", "values", "source"):
            table.add_column(column)
        for code_list in codelists.list_code_lists(session):
            summary = presenters.code_list_summary(session, code_list)
            table.add_row(
                summary.id,
                summary.title_fa,
                summary.version,
                str(summary.values),
                summary.source or "",
            )
    console.print(table)


@codelists_app.command("show")
def codelists_show_command(
    slug: str, version: Annotated[str | None, typer.Option()] = None
) -> None:
    """Show a code list's values."""
    with open_database() as database, database.session() as session:
        try:
            code_list = codelists.get_code_list(session, slug)
            found = codelists.find_version(code_list, version)
            values = codelists.values_of(session, found)
        except DargahError as exc:
            raise fail(exc) from exc
        table = Table(title=f"{slug} {found.version}")
        for column in ("code", "label_fa", "label_en", "parent"):
            table.add_column(column)
        for value in values:
            table.add_row(value.code, value.label_fa, value.label_en, value.parent_code or "")
    console.print(table)


@codelists_app.command("lookup")
def codelists_lookup_command(slug: str, text: str) -> None:
    """Find the code a Persian or English label (or alias) names."""
    with open_database() as database, database.session() as session:
        try:
            value = codelists.lookup(session, slug, text)
        except DargahError as exc:
            raise fail(exc) from exc
        if value is None:
            console.print(f"✗ no match / یافت نشد: {text}")
            raise typer.Exit(code=1)
        console.print(f"{value.code}\t{value.label_fa}\t{value.label_en}")
