"""Progress lines for logs, a bar for terminals, silence on request; and the summary table."""

from __future__ import annotations

import io

from rich.console import Console

from pipeline.plan import RowOutcome
from pipeline.progress import RunProgress, print_summary
from pipeline.summary import ImportSummary

DONE = RowOutcome(2, None, "A", "star", "created")
FAILED = RowOutcome(3, None, "B", "star", "failed", error="boom")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_plain_mode_prints_a_line_every_interval_only() -> None:
    stream, clock = io.StringIO(), Clock()
    with RunProgress(10, mode="plain", stream=stream, clock=clock, interval=5.0) as progress:
        progress.row_done(DONE)
        clock.now = 5.0
        progress.row_done(FAILED)
        clock.now = 6.0
        progress.row_done(DONE)
    (line,) = stream.getvalue().splitlines()
    assert line.startswith("label-import: 2/10 rows sent, 0.4 rows/s, 1 failed")


def test_off_mode_is_silent_and_auto_is_plain_off_a_terminal() -> None:
    stream, clock = io.StringIO(), Clock()
    for mode in ("off", "auto"):
        with RunProgress(2, mode=mode, stream=stream, clock=clock, interval=0.0) as progress:
            clock.now += 1
            progress.row_done(DONE)
    assert stream.getvalue().count("\n") == 1  # only the "auto" run, as plain lines


def test_the_rich_bar_draws_on_its_stream() -> None:
    stream = io.StringIO()
    with RunProgress(2, mode="rich", stream=stream) as progress:
        progress.row_done(DONE)
        progress.row_done(FAILED)
    assert stream.getvalue() != ""


def test_the_summary_table_shows_counts_effort_files_and_errors() -> None:
    summary = ImportSummary(
        total=3,
        created=1,
        existing=0,
        updated=0,
        invalid=1,
        failed=1,
        not_attempted=0,
        skipped=0,
        requests=9,
        retries=4,
        elapsed_s=1.3,
        report="r.csv",
        failed_rows="labels.failed.csv",
        stopped="interrupted",
        stop_message="interrupted [by you]",
        top_errors=[("gave up after 7 attempts: HTTP 503", 1)],
    )
    out = io.StringIO()
    print_summary(summary, Console(file=out, width=120))
    text = out.getvalue()
    for expected in (
        "created",
        "invalid",
        "9 requests, 4 retries, 1.3s",
        "r.csv",
        "labels.failed.csv",
        "1 rows: gave up after 7 attempts",
        "[by you]",
    ):
        assert expected in text
