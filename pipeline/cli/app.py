"""The typer application every command registers on, and the exit codes they share."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

# Exit codes are part of the interface schedulers rely on; one place defines them.
EXIT_OK = 0
EXIT_ROWS_FAILED = 1
EXIT_USAGE = 2
EXIT_FATAL = 3

# `--help` lists the commands in the order of the work (plan, run, look back, get help),
# not in the order their modules happen to register.
ORDER = ("validate", "plan", "run", "export", "template", "sources", "sandbox")


class _Commands(TyperGroup):
    def list_commands(self, ctx: Any) -> list[str]:  # typer's click context
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER))


app = typer.Typer(
    name="label-import",
    cls=_Commands,
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
