"""`label-import template`: write a file that is ready to fill and hard to fill wrongly."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.app import EXIT_USAGE, app
from pipeline.errors import InputError
from pipeline.validate.template import write_template


@app.command()
def template(
    out: Annotated[Path, typer.Argument(help="Where to write: a .xlsx or .csv file.")],
    force: Annotated[bool, typer.Option("--force", help="Replace OUT if it exists.")] = False,
) -> None:
    """Write a template with one example row per label type."""
    if out.exists() and not force:
        # It may be the filled-in copy of an earlier template: never lose that silently.
        typer.echo(
            f"label-import template: {out} exists; choose another name or pass --force",
            err=True,
        )
        raise typer.Exit(EXIT_USAGE)
    try:
        write_template(out)
    except InputError as error:
        typer.echo(f"label-import template: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    except OSError as error:
        typer.echo(f"label-import template: cannot write {out}: {error.strerror}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    except Exception as error:  # a bug must still end in one line, never a traceback
        typer.echo(f"label-import template: cannot write {out} ({error!r})", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    typer.echo(f"wrote {out}: fill it in, then run: label-import validate {out}")
