"""The one line, after a migration, that sums up what converting the export dropped."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from pipeline.cli.safe import counted, shown

if TYPE_CHECKING:  # pipeline.rows loads pydantic, which `--help` must not pay for
    from pipeline.rows import Losses


def tell_losses(prefix: str, losses: Losses | None, *, sent: bool) -> None:
    """`<source>: 12 labels lost conditional visibility; 3 lost per-region scope` on stderr.

    `sent`: the labels were created (a run); otherwise they would be (validate, dry run).
    Each label's own `lost` says which attributes; this line says how far each kind went.
    """
    if losses is None or not losses.counts:
        return
    verb = "lost" if sent else "would lose"
    (what, count), *rest = losses.counts
    parts = [
        f"{counted(count, 'label')} {verb} {what}",
        *(f"{count} {verb} {what}" for what, count in rest),
    ]
    typer.echo(shown(f"{prefix}: {losses.source}: {'; '.join(parts)}"), err=True)
