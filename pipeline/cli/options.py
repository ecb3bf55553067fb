"""The argument and options more than one command takes, defined once so that `validate`
and `run` spell, default and explain them alike."""

from __future__ import annotations

from typing import Annotated

import typer

# A string, not a Path: a Path would collapse the `//` of an https:// INPUT.
InputFile = Annotated[
    str,
    typer.Argument(
        metavar="INPUT",
        help="csv, tsv, txt, xlsx, xlsm, xls, ods, json or jsonl file, or another tool's "
        "export; or an https:// URL of one (a published Google Sheet's CSV export, a "
        "pre-signed object-storage URL), downloaded first.",
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
Insecure = Annotated[
    bool,
    typer.Option(
        "--insecure", help="Allow plain http:// (API, remote INPUT) to a host other than loopback."
    ),
]
AsJson = Annotated[
    bool, typer.Option("--json", help="Print the result as one JSON object on stdout.")
]
