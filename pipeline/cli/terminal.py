"""What a person at a terminal sees, drawn with rich: the progress bar and the summary table.

Imported only when one of them is shown: rich costs a noticeable part of a second to import,
which a `--json` run or a scheduler's log has no use for.
"""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as Bar
from rich.table import Table
from rich.text import Text

from pipeline.cli.safe import counted, shown
from pipeline.report.summary import ImportSummary
from pipeline.rows import PLAN_STATUSES, RUN_STATUSES


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} rows/s" if speed else "- rows/s", style="cyan")


def progress_bar(stream: TextIO) -> Bar:
    """A bar of rows sent, their rate, the time left and the failures so far; it leaves
    the terminal when it stops, so the summary table is what stays."""
    return Bar(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TimeRemainingColumn(),
        TextColumn("[red]{task.fields[failed]} failed"),
        TextColumn("{task.fields[pace]}", markup=False),
        console=Console(file=stream),
        transient=True,
    )


def _counts(summary: ImportSummary) -> Table:
    """The rows per status. A plan's counts are what would happen, a run's what did; each
    shows its headline and its trouble even at zero, the rest only when they occur."""
    table = Table(title="label-import" + (" plan" if summary.dry_run else ""))
    table.add_column("status")
    table.add_column("rows", justify="right")
    statuses, always = (
        (PLAN_STATUSES, ("create", "invalid"))
        if summary.dry_run
        else (RUN_STATUSES, ("created", "failed"))
    )
    for status in statuses:
        count = getattr(summary, status)
        if count or status in always:
            table.add_row(status, str(count))
    table.add_row("total", str(summary.total), style="bold")
    return table


def print_summary(summary: ImportSummary, rerun: str, *, console: Console) -> None:
    """The end-of-run table: counts, effort, files, the commonest errors, and `rerun`, the
    command that re-runs the failed rows."""
    console.print(_counts(summary))
    console.print(
        f"{counted(summary.requests, 'request')}, {counted(summary.retries, 'retry', 'retries')}, "
        f"{summary.elapsed_s:.1f}s",
        highlight=False,
    )
    # Server messages and file names as Text: never markup, never emoji codes, never raw
    # control characters.
    for error, count in summary.top_errors:
        console.print(Text(f"  {counted(count, 'row')}: {shown(error)}"))
    if summary.existing_differs:
        console.print(
            f"  {counted(summary.existing_differs, 'row')}: label exists with other settings; "
            "give --on-existing update or skip",
            highlight=False,
        )
    # A dry run's file is its plan, never a report: say so, so no one takes it for one.
    kind = "plan" if summary.dry_run else "report"
    console.print(Text(f"{kind}: {shown(summary.report)}"))
    if summary.failed_rows:
        # Never wrapped: a line break inside the command would break it when pasted.
        console.print(Text(f"rows to fix: {shown(summary.failed_rows)}"), soft_wrap=True)
    if rerun:
        console.print(Text(f"fix them, then run: {shown(rerun)}"), soft_wrap=True)
    if summary.stopped:
        console.print(Text.assemble(("stopped:", "bold red"), " ", shown(summary.stop_message)))
