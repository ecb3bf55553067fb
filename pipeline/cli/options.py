"""The argument and options more than one command takes, defined once so that `validate`,
`run`, `plan` and `export` spell, default and explain them alike (`--rate` and
`--concurrency` for every command that sends)."""

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


# How a command that talks to the API connects, paces and retries (`run`, `plan`, `export`).
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
        help="auto (default): find the server's pace, starting where the last run to the "
        "same server ended (or slowly); speed up while answers are clean, slow down on 429 "
        "or rising latency. N: the same, never above N requests/s. 0: no pacing, only "
        "Retry-After pauses.",
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

MaxRetries = Annotated[
    int, typer.Option(min=0, help="Retries per request on 5xx and network faults.")
]
MaxWait = Annotated[
    float,
    typer.Option(
        min=0.0,
        metavar="SECONDS",
        help="Seconds a request may wait while the server throttles it (429, Retry-After) "
        "before it fails (for `run`, its row); 429s do not count as retries. Default 600: "
        "longer than a usual rate-limit window, short enough that a scheduled run never "
        "hangs for ever.",
    ),
]
Timeout = Annotated[
    float,
    typer.Option(
        min=0.1,
        help="Seconds per attempt (connect and total); a remote INPUT's download may take "
        "20 times it.",
    ),
]
BaseUrl = Annotated[
    str | None,
    typer.Option(help="API base URL (default FI_BASE_URL or https://api.futureagi.com)."),
]
