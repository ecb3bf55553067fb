"""`label-import plan`: what `run` would do to each row, without doing it.

It is `run --dry-run` under its own name, as Terraform's `plan` is, so a scheduled import
can be checked by the command a person remembers; the options are `run`'s, less those
that shape only the sending (`--max-failures`, the progress display).
"""

from __future__ import annotations

import typer

from pipeline.cli.app import app
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
from pipeline.cli.run_cmd import OnExisting, Report, Resume, UseSandbox, run

EPILOG = (
    "Each row is planned create, update (the keys that would change in the error column), "
    "unchanged, existing_differs (same name and type, other settings, no --on-existing), "
    "invalid or skipped. The plan goes to <input stem>.plan.<ext> beside the report, "
    "never over a real run's files.  Exit codes: 0 the plan holds no invalid row and no "
    "row that would fail or be refused; 1 it does; 2 input or usage error; 3 fatal API "
    "error or interrupted."
)


@app.command(epilog=EPILOG)
def plan(
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
    json_output: AsJson = False,
    base_url: BaseUrl = None,
    insecure: Insecure = False,
    sandbox: UseSandbox = False,
) -> None:
    """List the existing labels once and say what a run would do to every row."""
    # First, while the parameters (and the context) are the only locals: each is run's own.
    given = {name: value for name, value in locals().items() if name != "context"}
    run(context, **given, dry_run=True, max_failures=None, no_progress=True)
