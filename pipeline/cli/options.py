"""The argument and options more than one command takes, defined once so that the
commands spell, default and explain them alike (`--rate` and `--concurrency` for every
command that sends)."""

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


def _rate(value: str) -> str:
    """`--rate` as given, once it is one the sending takes (checked where it is used)."""
    from pipeline.send.rate import check_rate

    try:
        check_rate(value.strip().lower())
    except ValueError:
        raise typer.BadParameter("give auto, a number of requests per second, or 0") from None
    return value.strip().lower()


Rate = Annotated[
    str,
    typer.Option(
        metavar="auto|N",
        callback=_rate,
        help="auto (default): find the server's pace; start slowly, speed up while answers "
        "are clean, slow down on 429 or rising latency. N: the same, never above N "
        "requests/s. 0: no pacing, only Retry-After pauses.",
    ),
]
Concurrency = Annotated[
    int,
    typer.Option(
        min=1,
        max=256,
        help="Requests in flight at most; under a pace about rate x latency are.",
    ),
]
