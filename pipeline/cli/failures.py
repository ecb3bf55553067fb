"""How every command ends on an error: one line on stderr, prefixed with the command, and
the exit code schedulers rely on. Never a traceback."""

from __future__ import annotations

import sys

import typer

from pipeline.cli.app import EXIT_FATAL, EXIT_USAGE
from pipeline.cli.safe import shown
from pipeline.errors import LabelImportError


def _innermost(exc: BaseException) -> BaseException:
    """The first real error inside the exception groups anyio task groups raise."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def _ended_early(exc: BaseException) -> bool:
    """A bug that ended `run`'s sending after the report was written (`RunEndedEarly`).
    Looked up, not imported: a command that never loaded the importer cannot raise it,
    and `--help` does not pay for loading it."""
    summary = sys.modules.get("pipeline.report.summary")
    return summary is not None and isinstance(exc, summary.RunEndedEarly)


def explain(exc: BaseException) -> tuple[str, int]:
    """One line and an exit code for an error that ended a command."""
    exc = _innermost(exc)
    if isinstance(exc, LabelImportError):
        return str(exc), EXIT_USAGE
    if _ended_early(exc):
        # Its own line says what ended the run and where the report is: the run is not
        # done, as for any fatal fault, and --resume finishes it.
        return str(exc), EXIT_FATAL
    if isinstance(exc, OSError):
        # Disk full, permission denied on the report or journal: the run cannot go on.
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or exc}{where}", EXIT_FATAL
    # A bug is fatal, not a usage error: exit 2 would send a scheduler's owner to fix an
    # input that is fine, while 3 says the command could not finish, as it does for `run`.
    detail = " ".join(str(exc).splitlines())
    return f"unexpected error ({type(exc).__name__}: {detail}); please report it", EXIT_FATAL


def fail(command: str, exc: BaseException) -> typer.Exit:
    """Say what ended `command` (its name as the user typed it) and the exit to raise.

    The line is written without markup, so a file name like `[red].csv` stays itself, and
    with its control characters escaped, so a name holding ESC cannot drive the terminal.
    """
    message, code = explain(exc)
    typer.echo(shown(f"{command}: {message}"), err=True)
    return typer.Exit(code)
