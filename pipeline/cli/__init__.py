"""Command-line entry point: each command lives in its own module and registers on `app`.

Importing this imports typer and the commands' option definitions only: each command
imports its stage when it runs, so `--help` starts as fast as typer itself.
"""

from __future__ import annotations

from pipeline.cli import (
    plan_cmd,  # noqa: F401  (registers the command)
    run_cmd,  # noqa: F401  (registers the command)
    sandbox_cmd,  # noqa: F401  (registers the command)
    sources_cmd,  # noqa: F401  (registers the command)
    template_cmd,  # noqa: F401  (registers the command)
    validate_cmd,  # noqa: F401  (registers the command)
)
from pipeline.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    app()
