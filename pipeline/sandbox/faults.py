"""Fault injection: latency, server errors, throttling, dropped and ambiguous connections.

All draws come from one seeded generator so a fault pattern can be replayed; a dial that
is off draws nothing, so a new dial leaves the patterns of existing seeds as they were.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from enum import Enum

from pipeline.sandbox.config import SandboxConfig

# What a proxy in front of the service sends with a 502 or 504: HTML, not the envelope.
PROXY_HTML = {
    502: "<html><head><title>502 Bad Gateway</title></head>"
    "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
    504: "<html><head><title>504 Gateway Time-out</title></head>"
    "<body><center><h1>504 Gateway Time-out</h1></center><hr><center>nginx</center></body></html>",
}
SERVER_ERRORS = (500, 502, 503, 504)


class Fate(Enum):
    """What happens to one API request before the application sees it."""

    SERVE = "serve"
    ERROR = "error"
    DROP = "drop"
    AMBIGUOUS = "ambiguous"
    THROTTLE = "throttle"


class TokenBucket:
    """`rate` tokens per second with room for one second's worth; an empty bucket is a 429.

    `schedule` changes the rate as time goes: (seconds after the bucket was made, the rate
    from then on), in any order; a rate of 0 grants everything.
    """

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        schedule: tuple[tuple[float, float], ...] = (),
    ) -> None:
        self._clock = clock
        self._stamp = self._born = clock()
        self._schedule = sorted(schedule)
        self._rate = 0.0
        self._set(rate)

    def _set(self, rate: float) -> None:
        """A new rate keeps the tokens there are; after no limit, the bucket starts full."""
        if not self._rate:
            self._tokens = max(1.0, rate)
        self._rate = rate
        self._capacity = max(1.0, rate)

    def take(self) -> float:
        """Take a token: 0.0 when granted, else the seconds until one will be there."""
        now = self._clock()
        while self._schedule and now - self._born >= self._schedule[0][0]:
            self._set(self._schedule.pop(0)[1])
        if not self._rate:
            self._stamp = now
            return 0.0
        self._tokens = min(self._capacity, self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return (1.0 - self._tokens) / self._rate


class Faults:
    def __init__(self, config: SandboxConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self._config = config
        self._rng = random.Random(config.seed)
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}

    def delay_s(self) -> float:
        cfg = self._config
        jitter = self._rng.uniform(0.0, cfg.jitter_ms) if cfg.jitter_ms else 0.0
        return (cfg.latency_ms + jitter) / 1000.0

    def retry_after(self, org: str) -> int | None:
        """None when the organisation may send now, else whole seconds for `Retry-After`."""
        cfg = self._config
        if not cfg.rate_limit and not cfg.rate_limit_schedule:
            return None
        bucket = self._buckets.get(org)
        if bucket is None:
            bucket = TokenBucket(cfg.rate_limit, self._clock, cfg.rate_limit_schedule)
            self._buckets[org] = bucket
        wait = bucket.take()
        return None if wait == 0.0 else max(1, math.ceil(wait))

    def fate(self) -> tuple[Fate, int]:
        """Draw this request's fate (and the status code when it is a server error).

        One draw per dial, always in the same order, so a seed replays the same pattern.
        The throttle's draw comes last (it was added last) but wins over the others: a
        throttled request never reaches the service, and its share stays `throttle_rate`.
        """
        fate = self._fault()
        cfg = self._config
        if cfg.throttle_rate and self._rng.random() < cfg.throttle_rate:
            return Fate.THROTTLE, 429
        return fate

    def _fault(self) -> tuple[Fate, int]:
        cfg = self._config
        if cfg.error_rate and self._rng.random() < cfg.error_rate:
            return Fate.ERROR, self._rng.choice(SERVER_ERRORS)
        if cfg.drop_rate and self._rng.random() < cfg.drop_rate:
            return Fate.DROP, 0
        if cfg.ambiguous_rate and self._rng.random() < cfg.ambiguous_rate:
            return Fate.AMBIGUOUS, 0
        return Fate.SERVE, 0
