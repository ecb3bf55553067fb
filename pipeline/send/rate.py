"""The rate gate every request passes: a steady rate, pool-wide pauses, and AIMD on 429.

Why not aiolimiter: `AsyncLimiter(R, 1)` lets about 2R requests into the first second,
its no-burst form stalls at a few hundred per second, and a live limiter's rate cannot be
changed, which adaptive throttling needs. This gate hands out evenly spaced send slots
instead: a caller reserves the next slot and sleeps until it, so no one-second window
ever holds more than `rate + 1` requests and waiters sleep independently (no per-request
wake-up chain). The current rate and a pause can be changed at any moment.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

import anyio

Clock = Callable[[], float]
Wait = Callable[[float], Awaitable[None]]

# Multiplicative decrease on a 429, the floor it stops at, and the additive regrowth
# (per quiet second, as a share of the ceiling) after a quiet spell without 429s.
DECREASE = 0.7
MIN_RATE = 1.0
INCREASE_SHARE = 0.05
QUIET_S = 1.0


class RateGate:
    """Paces requests at `rate` per second (0 = unlimited), never above the ceiling.

    `clock` and `wait` are injected so tests can drive time by hand (the default clock is
    the one asyncio's timers use, and cheaper to call than `anyio.current_time`); a
    run passes a `wait` that returns early when the run is told to stop, and
    `stopping` so a paused caller then leaves at once (the caller checks the stop itself
    before sending).
    """

    def __init__(
        self,
        rate: float,
        *,
        clock: Clock = time.monotonic,
        wait: Wait = anyio.sleep,
        stopping: Callable[[], bool] = lambda: False,
    ) -> None:
        self.ceiling = rate
        self.rate = rate
        self._clock = clock
        self._wait = wait
        self._stopping = stopping
        # Told of every pause as it starts, so a long one can be shown while it lasts.
        self.on_pause: Callable[[float], None] | None = None
        self._next = 0.0
        self._paused_until = 0.0
        self._last_cut = float("-inf")
        self._last_grow = 0.0
        # When the last `ceiling` requests left: the hard one-second bound below.
        self._recent: deque[float] = deque(maxlen=max(1, math.ceil(rate)))

    async def acquire(self) -> None:
        """Return when the caller may send one request."""
        while True:
            now = self._clock()
            if self._paused_until > now:
                await self._wait(self._paused_until - now)
                if self._stopping():
                    return
                continue
            if self.rate <= 0:
                return
            self._regrow(now)
            slot = max(now, self._next)
            self._next = slot + 1.0 / self.rate
            if slot > now:
                await self._wait(slot - now)
            if not await self._window_has_room():
                return
            if self._paused_until <= self._clock():
                self._recent.append(self._clock())
                return

    async def _window_has_room(self) -> bool:
        """Wait until fewer than `ceiling` requests left in the last second.

        Slots alone bound every window only if each caller wakes on time; an event loop
        stalled by a busy CPU wakes several at once. This sliding log keeps the bound
        whatever the scheduler does. False when the run is stopping.
        """
        recent = self._recent
        while len(recent) == recent.maxlen:
            wait = recent[0] + 1.0 - self._clock()
            if wait <= 0:
                return True
            await self._wait(wait)
            if self._stopping():
                return False
        return True

    def pause(self, seconds: float) -> None:
        """Hold every caller for `seconds` (a `Retry-After` applies to the whole pool)."""
        until = self._clock() + seconds
        if until > self._paused_until:
            self._paused_until = until
            self._next = max(self._next, until)
            if self.on_pause is not None:
                self.on_pause(seconds)

    def throttle(self) -> None:
        """A 429 arrived: slow down, at most once per quiet period.

        Answers to requests already in flight arrive together; cutting once for the
        whole burst keeps one overload from collapsing the rate to the floor.
        """
        now = self._clock()
        if self.ceiling <= 0 or now - self._last_cut < QUIET_S:
            return
        self._last_cut = now
        self.rate = max(MIN_RATE, self.rate * DECREASE)
        self._last_grow = now

    def _regrow(self, now: float) -> None:
        if self.rate >= self.ceiling or now - self._last_cut < QUIET_S:
            return
        elapsed = now - max(self._last_grow, self._last_cut + QUIET_S)
        if elapsed <= 0:
            return
        self.rate = min(self.ceiling, self.rate + self.ceiling * INCREASE_SHARE * elapsed)
        self._last_grow = now
