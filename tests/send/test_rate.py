"""The rate gate on a hand-driven clock: spacing, pool-wide pauses, AIMD."""

from __future__ import annotations

import anyio
import pytest

from pipeline.send.rate import DECREASE, RateGate
from tests.send.clock import FakeTime


async def sends(gate: RateGate, time: FakeTime, count: int) -> list[float]:
    stamps = []
    for _ in range(count):
        await gate.acquire()
        stamps.append(time.now)
    return stamps


async def test_requests_are_spaced_evenly_with_no_first_second_burst() -> None:
    time = FakeTime()
    gate = RateGate(10, clock=time.clock, wait=time.wait)

    stamps = await sends(gate, time, 31)

    assert stamps[-1] == pytest.approx(3.0)
    busiest = max(sum(1 for t in stamps if s <= t < s + 1.0) for s in stamps)
    assert busiest <= 11


async def test_concurrent_callers_share_one_rate() -> None:
    gate = RateGate(50)
    stamps: list[float] = []

    async def caller() -> None:
        for _ in range(5):
            await gate.acquire()
            stamps.append(anyio.current_time())

    async with anyio.create_task_group() as group:
        for _ in range(10):
            group.start_soon(caller)

    stamps.sort()
    assert 0.95 <= stamps[-1] - stamps[0] <= 1.2  # 50 requests at 50/s: about a second


async def test_a_pause_holds_every_caller() -> None:
    time = FakeTime()
    gate = RateGate(0, clock=time.clock, wait=time.wait)
    await gate.acquire()
    gate.pause(2.5)

    await gate.acquire()

    assert time.now == 2.5


async def test_a_429_cuts_the_rate_once_per_burst_and_quiet_regrows_it() -> None:
    time = FakeTime()
    gate = RateGate(100, clock=time.clock, wait=time.wait)
    await gate.acquire()

    for _ in range(8):  # the answers of one burst of requests in flight
        gate.throttle()
    assert gate.rate == 100 * DECREASE

    time.now += 5.0  # one quiet second, then 4 s of regrowth at 5% of the ceiling per s
    await gate.acquire()
    assert gate.rate == pytest.approx(100 * DECREASE + 4 * 5)
    time.now += 10.0
    await gate.acquire()
    assert gate.rate == 100  # regrown, but never above the ceiling

    time.now += 0.5
    gate.throttle()
    time.now += 1.5
    await gate.acquire()
    assert 100 * DECREASE < gate.rate < 100


async def test_unlimited_never_waits() -> None:
    time = FakeTime()
    gate = RateGate(0, clock=time.clock, wait=time.wait)
    await sends(gate, time, 1000)
    gate.throttle()
    await gate.acquire()
    assert time.now == 0.0
