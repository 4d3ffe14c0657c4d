"""Entry point of the `dargah` command: assembles the command groups."""

from __future__ import annotations

import typer

from dargah.cli import (
    audit,
    catalogue,
    db,
    demo,
    jobs,
    keys,
    members,
    people,
    push,
    query,
    receipt,
    serve,
    statistics,
    worker,
)

app = typer.Typer(
    name="dargah",
    help="Dargah — درگاه تبادل اطلاعات وزارت علوم. Run `dargah COMMAND --help`.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(members.app, name="members")
app.add_typer(people.app, name="people")
app.add_typer(keys.app, name="keys")
app.add_typer(audit.app, name="audit")
app.add_typer(receipt.app, name="receipt")
app.add_typer(catalogue.app, name="catalogue")
app.add_typer(catalogue.codelists_app, name="codelists")
app.add_typer(demo.app, name="demo")
app.add_typer(jobs.app, name="jobs")
app.command("serve")(serve.serve)
app.command("worker")(worker.worker)
app.command("push")(push.push)
app.command("query")(query.query)
app.command("statistics")(statistics.statistics_command)

if __name__ == "__main__":
    app()
