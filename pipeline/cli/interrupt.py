"""Ctrl-C and SIGTERM end `run` and `validate` with exit 3 and one line: never the shell's
130 or 143 (a signal's default), never a traceback, never click's "Aborted!" (exit 1).

Signal-safe means little work in the handler: it raises `Interrupted`, which unwinds
whatever the command was doing (closing files on the way) to the command, which says so.
While `run` sends and writes its report, the importer's own handlers take over and hand
these back when the report is written.
"""

from __future__ import annotations

import signal
from types import FrameType

import typer

from pipeline.cli.app import EXIT_FATAL

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """A signal ends the command.

    A KeyboardInterrupt, so that asyncio lets it through as it does Ctrl-C, but not the
    bare class: CPython marks a `python -m` process in which a bare KeyboardInterrupt left
    code run by exec() (dataclasses and pydantic build their methods so) as ended by
    Ctrl-C, and at exit kills it with SIGINT (130) whatever its exit code.
    """


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise Interrupted


def end_on_signals() -> None:
    """From here until the process ends, SIGINT and SIGTERM raise `Interrupted`.

    A handler of our own for SIGINT too, rather than Python's default one: asyncio's runner
    replaces that one with a handler that only cancels the main task at its next await,
    which a long read of the input would not reach for seconds.
    """
    for signum in SIGNALS:
        signal.signal(signum, _interrupt)


def interrupted(command: str, what: str) -> typer.Exit:
    """Say that a signal ended `command` and what that means; the exit to raise."""
    typer.echo(f"{command}: interrupted{what}", err=True)
    return typer.Exit(EXIT_FATAL)
