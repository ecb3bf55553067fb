"""`label-import sandbox`: serve the API emulator until SIGINT or SIGTERM.

The emulator (and aiohttp.web) is imported when the command runs, not when the CLI starts.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.cli.app import app
from pipeline.cli.failures import fail
from pipeline.cli.safe import shown
from pipeline.errors import UsageError

if TYPE_CHECKING:
    from pipeline.sandbox import Organisation, SandboxConfig

PREFIX = "label-import sandbox"

Host = Annotated[str, typer.Option(help="Address to listen on.")]
Port = Annotated[int, typer.Option(min=0, max=65535, help="0 picks a free port.")]
Orgs = Annotated[
    list[str] | None,
    typer.Option(help="An organisation as KEY:SECRET (repeatable; default demo-key)."),
]
Projects = Annotated[
    list[str] | None,
    typer.Option(
        "--project",
        metavar="UUID",
        help="A project id of the organisations (repeatable); others are refused as the"
        " server refuses them. None: every project id is taken.",
    ),
]
Store = Annotated[Path | None, typer.Option(help="SQLite file that keeps labels across restarts.")]
Seed = Annotated[int | None, typer.Option(help="Seed for reproducible faults.")]
LatencyMs = Annotated[float, typer.Option(min=0.0, help="Added to every answer.")]
JitterMs = Annotated[float, typer.Option(min=0.0, help="Random extra latency, 0..N.")]
ErrorRate = Annotated[float, typer.Option(min=0.0, max=1.0, help="Share answered 500/502/503/504.")]
RateLimit = Annotated[
    float, typer.Option(min=0.0, help="Requests/s per organisation; excess gets 429.")
]
DropRate = Annotated[
    float, typer.Option(min=0.0, max=1.0, help="Share closed before the label is stored.")
]
AmbiguousRate = Annotated[
    float, typer.Option(min=0.0, max=1.0, help="Share stored, then closed with no answer.")
]
ThrottleRate = Annotated[
    float,
    typer.Option(min=0.0, max=1.0, help="Share answered 429 with Retry-After, at any rate."),
]
RetryAfter = Annotated[int, typer.Option(min=0, help="Seconds of Retry-After on --throttle-rate.")]
AllowRemote = Annotated[bool, typer.Option(help="Allow listening on a non-loopback address.")]


@app.command()
def sandbox(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    org: Orgs = None,
    project: Projects = None,
    db: Store = None,
    seed: Seed = None,
    latency_ms: LatencyMs = 0.0,
    jitter_ms: JitterMs = 0.0,
    error_rate: ErrorRate = 0.0,
    rate_limit: RateLimit = 0.0,
    drop_rate: DropRate = 0.0,
    ambiguous_rate: AmbiguousRate = 0.0,
    throttle_rate: ThrottleRate = 0.0,
    retry_after: RetryAfter = 1,
    allow_remote: AllowRemote = False,
) -> None:
    """Serve a local emulator of the annotation-labels API (prints its base URL first)."""
    from pipeline.sandbox import SandboxConfig

    # The options' own mistakes first: a --project typo matters whatever holds the port.
    config = SandboxConfig(
        orgs=_organisations(org or []),
        projects=_projects(project or []),
        db_path=str(db) if db else None,
        latency_ms=latency_ms,
        jitter_ms=jitter_ms,
        error_rate=error_rate,
        rate_limit=rate_limit,
        drop_rate=drop_rate,
        ambiguous_rate=ambiguous_rate,
        throttle_rate=throttle_rate,
        throttle_retry_after=retry_after,
        seed=seed,
    )
    _refuse_unusable(host, port, db, allow_remote=allow_remote)
    try:
        _serve(config, host, port, db)
    except Exception as exc:
        raise fail(PREFIX, exc) from None


def _refuse_unusable(host: str, port: int, db: Path | None, *, allow_remote: bool) -> None:
    """Stop before serving, with a usage error's one line and exit, when it cannot work."""
    try:
        _check_usable(host, port, db, allow_remote=allow_remote)
    except UsageError as exc:
        raise fail(PREFIX, exc) from None


def _check_usable(host: str, port: int, db: Path | None, *, allow_remote: bool) -> None:
    from pipeline.sandbox.server import port_is_free
    from pipeline.send.net import is_loopback

    if not is_loopback(host) and not allow_remote:
        raise UsageError(
            f"refusing to listen on {host}: not loopback (pass --allow-remote to allow)"
        )
    if port and not port_is_free(host, port):
        raise UsageError(f"port {port} on {host} is in use (try --port 0 for a free one)")
    if db is not None and not db.parent.is_dir():
        raise UsageError(f"cannot keep the store in {db}: folder {db.parent} does not exist")


def _organisations(pairs: list[str]) -> tuple[Organisation, ...]:
    """The organisations to serve; a malformed pair is click's usage error, like a bad dial."""
    from pipeline.sandbox import DEMO_API_KEY, DEMO_SECRET_KEY, Organisation

    if not pairs:
        return (Organisation(DEMO_API_KEY, DEMO_SECRET_KEY),)
    orgs: list[Organisation] = []
    for pair in pairs:
        key, sep, secret = pair.partition(":")
        if not sep or not key or not secret:
            raise typer.BadParameter("expected KEY:SECRET", param_hint="--org")
        if any(org.api_key == key for org in orgs):
            # The key names the organisation; the secret stays off the screen.
            raise typer.BadParameter(
                f"key '{shown(key)}' is given twice: each organisation needs its own key",
                param_hint="--org",
            )
        orgs.append(Organisation(key, secret))
    return tuple(orgs)


def _projects(ids: list[str]) -> tuple[str, ...]:
    """The declared project ids, each a UUID; a malformed one is click's usage error."""
    import uuid

    for project in ids:
        try:
            uuid.UUID(project)
        except ValueError:
            raise typer.BadParameter(
                f"'{shown(project)}' is not a project id (a UUID)", param_hint="--project"
            ) from None
    return tuple(ids)


def _projects_line(projects: tuple[str, ...]) -> str:
    if not projects:
        return "sandbox accepts every project id (declare the organisation's with --project)"
    return f"sandbox projects: {shown(', '.join(projects))}; any other project id is refused"


def _serve(config: SandboxConfig, host: str, port: int, db: Path | None) -> None:
    import asyncio
    import sqlite3

    from pipeline.sandbox.server import serve_until_stopped

    def announce(url: str) -> None:
        print(shown(url), flush=True)
        keys = shown(", ".join(o.api_key for o in config.orgs))
        print(f"sandbox serving organisations: {keys}; Ctrl-C to stop", file=sys.stderr)
        print(_projects_line(config.projects), file=sys.stderr)

    try:
        asyncio.run(serve_until_stopped(config, host, port, announce))
    except sqlite3.Error as exc:
        raise UsageError(f"cannot use {db} as the sandbox's store: {exc}") from None
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
