"""`label-import run`: import a file's labels, report on every row, exit with what happened."""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from enum import StrEnum
from functools import partial
from pathlib import Path

import anyio
import typer
from rich.console import Console

from pipeline.cli.app import EXIT_FATAL, EXIT_USAGE, app
from pipeline.cli.progress import RunProgress, print_summary
from pipeline.errors import InputError, UsageError
from pipeline.importer import import_labels
from pipeline.report.summary import ImportSummary
from pipeline.sandbox import SandboxConfig, running_sandbox


class OnExistingChoice(StrEnum):
    skip = "skip"
    update = "update"
    fail = "fail"


async def _run(start: Callable[..., Awaitable[ImportSummary]], sandbox: bool) -> ImportSummary:
    if not sandbox:
        return await start()
    async with running_sandbox(SandboxConfig()) as box:
        return await start(base_url=box.url, api_key=box.api_key, secret_key=box.secret_key)


def _innermost(exc: BaseException) -> BaseException:
    """The first real error inside the exception groups anyio task groups raise."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def _explain(exc: BaseException) -> tuple[str, int]:
    """One line and an exit code for an error that ended the run: never a traceback."""
    if isinstance(exc, (InputError, UsageError)):
        return str(exc), EXIT_USAGE
    if isinstance(exc, OSError):
        # Disk full, permission denied on the report or journal: the run cannot go on.
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or exc}{where}", EXIT_FATAL
    return f"unexpected error ({type(exc).__name__}: {exc}); please report it", EXIT_FATAL


@app.command(
    epilog=(
        "Exit codes: 0 every row created, existing or updated; 1 some rows invalid or failed; "
        "2 input or usage error; 3 fatal API error (bad keys, no permission), error budget "
        "spent, or interrupted.  Credentials come from FI_API_KEY and FI_SECRET_KEY "
        "(environment or .env), never from the command line."
    )
)
def run(
    input_path: Path = typer.Argument(
        ...,
        metavar="INPUT",
        help="csv, tsv, xlsx, xls, ods, json or jsonl file, or another tool's export.",
    ),
    sheet: str | None = typer.Option(None, help="Only this sheet of a workbook."),
    source: str | None = typer.Option(
        None,
        "--from",
        help="Read INPUT as this tool's export (see `label-import sources`); "
        "a JSON or XML export of a known shape is recognised without it.",
    ),
    include_archived: bool = typer.Option(
        False, "--include-archived", help="Import archived records of an export too."
    ),
    report: Path | None = typer.Option(
        None, help="Report file (.csv, .xlsx, .json, .jsonl). Default ./<input stem>.report.csv"
    ),
    concurrency: int = typer.Option(8, min=1, max=256, help="Requests in flight at once."),
    rate: float = typer.Option(
        10.0,
        min=0.0,
        help="Requests per second at most; slows down on 429. 0 = unlimited: no pacing, "
        "only Retry-After pauses (against a rate-limited server, give a rate).",
    ),
    max_retries: int = typer.Option(
        6, min=0, help="Retries per request on 429, 5xx and network faults."
    ),
    timeout: float = typer.Option(30.0, min=0.1, help="Seconds per attempt (connect and total)."),
    on_existing: OnExistingChoice = typer.Option(
        OnExistingChoice.skip,
        help="A label with the same name and type exists: skip, update or fail.",
    ),
    resume: bool = typer.Option(
        False, "--resume", help="Skip rows the journal of an earlier run says are done."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Validate and plan (lists existing labels); create nothing."
    ),
    max_failures: str | None = typer.Option(
        None, help="Stop (exit 3) after N failed rows, or P% of the rows to send."
    ),
    json_output: bool = typer.Option(False, "--json", help="Print the summary as one JSON object."),
    no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar or lines."),
    base_url: str | None = typer.Option(
        None, help="API base URL (default FI_BASE_URL or https://api.futureagi.com)."
    ),
    insecure: bool = typer.Option(
        False, "--insecure", help="Allow plain http:// to a host other than loopback."
    ),
    sandbox: bool = typer.Option(
        False, "--sandbox", help="Import into a local in-process sandbox with demo keys."
    ),
) -> None:
    """Create every valid row's label exactly once and report on every row."""
    bar = None if no_progress else RunProgress()
    start = partial(
        import_labels,
        input_path,
        sheet=sheet,
        source=source,
        include_archived=include_archived,
        report=report,
        concurrency=concurrency,
        rate=rate,
        max_retries=max_retries,
        timeout=timeout,
        on_existing=on_existing.value,
        resume=resume,
        dry_run=dry_run,
        max_failures=max_failures,
        base_url=base_url,
        insecure=insecure,
        progress=bar,
        handle_signals=True,
    )
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        with bar or nullcontext():
            summary = anyio.run(_run, start, sandbox)
    except KeyboardInterrupt:
        err.print("label-import: interrupted before any row was sent", markup=False)
        raise typer.Exit(EXIT_FATAL) from None
    except Exception as exc:
        message, code = _explain(_innermost(exc))
        err.print(f"label-import: {message}", markup=False)
        raise typer.Exit(code) from None
    for warning in summary.file_warnings:
        err.print(f"label-import: {warning}", markup=False)
    if json_output:
        sys.stdout.write(json.dumps(summary.to_dict(), ensure_ascii=False) + "\n")
    else:
        print_summary(summary, Console())
    if summary.stopped and json_output:
        err.print(f"label-import: stopped: {summary.stop_message}", markup=False)
    raise typer.Exit(summary.exit_code)
