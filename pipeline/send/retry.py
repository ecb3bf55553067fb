"""What a retry costs in waiting: full-jitter backoff and a cap on `Retry-After`.

Tests shorten every wait with `shortened_waits` (as stamina's testing mode does) instead of
passing a policy through the public API: the retry logic under test stays the real one,
only the sleeping is taken out.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many retries a request gets and how long each waits."""

    max_retries: int = 6
    base: float = 0.5
    cap: float = 30.0
    retry_after_cap: float = 120.0

    def backoff(self, retry: int, rng: random.Random) -> float:
        """Full jitter: uniform over [0, min(cap, base * 2**retry)) spreads a herd best."""
        return rng.uniform(0.0, min(self.cap, self.base * 2**retry))


_WAITS: ContextVar[RetryPolicy | None] = ContextVar("label_import_waits", default=None)


def policy_for(max_retries: int) -> RetryPolicy:
    """The policy a run uses: `max_retries`, with the waits of `shortened_waits` if active."""
    return replace(_WAITS.get() or RetryPolicy(), max_retries=max_retries)


@contextmanager
def shortened_waits(
    *, base: float = 0.001, cap: float = 0.01, retry_after_cap: float = 0.002
) -> Iterator[None]:
    """For tests: every run started inside the block waits at most these few seconds."""
    token = _WAITS.set(RetryPolicy(base=base, cap=cap, retry_after_cap=retry_after_cap))
    try:
        yield
    finally:
        _WAITS.reset(token)
