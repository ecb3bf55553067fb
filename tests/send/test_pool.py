"""`run_pool`: the concurrency bound, every item once, and a stop that ends the feeding."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import anyio
import anyio.lowlevel
import pytest

from pipeline.send.pool import run_pool
from pipeline.send.stop import Stop


class Tally:
    """A handler that records how many run at once and which items it saw."""

    def __init__(self) -> None:
        self.active = 0
        self.busiest = 0
        self.seen: Counter[int] = Counter()

    async def __call__(self, item: int) -> None:
        self.active += 1
        self.busiest = max(self.busiest, self.active)
        self.seen[item] += 1
        # Give every other worker the chance to start while this one is busy.
        for _ in range(3):
            await anyio.lowlevel.checkpoint()
        self.active -= 1


@pytest.mark.parametrize(("items", "concurrency"), [(0, 4), (1, 4), (100, 1), (100, 8), (7, 32)])
async def test_every_item_is_handled_once_with_at_most_concurrency_at_once(
    items: int, concurrency: int
) -> None:
    tally = Tally()
    await run_pool(tally, range(items), concurrency=concurrency, stop=Stop())
    assert tally.seen == Counter(range(items))
    assert tally.busiest == min(items, concurrency)


async def test_a_stop_ends_the_feeding_and_leaves_the_rest_unhandled() -> None:
    stop = Stop()
    fed: list[int] = []
    started_after_stop: list[int] = []
    concurrency = 4

    def items() -> Iterator[int]:
        for item in range(1000):
            fed.append(item)
            yield item

    async def handle(item: int) -> None:
        if stop.requested:
            started_after_stop.append(item)
        if item == 10:
            stop.request("interrupted")
        await anyio.lowlevel.checkpoint()

    await run_pool(handle, items(), concurrency=concurrency, stop=stop)
    assert started_after_stop == []
    # At most the buffer's worth and the one the feeder held when the stop came.
    assert len(fed) <= 11 + concurrency + 1


async def test_cancelling_the_caller_ends_the_pool() -> None:
    seen: list[int] = []

    with anyio.CancelScope() as scope:

        async def handle(item: int) -> None:
            seen.append(item)
            if item == 3:
                scope.cancel()
            await anyio.lowlevel.checkpoint()

        await run_pool(handle, range(1000), concurrency=2, stop=Stop())
    assert scope.cancelled_caught and len(seen) < 1000
