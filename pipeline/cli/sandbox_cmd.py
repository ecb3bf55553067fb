"""`label-import sandbox`: serve the API emulator until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.app import EXIT_USAGE, app
from pipeline.sandbox import DEMO_API_KEY, DEMO_SECRET_KEY, Organisation, SandboxConfig
from pipeline.sandbox.server import port_is_free, serve_until_stopped
from pipeline.send.net import is_loopback


def _organisations(pairs: list[str]) -> tuple[Organisation, ...]:
    if not pairs:
        return (Organisation(DEMO_API_KEY, DEMO_SECRET_KEY),)
    orgs = []
    for pair in pairs:
        key, sep, secret = pair.partition(":")
        if not sep or not key or not secret:
            raise typer.BadParameter("expected KEY:SECRET", param_hint="--org")
        orgs.append(Organisation(key, secret))
    return tuple(orgs)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"label-import sandbox: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


Rate = Annotated[float, typer.Option(min=0.0, max=1.0)]


@app.command()
def sandbox(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="0 picks a free port.")] = 8000,
    org: Annotated[
        list[str] | None,
        typer.Option(help="An organisation as KEY:SECRET (repeatable; default demo-key)."),
    ] = None,
    db: Annotated[
        Path | None, typer.Option(help="SQLite file that keeps labels across restarts.")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed for reproducible faults.")] = None,
    latency_ms: Annotated[float, typer.Option(min=0.0, help="Added to every answer.")] = 0.0,
    jitter_ms: Annotated[float, typer.Option(min=0.0, help="Random extra latency, 0..N.")] = 0.0,
    error_rate: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Share answered 500/502/503/504.")
    ] = 0.0,
    rate_limit: Annotated[
        float, typer.Option(min=0.0, help="Requests/s per organisation; excess gets 429.")
    ] = 0.0,
    drop_rate: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Share closed before the label is stored.")
    ] = 0.0,
    ambiguous_rate: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Share stored, then closed with no answer.")
    ] = 0.0,
    allow_remote: Annotated[
        bool, typer.Option(help="Allow listening on a non-loopback address.")
    ] = False,
) -> None:
    """Serve a local emulator of the annotation-labels API (prints its base URL first)."""
    if not is_loopback(host) and not allow_remote:
        raise _fail(f"refusing to listen on {host}: not loopback (pass --allow-remote to allow)")
    if port and not port_is_free(host, port):
        raise _fail(f"port {port} on {host} is in use (try --port 0 for a free one)")
    if db is not None and not db.parent.is_dir():
        raise _fail(f"cannot keep the store in {db}: folder {db.parent} does not exist")
    config = SandboxConfig(
        orgs=_organisations(org or []),
        db_path=str(db) if db else None,
        latency_ms=latency_ms,
        jitter_ms=jitter_ms,
        error_rate=error_rate,
        rate_limit=rate_limit,
        drop_rate=drop_rate,
        ambiguous_rate=ambiguous_rate,
        seed=seed,
    )

    def announce(url: str) -> None:
        print(url, flush=True)
        keys = ", ".join(o.api_key for o in config.orgs)
        print(f"sandbox serving organisations: {keys}; Ctrl-C to stop", file=sys.stderr)

    try:
        asyncio.run(serve_until_stopped(config, host, port, announce))
    except sqlite3.Error as exc:
        raise _fail(f"cannot use {db} as the sandbox's store: {exc}") from None
    except OSError as exc:
        raise _fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
