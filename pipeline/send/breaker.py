"""The circuit breaker: when the server gives no answer at all, request after request,
the run stops instead of failing its rows one by one.

Only attempts that got no HTTP answer (refused, reset, timed out) count; any answer,
even an error, closes the streak. How long a streak must be follows from the
concurrency: one server restart fails every request in flight at once and each of their
quick retries, so a streak of `PER_WORKER` failures per worker, about eight seconds of
silence with the default backoff, outlasts a restart; and since it is fewer than a row's
default seven attempts, rows are not failed one after another before the run stops.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.send.answers import Answer

PER_WORKER = 5
MIN_STREAK = 20


class Breaker:
    """Counts attempts in a row that got no answer, across every worker of the run."""

    def __init__(self, concurrency: int = 8) -> None:
        self.limit = max(MIN_STREAK, PER_WORKER * concurrency)
        self._streak = 0

    def opens(self, answer: Answer) -> bool:
        """Count one attempt's answer; True for the one that makes the streak too long."""
        if answer.status is not None:
            self._streak = 0
            return False
        self._streak += 1
        return self._streak == self.limit

    def message(self, answer: Answer) -> str:
        return (
            f"no answer from the server to {self.limit} requests in a row "
            f"(last: {answer.message}); it may be down or unreachable. Rows not sent are "
            "not_attempted: re-run with --resume once it answers"
        )
