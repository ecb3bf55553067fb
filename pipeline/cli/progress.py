"""Progress while a run goes.

A bar is for a person watching a terminal; a scheduler's log wants an occasional plain
line instead, so the mode follows whether stderr is a TTY. Progress goes to stderr so
stdout stays clean for `--json`. Only the bar needs rich, so only the bar imports it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Literal, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress as Bar
    from rich.progress import TaskID

    from pipeline.rows import Progress

Mode = Literal["auto", "rich", "plain"]
PLAIN_INTERVAL_S = 5.0
# Shorter pauses pass unnoticed between two progress lines; longer ones are announced.
LONG_PAUSE_S = 5.0


class RunProgress:
    """Shows the sending as it goes: a context manager around the run, and the run's
    progress callback. The bar or the first line starts when the sending does."""

    def __init__(
        self,
        *,
        mode: Mode = "auto",
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
        interval: float = PLAIN_INTERVAL_S,
    ) -> None:
        self._stream = stream or sys.stderr
        if mode == "auto":
            mode = "rich" if self._stream.isatty() else "plain"
        self._mode = mode
        self._clock = clock
        self._interval = interval
        self._started = clock()
        self._last_line = self._started
        self._said_wait_until = float("-inf")
        self._bar: Bar | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> RunProgress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()

    def __call__(self, progress: Progress) -> None:
        if progress.waiting_s:
            self._waiting(progress.waiting_s)
        elif progress.outcome is None:
            self._start(progress.total)
        elif self._bar is not None and self._task is not None:
            self._bar.update(
                self._task,
                completed=progress.done,
                failed=progress.failed,
                pace=_pace(progress),
            )
        elif self._mode == "plain":
            now = self._clock()
            if now - self._last_line >= self._interval:
                self._last_line = now
                self._stream.write(self._line(progress, now) + "\n")
                self._stream.flush()

    def _start(self, total: int) -> None:
        self._started = self._last_line = self._clock()
        if self._mode != "rich" or self._bar is not None:
            return
        from pipeline.cli.terminal import progress_bar

        self._bar = progress_bar(self._stream)
        self._bar.start()
        self._task = self._bar.add_task("rows", total=total, failed=0, pace="")

    def _waiting(self, seconds: float) -> None:
        """A pause long enough to look like a hang is said at once, bar or not; once per
        pause, though every worker throttled in the meantime lengthens it a little."""
        now = self._clock()
        if seconds < LONG_PAUSE_S or now < self._said_wait_until:
            return
        self._said_wait_until = now + seconds
        line = f"label-import: waiting {seconds:.0f}s: the server asked to slow down (Retry-After)"
        if self._bar is not None:
            self._bar.console.print(line, markup=False, highlight=False)
        else:
            self._stream.write(line + "\n")
            self._stream.flush()

    def _line(self, progress: Progress, now: float) -> str:
        elapsed = max(now - self._started, 1e-9)
        rate = progress.done / elapsed
        left = progress.total - progress.done
        eta = f", about {left / rate:.0f}s left" if rate > 0 else ""
        pace = _pace(progress)
        return (
            f"label-import: {progress.done}/{progress.total} rows sent, {rate:.1f} rows/s, "
            f"{progress.failed} failed{', ' + pace if pace else ''}{eta}"
        )


def _pace(progress: Progress) -> str:
    """The pace the requests go at, and whether they wait on the server right now."""
    if progress.waiting:
        return "waiting on the server (429)"
    return f"pace {progress.pace:.0f}/s" if progress.pace else ""
