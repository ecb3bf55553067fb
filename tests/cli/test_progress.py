"""Progress lines for logs, a bar for terminals, silence on request; and the summary table."""

from __future__ import annotations

import io
from dataclasses import replace

from rich.console import Console

from pipeline.cli.progress import Mode, RunProgress
from pipeline.cli.terminal import print_summary
from pipeline.report.summary import ImportSummary
from pipeline.rows import Progress, RowOutcome

DONE = RowOutcome(2, None, "A", "star", "created")
FAILED = RowOutcome(3, None, "B", "star", "failed", error="boom")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_plain_mode_prints_a_line_every_interval_only() -> None:
    stream, clock = io.StringIO(), Clock()
    with RunProgress(mode="plain", stream=stream, clock=clock, interval=5.0) as progress:
        progress(Progress(0, 10, 0))
        progress(Progress(1, 10, 0, DONE))
        clock.now = 5.0
        progress(Progress(2, 10, 1, FAILED))
        clock.now = 6.0
        progress(Progress(3, 10, 1, DONE))
    (line,) = stream.getvalue().splitlines()
    assert line.startswith("label-import: 2/10 rows sent, 0.4 rows/s, 1 failed")


def test_auto_is_plain_lines_off_a_terminal() -> None:
    stream, clock = io.StringIO(), Clock()
    with RunProgress(stream=stream, clock=clock, interval=0.0) as progress:
        progress(Progress(0, 2, 0))
        clock.now += 1
        progress(Progress(1, 2, 0, DONE))
    assert stream.getvalue() == "label-import: 1/2 rows sent, 1.0 rows/s, 0 failed, about 1s left\n"


def test_the_rich_bar_draws_on_its_stream_once_sending_starts() -> None:
    stream = io.StringIO()
    with RunProgress(mode="rich", stream=stream) as progress:
        assert stream.getvalue() == ""
        progress(Progress(0, 2, 0))
        progress(Progress(1, 2, 0, DONE))
        progress(Progress(2, 2, 1, FAILED))
    assert stream.getvalue() != ""


def test_a_long_pause_the_server_asked_for_is_said_at_once_a_short_one_is_not() -> None:
    modes: tuple[Mode, ...] = ("plain", "rich")
    for mode in modes:
        stream = io.StringIO()
        with RunProgress(mode=mode, stream=stream, clock=Clock(), interval=60.0) as progress:
            progress(Progress(0, 2, 0))
            progress(Progress(0, 2, 0, waiting_s=2.0))
            progress(Progress(0, 2, 0, waiting_s=120.0))
            progress(Progress(0, 2, 0, waiting_s=119.0))  # another worker, the same pause
        shown = stream.getvalue()
        assert shown.count("waiting") == 1, mode
        assert "label-import: waiting 120s: the server asked to slow down (Retry-After)" in shown


def test_the_line_shows_the_pace_and_when_the_server_holds_the_sending() -> None:
    stream, clock = io.StringIO(), Clock()
    with RunProgress(mode="plain", stream=stream, clock=clock, interval=0.0) as progress:
        progress(Progress(0, 10, 0))
        clock.now += 1
        progress(Progress(2, 10, 0, DONE, pace=48.6))
        clock.now += 1
        progress(Progress(3, 10, 0, DONE, pace=34.0, waiting=True))
        clock.now += 1
        progress(Progress(4, 10, 0, DONE))  # --rate 0: no pace to show
    first, second, third = stream.getvalue().splitlines()
    assert first == "label-import: 2/10 rows sent, 2.0 rows/s, 0 failed, pace 49/s, about 4s left"
    assert "0 failed, waiting on the server (429), about" in second
    assert "pace" not in third and "waiting" not in third


def test_the_bar_shows_the_pace() -> None:
    stream = io.StringIO()
    with RunProgress(mode="rich", stream=stream) as progress:
        progress(Progress(0, 2, 0))
        progress(Progress(1, 2, 0, DONE, pace=77.0))
        bar = progress._bar
        assert bar is not None
        assert bar.tasks[0].fields["pace"] == "pace 77/s"  # the bar's last column


def a_summary() -> ImportSummary:
    """A run that stopped, with a row of each outcome the table shows."""
    return ImportSummary(
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


def test_the_summary_table_shows_counts_effort_files_and_errors() -> None:
    summary = a_summary()
    out = io.StringIO()
    print_summary(
        summary, "label-import run labels.failed.csv", console=Console(file=out, width=120)
    )
    text = out.getvalue()
    for expected in (
        "created",
        "invalid",
        "9 requests, 4 retries, 1.3s",
        "r.csv",
        "labels.failed.csv",
        "1 row: gave up after 7 attempts",
        "[by you]",
    ):
        assert expected in text


def test_the_summary_counts_one_request_and_one_retry_in_the_singular() -> None:
    summary = replace(a_summary(), requests=1, retries=1)
    out = io.StringIO()
    print_summary(summary, "", console=Console(file=out, width=120))
    assert "1 request, 1 retry, 1.3s" in out.getvalue()
