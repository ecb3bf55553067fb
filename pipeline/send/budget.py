"""The bytes that the answers being read share: a reader waits for room, it never fails for it.

Every answer's body is read into memory whole (client.py), so `concurrency` answers at
their cap at once would be `concurrency` times the cap: 8 GiB at 256 of 32 MiB. Instead
each body reserves its size here before a byte of it is read, and gives it back once it
is parsed, so a hostile or broken server can make the client hold at most `total` bytes
of bodies, whatever the concurrency; the other readers wait until there is room.

A body reserves its whole size at once (its declared length, or its cap when its size is
unknown), never chunk by chunk: readers each holding part of the budget while waiting for
more could all wait for ever. Reserved whole, with no reservation over `total`, every
waiter is served once the readers before it are done.

Written by hand because anyio's Semaphore and CapacityLimiter hand out one token per
holder, not a number of bytes. Waiters are served first come, first served, so a page's
large reservation is not passed for ever by small ones.
"""

from __future__ import annotations

from collections import deque

import anyio


class AnswerBudget:
    """`total` bytes, shared by every answer body of one client."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.reserved = 0
        # The most ever reserved at once, which never exceeds `total`: for the tests.
        self.peak = 0
        self._waiting: deque[tuple[int, anyio.Event]] = deque()

    async def take(self, size: int) -> None:
        """Reserve `size` bytes (no more than `total`), waiting while others hold them.

        With room and no one waiting, it returns without yielding to the event loop: an
        honest answer is never slowed by the budget.
        """
        if not self._waiting and self.reserved + size <= self.total:
            self._hold(size)
            return
        served = anyio.Event()
        waiter = (size, served)
        self._waiting.append(waiter)
        try:
            await served.wait()
        except BaseException:
            # Cancelled (a timeout, a stop) while waiting: give back what was handed
            # over meanwhile, or leave the queue, which may let the next one in.
            if served.is_set():
                self.give(size)
            else:
                self._waiting.remove(waiter)
                self._serve()
            raise

    def give(self, size: int) -> None:
        """Give back what `take(size)` reserved, and let in whoever now fits."""
        self.reserved -= size
        self._serve()

    def _serve(self) -> None:
        while self._waiting and self.reserved + self._waiting[0][0] <= self.total:
            size, served = self._waiting.popleft()
            self._hold(size)
            served.set()

    def _hold(self, size: int) -> None:
        self.reserved += size
        self.peak = max(self.peak, self.reserved)
