"""`label-import export`: the organisation's labels to a file that `run` reads back.

The stages (and aiohttp) are imported when the command runs, not when the CLI starts.
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline.cli.app import app
from pipeline.cli.failures import fail
from pipeline.cli.interrupt import end_on_signals, interrupted
from pipeline.cli.link import against_api
from pipeline.cli.options import (
    AsJson,
    BaseUrl,
    Concurrency,
    Insecure,
    MaxRetries,
    MaxWait,
    Rate,
    Timeout,
)
from pipeline.cli.safe import counted, json_text, shown

if TYPE_CHECKING:
    from pipeline.report.export_file import ExportSummary

PREFIX = "label-import export"
Out = Annotated[
    Path,
    typer.Argument(
        metavar="OUT", help="The file to write: .csv, .xlsx, .json or .jsonl (replaced whole)."
    ),
]
LabelTypeFilter = Annotated[
    str | None,
    typer.Option("--type", help="Only labels of this type (text, categorical, numeric, ...)."),
]
Project = Annotated[str | None, typer.Option(help="Only labels of this project (its UUID).")]
Search = Annotated[
    str | None, typer.Option(help="Only labels whose name contains this text, in any case.")
]
IncludeArchived = Annotated[
    bool,
    typer.Option(
        "--include-archived",
        help="Archived labels too, marked true in an `archived` column (`run` would create "
        "them as active labels).",
    ),
]
UseSandbox = Annotated[
    bool,
    typer.Option(
        "--sandbox", help="Export from a local in-process sandbox with demo keys (it is empty)."
    ),
]
EPILOG = (
    "Exit codes: 0 written; 2 usage error; 3 fatal API error (bad keys, no permission), "
    "server unreachable or paginating for ever, interrupted, or a file that cannot be "
    "written: then OUT is left as it was.  Credentials come from FI_API_KEY and "
    "FI_SECRET_KEY (environment or .env), never from the command line."
)
# The options that shape only what the terminal shows; the others are `export_labels`
# arguments of the same name.
TERMINAL_ONLY = ("out", "json_output", "sandbox")


@app.command(epilog=EPILOG)
def export(
    out: Out,
    label_type: LabelTypeFilter = None,
    project: Project = None,
    search: Search = None,
    include_archived: IncludeArchived = False,
    concurrency: Concurrency = 8,
    rate: Rate = "auto",
    max_retries: MaxRetries = 6,
    max_wait: MaxWait = 600.0,
    timeout: Timeout = 30.0,
    json_output: AsJson = False,
    base_url: BaseUrl = None,
    insecure: Insecure = False,
    sandbox: UseSandbox = False,
) -> None:
    """Write every label of the organisation, in the columns `run` reads, to OUT."""
    # First, while the parameters are the only locals.
    knobs = {name: value for name, value in locals().items() if name not in TERMINAL_ONLY}
    end_on_signals()
    try:
        summary = _export(out, knobs, sandbox=sandbox)
    except KeyboardInterrupt:  # Interrupted, from a signal
        raise interrupted(PREFIX, f"; {shown(out)} is as it was") from None
    except Exception as exc:
        raise fail(PREFIX, exc) from None
    _tell(summary, as_json=json_output)
    raise typer.Exit(summary.exit_code)


def _export(out: Path, knobs: dict[str, Any], *, sandbox: bool) -> ExportSummary:
    import anyio

    from pipeline.exporter import export_labels

    start = partial(export_labels, out, **knobs)
    return anyio.run(partial(against_api, start, sandbox=sandbox))


def _tell(summary: ExportSummary, *, as_json: bool) -> None:
    """The summary on stdout, one line or JSON; why it stopped on stderr."""
    if as_json:
        sys.stdout.write(json_text(summary.to_dict()) + "\n")
    elif summary.stopped is None:
        count, requests = counted(summary.labels, "label"), counted(summary.requests, "request")
        where = shown(summary.path)
        typer.echo(f"exported {count} to {where} ({requests}, {summary.elapsed_s:.1f} s)")
    if summary.stopped is not None:
        message = f"{PREFIX}: stopped: {summary.stop_message}; {summary.path} is as it was"
        typer.echo(shown(message), err=True)
