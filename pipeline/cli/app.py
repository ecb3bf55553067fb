"""The typer application every command registers on, and the exit codes they share."""

from __future__ import annotations

import typer

# Exit codes are part of the interface schedulers rely on; one place defines them.
EXIT_OK = 0
EXIT_ROWS_FAILED = 1
EXIT_USAGE = 2
EXIT_FATAL = 3

app = typer.Typer(
    name="label-import",
    help=(
        "Create Future AGI annotation labels in bulk from spreadsheets and exports.\n\n"
        "Exit codes: 0 every row done; 1 some rows invalid or failed; "
        "2 input or usage error; 3 fatal API error, interrupted run or unexpected error."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help and usage errors: rich formatting would import rich (a noticeable part
    # of a second) for every `--help` and every mistyped option.
    rich_markup_mode=None,
)


@app.callback()
def _root() -> None:
    """Keep typer in multi-command mode even while only one command is registered."""
