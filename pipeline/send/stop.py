"""The run's stop: why the sending ends before every row is sent, decided once.

The signal watcher, the row sender, the listing and the caller share one `Stop`; the pool
feeds no more jobs once it is requested, and the rate gate and retry waits wake at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio

from pipeline.rows import StopReason

if TYPE_CHECKING:
    from pipeline.send.answers import Answer


class Stop:
    """The run's stop state, shared by the signal watcher, the workers and the caller."""

    def __init__(self) -> None:
        self.event = anyio.Event()
        self.reason: StopReason | None = None
        self.message = ""

    @property
    def requested(self) -> bool:
        return self.reason is not None

    def request(self, reason: StopReason, message: str = "") -> None:
        """The first reason wins: a fatal answer after Ctrl-C is still an interruption."""
        if self.reason is None:
            self.reason = reason
            self.message = message
            self.event.set()

    def fatal(self, message: str, answer: Answer) -> None:
        """Every row would get this answer; on a 401, say which settings hold the keys."""
        hint = " (check FI_API_KEY and FI_SECRET_KEY)" if answer.status == 401 else ""
        self.request("fatal", f"{message}{hint}")

    async def wait(self, seconds: float) -> None:
        """Sleep, but wake as soon as a stop is requested."""
        with anyio.move_on_after(seconds):
            await self.event.wait()
