"""The rate gate: spacing, pool-wide pauses, a new pace at once, answers to the pace."""

from __future__ import annotations

import anyio
import pytest

from pipeline.send.rate import DECREASE, MIN_ANSWERS, START_RATE, Found, RateGate, check_rate
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


async def test_auto_lets_its_first_window_go_at_once_then_spaces_at_the_start_rate() -> None:
    time = FakeTime()
    gate = RateGate("auto", clock=time.clock, wait=time.wait)

    stamps = await sends(gate, time, MIN_ANSWERS + 51)

    assert stamps[:MIN_ANSWERS] == [0.0] * MIN_ANSWERS
    assert stamps[-1] == pytest.approx(50 / START_RATE, abs=0.021)


@pytest.mark.parametrize("rate", ["auto", 80])
async def test_no_first_window_at_once_under_a_ceiling_or_a_remembered_limit(
    rate: float | str,
) -> None:
    time = FakeTime()
    found = Found(80, limited=True)
    gate = RateGate(check_rate(rate), clock=time.clock, wait=time.wait, found=found)

    stamps = await sends(gate, time, 41)

    assert stamps[-1] == pytest.approx(40 / 80, abs=0.021)


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


async def test_a_new_pace_holds_from_the_next_request_however_many_wait() -> None:
    gate = RateGate(200)
    stamps: list[float] = []
    tenth = anyio.Event()

    async def caller() -> None:
        for _ in range(3):
            await gate.acquire()
            stamps.append(anyio.current_time())
            if len(stamps) == 10:
                tenth.set()

    async with anyio.create_task_group() as group:
        for _ in range(20):
            group.start_soon(caller)
        await tenth.wait()
        assert gate.pace is not None
        gate.pace.rate = 20  # as a cut does, while 19 callers wait for their turn
        cut = len(stamps)

    gaps = [b - a for a, b in zip(stamps[cut:], stamps[cut + 1 :], strict=False)]
    assert len(gaps) >= 40
    assert min(gaps) >= 0.05 - 0.021  # 20/s apart, give or take the gate's tolerance
    assert stamps[-1] - stamps[cut] >= 0.9 * len(gaps) / 20


async def test_answers_reach_the_pace_which_cuts_from_what_the_second_before_saw() -> None:
    time = FakeTime()
    gate = RateGate(100, clock=time.clock, wait=time.wait)
    await sends(gate, time, 20)
    gate.pause(1.0)
    assert gate.waiting and gate.pauses_pool(throttled=True)
    await sends(gate, time, 20)
    assert not gate.waiting
    for i in range(40):
        gate.answered(throttled=i % 2 == 0, latency=0.03)
    # The first 429 came when the last second had seen the 20 sent after the pause.
    assert gate.rate == pytest.approx(20 * DECREASE)


async def test_unlimited_never_waits() -> None:
    time = FakeTime()
    gate = RateGate(0, clock=time.clock, wait=time.wait)
    await sends(gate, time, 1000)
    for _ in range(100):
        gate.answered(throttled=True, latency=None)
    await gate.acquire()
    assert (time.now, gate.rate, gate.pace) == (0.0, 0.0, None)
