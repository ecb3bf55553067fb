"""`label-import run`: import a file's labels, report on every row, exit with what happened.

The stages (and aiohttp) are imported when the command runs, not when the CLI starts, so
`--help` and the offline commands do not pay for them; the sandbox only with `--sandbox`.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline.cli.app import app
from pipeline.cli.failures import fail
from pipeline.cli.interrupt import end_on_signals, interrupted
from pipeline.cli.link import against_api
from pipeline.cli.losses import tell_losses
from pipeline.cli.options import (
    AsJson,
    BaseUrl,
    Concurrency,
    IncludeArchived,
    InputFile,
    Insecure,
    MaxRetries,
    MaxWait,
    Rate,
    Sheet,
    Source,
    Timeout,
)
from pipeline.cli.rerun import rerun_command
from pipeline.cli.safe import json_text, shown

if TYPE_CHECKING:
    from pipeline.report.summary import ImportSummary


class OnExistingChoice(StrEnum):
    skip = "skip"
    update = "update"
    fail = "fail"


Report = Annotated[
    Path | None,
    typer.Option(
        help="Report file (.csv, .xlsx, .json, .jsonl). Default ./<input stem>.report.csv"
    ),
]
OnExisting = Annotated[
    OnExistingChoice | None,
    typer.Option(
        help="A label with the same name and type exists: skip, update or fail. Not given: "
        "one as the row asks is skipped, one with other settings is existing_differs (exit 1).",
        show_default=False,
    ),
]
Resume = Annotated[
    bool, typer.Option("--resume", help="Skip rows the journal of an earlier run says are done.")
]
DryRun = Annotated[
    bool,
    typer.Option(
        "--dry-run",
        help="Plan only (as `label-import plan`): list existing labels, give each row the "
        "status it would get, create nothing. The plan goes to <input stem>.plan.<ext> "
        "beside the report; the report itself is left alone.",
    ),
]
MaxFailures = Annotated[
    str | None,
    typer.Option(help="Stop (exit 3) after N failed rows, or P% of the rows to send."),
]
NoProgress = Annotated[bool, typer.Option("--no-progress", help="No progress bar or lines.")]
UseSandbox = Annotated[
    bool,
    typer.Option("--sandbox", help="Import into a local in-process sandbox with demo keys."),
]

EPILOG = (
    "Exit codes: 0 every row created, existing or updated; 1 some rows invalid, failed or "
    "existing with other settings (see --on-existing); "
    "2 input or usage error; 3 fatal API error (bad keys, no permission), error budget "
    "spent, server unreachable, interrupted, an output that cannot be written, or an "
    "unexpected error.  Credentials come from FI_API_KEY and FI_SECRET_KEY (environment "
    "or .env), never from the command line."
)
PREFIX = "label-import"
# The options that shape only what the terminal shows; every other option of `run` has
# the name of its `import_labels` argument (one name per knob) and is passed on as it is.
TERMINAL_ONLY = ("input_path", "json_output", "no_progress", "sandbox")


@app.command(epilog=EPILOG)
def run(
    context: typer.Context,
    input_path: InputFile,
    sheet: Sheet = None,
    source: Source = None,
    include_archived: IncludeArchived = False,
    report: Report = None,
    concurrency: Concurrency = 256,
    rate: Rate = "auto",
    max_retries: MaxRetries = 6,
    max_wait: MaxWait = 600.0,
    timeout: Timeout = 30.0,
    on_existing: OnExisting = None,
    resume: Resume = False,
    dry_run: DryRun = False,
    max_failures: MaxFailures = None,
    json_output: AsJson = False,
    no_progress: NoProgress = False,
    base_url: BaseUrl = None,
    insecure: Insecure = False,
    sandbox: UseSandbox = False,
) -> None:
    """Create every valid row's label exactly once and report on every row."""
    # First, while the parameters (and the context) are the only locals.
    given = {name: value for name, value in locals().items() if name != "context"}
    end_on_signals()  # before the stages load: a signal then ends the run as a later one does
    finished: list[ImportSummary] = []  # the run's summary, from the moment the run returns
    try:
        summary = _import_and_tell(
            input_path,
            given,
            finished,
            table=not json_output,
            progress=not no_progress,
            sandbox=sandbox,
            rerun=partial(rerun_command, context, given),
        )
    except KeyboardInterrupt:  # Interrupted, from a signal
        raise _interrupted(finished) from None
    raise typer.Exit(summary.exit_code)


def _interrupted(finished: list[ImportSummary]) -> typer.Exit:
    """The run's own handlers take the signals from the listing until the report is written:
    this one came before (nothing sent, nothing written) or after (everything written)."""
    if not finished:
        return interrupted(PREFIX, " before anything was sent")
    return interrupted(PREFIX, f"; the report is complete: {shown(finished[0].report)}")


def _import_and_tell(
    input_path: str,
    given: dict[str, Any],
    finished: list[ImportSummary],
    *,
    table: bool,
    progress: bool,
    sandbox: bool,
    rerun: Callable[[str], str],
) -> ImportSummary:
    """Run with the options `run` was `given`, then tell how it went."""
    knobs = {name: value for name, value in given.items() if name not in TERMINAL_ONLY}
    knobs["on_existing"] = given["on_existing"].value if given["on_existing"] else None
    try:
        show = _table() if table else None
        _import(input_path, knobs, finished, progress=progress, sandbox=sandbox)
    except Exception as exc:
        raise fail(PREFIX, exc) from None
    _tell(finished[0], show, rerun)
    return finished[0]


def _import(
    input_path: str,
    knobs: dict[str, Any],
    finished: list[ImportSummary],
    *,
    progress: bool,
    sandbox: bool,
) -> None:
    """Import the stages (when the command runs, not when the CLI starts) and run them."""
    import anyio

    from pipeline.cli.progress import RunProgress
    from pipeline.importer import import_labels

    bar = RunProgress() if progress else None
    start = partial(import_labels, input_path, **knobs, progress=bar, handle_signals=True)
    with bar or nullcontext():
        anyio.run(_run, start, sandbox, finished)


async def _run(
    start: Callable[..., Awaitable[ImportSummary]], sandbox: bool, finished: list[ImportSummary]
) -> None:
    finished.append(await against_api(start, sandbox=sandbox))


def _table() -> Callable[[ImportSummary, str], None]:
    """The summary table's printer, imported before the run and not after it, so that a
    second Ctrl-C ends the run at once instead of waiting for rich to load."""
    from rich.console import Console

    from pipeline.cli.terminal import print_summary

    return partial(print_summary, console=Console())


def _tell(
    summary: ImportSummary,
    table: Callable[[ImportSummary, str], None] | None,
    rerun: Callable[[str], str],
) -> None:
    """The file's warnings on stderr; the summary on stdout, as a table or as JSON, with
    the command that re-runs the failed rows (`rerun` of the failed-rows file). A stopped
    run has none: rows it did not send are in no failed-rows file; `--resume` sends them."""
    for warning in summary.file_warnings:
        typer.echo(f"{PREFIX}: {shown(warning)}", err=True)
    tell_losses(PREFIX, summary.losses, sent=not summary.dry_run)
    failed = summary.failed_rows if summary.stopped is None else None
    command = rerun(failed) if failed else ""
    if table is not None:
        table(summary, command)
        return
    sys.stdout.write(json_text({**summary.to_dict(), "rerun": command or None}) + "\n")
    if summary.stopped:
        typer.echo(f"{PREFIX}: stopped: {shown(summary.stop_message)}", err=True)
