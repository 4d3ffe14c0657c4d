"""`dargah receipt`: check a signed receipt, hand out the node's public keys."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from rich.markup import escape
from rich.table import Table

from dargah.audit import receipts, signing
from dargah.cli._common import console, err_console, fail, open_database, settings
from dargah.errors import DargahError, InvalidInput

app = typer.Typer(
    help="Signed receipts: verify one, publish the node's keys. / رسیدهای امضاشده",
    no_args_is_help=True,
)

KEYS_PATH = "/api/v1/gateway/keys"
_FETCH_TIMEOUT_SECONDS = 15.0


@app.command("verify")
def verify_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The receipt, as JSON")],
    keys: Annotated[
        Path | None,
        typer.Option(
            "--keys",
            exists=True,
            dir_okay=False,
            help="A saved copy of the gateway's keys (GET /api/v1/gateway/keys)",
        ),
    ] = None,
    gateway: Annotated[
        str | None,
        typer.Option(
            "--gateway", help="Fetch the keys from this gateway, e.g. https://dargah.msrt.ir"
        ),
    ] = None,
) -> None:
    """Check a receipt's signature. Exit 0: valid; 1: not valid; 2: could not check.

    The keys come from --keys (offline), from --gateway, or, with neither, from this
    node's own database.
    """
    if keys is not None and gateway is not None:
        err_console.print(
            "[red]✗ --keys یا --gateway، نه هر دو / give --keys or --gateway, not both[/red]"
        )
        raise typer.Exit(code=2)
    try:
        public_keys = _public_keys(keys, gateway)
    except DargahError as exc:
        raise fail(exc) from exc
    try:
        document = receipts.load_receipt(file.read_bytes())
        payload = receipts.verify(document, public_keys)
    except InvalidInput as exc:
        console.print(f"[red]✗ نامعتبر / not valid ({exc.code})[/red]")
        console.print(f"[red]  {escape(exc.message_fa)}[/red]")
        console.print(f"[red]  {escape(exc.message_en)}[/red]")
        raise typer.Exit(code=1) from exc
    table = Table(title="رسید / receipt")
    table.add_column("field / فیلد")
    table.add_column("value / مقدار", overflow="fold")
    for name, value in _flatten(payload):
        table.add_row(escape(name), escape(value))
    console.print(table)
    signature = document["signature"]
    console.print(f"کلید / key: {escape(signature['kid'])} ({signature['alg']})")
    console.print("[green]✓ معتبر / valid[/green]")


@app.command("keys")
def keys_command() -> None:
    """Print this node's published keys as JSON, to hand to those who check its receipts."""
    current = settings()
    with open_database() as database, database.session() as session:
        try:
            published = signing.published_keys(session, current)
        except DargahError as exc:
            raise fail(exc) from exc
    typer.echo(json.dumps(signing.jwks(published), ensure_ascii=False, indent=2))


def _public_keys(keys: Path | None, gateway: str | None) -> dict[str, Ed25519PublicKey]:
    if keys is not None:
        return receipts.load_keys(keys.read_bytes())
    if gateway is not None:
        return receipts.load_keys(_fetch_keys(gateway))
    with open_database() as database, database.session() as session:
        return signing.verifying_keys(session)


def _fetch_keys(gateway: str) -> bytes:
    """The key set published by ``gateway`` (its base address or the keys URL itself)."""
    url = gateway.rstrip("/")
    if not url.endswith(KEYS_PATH):
        url += KEYS_PATH
    try:
        response = httpx.get(url, timeout=_FETCH_TIMEOUT_SECONDS, follow_redirects=True)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise InvalidInput(
            f"کلیدهای درگاه از {url} دریافت نشد: {exc}",
            f"Could not fetch the gateway's keys from {url}: {exc}",
            code="gateway_keys_unavailable",
            details={"url": url},
        ) from exc
    return response.content


def _flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted.name, text) for each leaf of a receipt, in the order it was written."""
    if isinstance(value, Mapping) and value:
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, str):
        yield prefix, value
    else:
        yield prefix, json.dumps(value, ensure_ascii=False)
