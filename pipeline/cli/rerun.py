"""The command that re-runs a run's failed-rows file, printed whole so it can be pasted.

The failed-rows file is always a spreadsheet in our own columns (name, type, description,
settings, plus `error` and `source_row`), a migration's too: so the command is the one the
user typed, on that file, without the options that described the first input.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typer

PROGRAM = "label-import run"
# Options that describe the first input, not its failed-rows file: `--from` would refuse
# its spreadsheet columns, `--sheet` and `--include-archived` choose among records it holds
# no longer (it has only the rows that were read), `--resume` would match its rows against
# the first run's journal, and a dry run writes no failed rows. `--report` is given anew.
NOT_CARRIED = frozenset(
    {"input_path", "sheet", "source", "include_archived", "resume", "dry_run", "report"}
)


def rerun_command(context: typer.Context, given: Mapping[str, Any], failed_rows: str) -> str:
    """`label-import run FAILED` with every option the user set that still applies:
    `given` holds the values `run` was called with, `context` names its options.

    A report the user named is not reused: the re-run would overwrite the first run's
    report and journal, the record of what was created. It gets the name the failed-rows
    file's own default would have, in the folder and format the user chose.
    """
    words = [failed_rows]
    report = given.get("report")
    if report is not None:
        words += ["--report", str(rerun_report(Path(report), Path(failed_rows)))]
    for param in context.command.params:
        name = param.name
        if name is None or name in NOT_CARRIED or name not in given:
            continue
        value = given[name]
        # An option left at its default says nothing; one set to it changes nothing.
        if value != param.default:
            flag = param.opts[0]
            words += [flag] if value is True else [flag, str(value)]
    return f"{PROGRAM} {shlex.join(words)}"


def rerun_report(report: Path, failed_rows: Path) -> Path:
    """`<failed stem>.report<report's extension>` beside the first report."""
    return report.with_name(f"{failed_rows.stem}.report{report.suffix}")
