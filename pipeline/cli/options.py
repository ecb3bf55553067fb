"""The argument and options more than one command takes, defined once so that `validate`
and `run` spell, default and explain them alike."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

InputFile = Annotated[
    Path,
    typer.Argument(
        metavar="INPUT",
        help="csv, tsv, txt, xlsx, xlsm, xls, ods, json or jsonl file, or another tool's export.",
    ),
]
Sheet = Annotated[str | None, typer.Option(help="Read only this sheet of a workbook.")]
Source = Annotated[
    str | None,
    typer.Option(
        "--from",
        help="Read INPUT as this tool's export (see `label-import sources`); "
        "a JSON or XML export of a known shape is recognised without it.",
    ),
]
IncludeArchived = Annotated[
    bool, typer.Option("--include-archived", help="Import archived records of an export too.")
]
AsJson = Annotated[
    bool, typer.Option("--json", help="Print the result as one JSON object on stdout.")
]
