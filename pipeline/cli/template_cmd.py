"""`label-import template`: write a file that is ready to fill and hard to fill wrongly."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.app import app
from pipeline.cli.failures import fail
from pipeline.cli.interrupt import end_on_signals, interrupted
from pipeline.cli.safe import shown
from pipeline.errors import UsageError

PREFIX = "label-import template"


@app.command()
def template(
    out: Annotated[Path, typer.Argument(help="Where to write: a .xlsx or .csv file.")],
    force: Annotated[bool, typer.Option("--force", help="Replace OUT if it exists.")] = False,
) -> None:
    """Write a template with one example row per label type."""
    end_on_signals()  # the process's own start-up handler would say nothing was done
    try:
        _write(out, force=force)
    except KeyboardInterrupt:  # Interrupted, from a signal
        raise interrupted(PREFIX, f"; {shown(out)} may be incomplete") from None
    except Exception as exc:
        raise fail(PREFIX, exc) from None
    name = shown(out)
    typer.echo(f"wrote {name}: fill it in, then run: label-import validate {name}")


def _write(out: Path, *, force: bool) -> None:
    from pipeline.report.files import replacing
    from pipeline.validate.template import write_template

    if out.exists() and not force:
        # It may be the filled-in copy of an earlier template: never lose that silently.
        raise UsageError(f"{out} exists; choose another name or pass --force")
    try:
        # Whole or not at all: a full disk never leaves half a template over the old one.
        with replacing(out) as temporary:
            write_template(temporary)
    except OSError as error:
        # The user named this file: a missing or read-only folder is theirs to fix (exit 2).
        raise UsageError(f"cannot write {out}: {error.strerror}") from None
