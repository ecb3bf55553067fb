"""Command-line entry point: each command lives in its own module and registers on `app`."""

from __future__ import annotations

from pipeline.cli import sandbox_cmd  # noqa: F401  (registers the command)
from pipeline.cli import run_cmd  # noqa: F401  (registers the command)
from pipeline.cli.app import app


def main() -> None:
    app()
