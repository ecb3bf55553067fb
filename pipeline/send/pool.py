"""Run one async function on each item, at most `concurrency` at once (after aiometer's
`run_on_each`).

A feeder fills a bounded stream; `concurrency` workers take items from it, so memory stays
flat however many items there are. Nothing but cancellation may leave `handle`: anyio task
groups cancel every sibling when one task raises, so one bad item would cancel the pool.
Once the run's `Stop` is requested no item is fed, and items already fed are left alone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from pipeline.send.stop import Stop

T = TypeVar("T")

# The default cap on requests in flight. It is a cap, not a target: under a pace, about
# rate times latency requests are in flight (Little's law) and the other workers wait at the
# gate. With no limit, more in flight is more throughput on a small machine (each event-loop
# turn does more work): the 50 ms sandbox takes 960/s at 64, 1,800 at 128 and 3,300 at 256
# (benchmarks/RESULTS.md, issue 12), and a 300 ms server up to about 850/s at 256.
CONCURRENCY = 256


async def run_pool(
    handle: Callable[[T], Awaitable[None]], items: Iterable[T], *, concurrency: int, stop: Stop
) -> None:
    """Await `handle(item)` for every item, `concurrency` at a time, until done or stopped."""
    send, receive = anyio.create_memory_object_stream[T](concurrency)
    async with anyio.create_task_group() as group:
        for _ in range(concurrency):
            group.start_soon(_work, handle, receive.clone(), stop)
        receive.close()
        group.start_soon(_feed, send, items, stop)


async def _feed(send: MemoryObjectSendStream[T], items: Iterable[T], stop: Stop) -> None:
    async with send:
        for item in items:
            if stop.requested:
                return
            # The awaiting form costs a scheduler checkpoint per item; only wait when
            # the buffer is full.
            try:
                send.send_nowait(item)
            except anyio.WouldBlock:
                await send.send(item)


async def _work(
    handle: Callable[[T], Awaitable[None]], receive: MemoryObjectReceiveStream[T], stop: Stop
) -> None:
    async with receive:
        while True:
            # Likewise, wait for the next item only when the buffer is empty.
            try:
                item = receive.receive_nowait()
            except anyio.WouldBlock:
                try:
                    item = await receive.receive()
                except anyio.EndOfStream:
                    return
            except anyio.EndOfStream:
                return
            if not stop.requested:
                await handle(item)
