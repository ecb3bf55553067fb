"""`label-import validate`: check a file offline and say what to fix, row by row.

The validation stage is imported when the command runs, rich only for a table of problems,
and aiohttp only for an https:// INPUT, which is downloaded first.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline.cli.app import EXIT_OK, EXIT_ROWS_FAILED, app
from pipeline.cli.failures import fail
from pipeline.cli.interrupt import end_on_signals, interrupted
from pipeline.cli.losses import tell_losses
from pipeline.cli.options import AsJson, IncludeArchived, InputFile, Insecure, Sheet, Source
from pipeline.cli.safe import json_text, shown
from pipeline.errors import InputError

if TYPE_CHECKING:
    from pipeline.rows import Problem
    from pipeline.validate import ValidationResult

PREFIX = "label-import validate"
# A terminal table of thousands of rows helps nobody; --json has them all.
MAX_TABLE_ROWS = 200
Timeout = Annotated[
    float,
    typer.Option(
        min=0.1,
        help="Seconds a remote INPUT's server may be silent; its download may take 20 times it.",
    ),
]


@app.command()
def validate(
    input: InputFile,
    sheet: Sheet = None,
    source: Source = None,
    include_archived: IncludeArchived = False,
    as_json: AsJson = False,
    insecure: Insecure = False,
    timeout: Timeout = 30.0,
) -> None:
    """Check every row of INPUT offline (an https:// INPUT is downloaded first). Exit 0 all
    valid, 1 rows invalid, 2 file unusable, 3 interrupted."""
    end_on_signals()
    try:
        options = {"sheet": sheet, "source": source, "include_archived": include_archived}
        result = _validate(input, options, insecure=insecure, timeout=timeout)
        if as_json:
            typer.echo(json_text(result.to_dict(), indent=2))
        else:
            _print(result)
        tell_losses(PREFIX, result.losses, sent=False)
    except KeyboardInterrupt:  # Interrupted, from a signal
        raise interrupted(PREFIX, "") from None
    raise typer.Exit(EXIT_OK if result.ok else EXIT_ROWS_FAILED)


def _validate(
    path: str, options: dict[str, Any], *, insecure: bool, timeout: float
) -> ValidationResult:
    from pipeline.read.remote import is_remote, redacted_url
    from pipeline.validate import validate_file

    try:
        if not is_remote(path):
            return validate_file(Path(path), **options)
        from pipeline.send.download import local_copy_sync

        with local_copy_sync(path, insecure=insecure, timeout=timeout) as local:
            # Named by its URL, not by the temporary file gone when the command ends.
            return replace(validate_file(local, **options), path=redacted_url(path))
    except OSError as error:
        # validate writes nothing: an OSError is the input failing to read, so exit 2.
        where = redacted_url(path) if is_remote(path) else path
        raise fail(
            PREFIX, InputError(f"{where}: cannot be read ({error.strerror or error})")
        ) from None
    except Exception as exc:
        raise fail(PREFIX, exc) from None


def _print(result: ValidationResult) -> None:
    # Plain text, one line, so scripts can grep it; rich is loaded only for a table.
    typer.echo(
        f"{shown(result.path)} ({result.format}): {result.rows_read} rows read, "
        f"{result.valid} valid, {result.invalid} invalid, "
        + (f"{result.skipped} skipped, " if result.skipped else "")
        + f"{result.warnings} warnings"
    )
    problems = result.file_warnings + result.problems
    if problems:
        _print_table(problems)


def _print_table(problems: list[Problem]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table("row", "column", "value", "problem", "how to fix", show_lines=False)
    for problem in problems[:MAX_TABLE_ROWS]:
        # Text, not markup: a value like "[red]1" is shown as the user typed it.
        table.add_row(*(Text(shown(cell)) for cell in _cells(problem)))
    console = Console(highlight=False, soft_wrap=False)
    console.print(table)
    if len(problems) > MAX_TABLE_ROWS:
        console.print(f"... and {len(problems) - MAX_TABLE_ROWS} more; run with --json for all")


def _cells(problem: Problem) -> tuple[str, str, str, str, str]:
    where = str(problem.row) if problem.row else "-"
    if problem.sheet:
        where = f"{problem.sheet}!{where}"
    value = "" if problem.value is None else _short(problem.value)
    kind = "warning: " if problem.severity == "warning" else ""
    return where, problem.column or "", value, kind + problem.message, problem.hint


def _short(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
