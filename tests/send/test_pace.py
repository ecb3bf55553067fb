"""The pace rule on a hand-driven clock: slow start, cuts from the measured rate, random
429s told apart from our own, latency, and the settings."""

from __future__ import annotations

import pytest

from pipeline.send.rate import (
    DECREASE,
    LATENCY_DECREASE,
    START_RATE,
    WINDOW_S,
    Pace,
    check_rate,
)
from tests.send.clock import FakeTime


def auto(time: FakeTime) -> Pace:
    pace = Pace.for_setting("auto", time.clock)
    assert pace is not None
    return pace


def window(
    pace: Pace,
    time: FakeTime,
    *,
    per_second: float,
    seconds: float = WINDOW_S,
    throttled: int = 0,
    latency: float = 0.03,
) -> float:
    """One window of `seconds`: requests sent at `per_second`, each answered as the next
    goes, the last `throttled` answers 429s. Returns the pace after it."""
    start, count = time.now, round(per_second * seconds)
    for i in range(count):
        pace.sent()
        time.now = start + seconds * (i + 1) / count + (1e-9 if i == count - 1 else 0.0)
        pace.answered(throttled=i >= count - throttled, latency=latency)
    return pace.rate


def steady(pace: Pace, time: FakeTime, per_second: float, windows: int = 4) -> None:
    """A second of clean windows, so the last second's sends are at `per_second`."""
    for _ in range(windows):
        window(pace, time, per_second=per_second)


def test_auto_starts_modestly_and_doubles_while_answers_are_clean() -> None:
    time = FakeTime()
    pace = auto(time)
    rates = []
    for _ in range(4):
        sending = pace.rate
        rates.append(window(pace, time, per_second=sending, seconds=max(0.1, 10 / sending)))
    assert rates == pytest.approx([START_RATE * 2, START_RATE * 4, START_RATE * 8, START_RATE * 16])


def test_a_429_cuts_from_the_rate_really_sent_not_the_rate_allowed() -> None:
    time = FakeTime()
    pace = Pace(1000, ceiling=1000, slow_start=False, clock=time.clock)
    steady(pace, time, 100)  # the pool sends only 100/s of the 1,000 allowed
    rate = window(pace, time, per_second=100, throttled=5)
    assert rate == pytest.approx(DECREASE * 100, rel=0.02)


def test_429s_that_stop_after_a_cut_keep_it_and_growth_is_slow_after() -> None:
    time = FakeTime()
    pace = Pace(300, ceiling=float("inf"), slow_start=True, clock=time.clock)
    for _ in range(10):
        window(pace, time, per_second=200, seconds=0.1)
    window(pace, time, per_second=200, seconds=0.1, throttled=4)  # 200/s: over the limit
    assert pace.rate == pytest.approx(DECREASE * 200, rel=0.05)
    assert not pace.slow_start
    cut = pace.rate
    assert window(pace, time, per_second=cut) == cut  # clean at the lower rate: kept
    after = window(pace, time, per_second=cut)
    assert cut < after <= cut * 1.01


def test_random_429s_that_do_not_follow_the_rate_undo_the_cut_and_become_the_background() -> None:
    time = FakeTime()
    pace = Pace(200, ceiling=200, slow_start=False, clock=time.clock)
    steady(pace, time, 200)
    window(pace, time, per_second=200, throttled=5)  # 10% at 200/s: looks like a limit
    assert pace.rate == pytest.approx(DECREASE * 200, rel=0.02)
    window(pace, time, per_second=140, throttled=4)  # still 10% at 140/s: not the rate
    window(pace, time, per_second=140, throttled=3)
    assert pace.rate == 200
    assert pace.background == pytest.approx(0.1, abs=0.02)
    for _ in range(20):
        window(pace, time, per_second=200, throttled=5)
    assert pace.rate == 200  # the same share again and again is no reason to slow down


def test_a_limit_far_below_both_rates_cuts_again_though_the_share_stays_near_one() -> None:
    time = FakeTime()
    pace = Pace(200, ceiling=200, slow_start=False, clock=time.clock)
    steady(pace, time, 200)
    # 10 a second get through (a 10/s limit), whatever the rate.
    window(pace, time, per_second=200, throttled=48)
    assert pace.rate == pytest.approx(DECREASE * 200, rel=0.02)
    window(pace, time, per_second=140, throttled=33)
    window(pace, time, per_second=140, throttled=33)
    assert pace.rate < DECREASE * 200


def test_a_latency_rise_holds_growth_and_a_queue_cuts_once() -> None:
    time = FakeTime()
    pace = Pace(100, ceiling=1000, slow_start=False, clock=time.clock)
    steady(pace, time, 100)
    flat = pace.rate
    assert window(pace, time, per_second=100, latency=0.12) == flat  # rising: no growth
    queued = window(pace, time, per_second=100, latency=0.5)
    assert queued == pytest.approx(LATENCY_DECREASE * 100, rel=0.02)
    assert window(pace, time, per_second=90, latency=0.5) == queued  # once, then held
    assert window(pace, time, per_second=90, latency=0.03) > queued  # flat again: growth


def test_a_pace_the_pool_does_not_use_does_not_grow() -> None:
    time = FakeTime()
    pace = auto(time)
    for _ in range(5):
        window(pace, time, per_second=20, seconds=0.5)  # 20/s of the 50 allowed
    assert pace.rate == START_RATE


def test_a_cut_is_taken_from_the_second_before_the_first_429() -> None:
    time = FakeTime()
    pace = Pace(100, ceiling=100, slow_start=False, clock=time.clock)
    for _ in range(30):  # 30 in the second before the 429, after a quiet spell
        pace.sent()
        time.now += 1 / 30
    pace.answered(throttled=True, latency=None)
    time.now += 1.0  # a Retry-After pause: the window is judged when answers come again
    for _ in range(10):
        pace.answered(throttled=False, latency=0.03)
    assert pace.rate == pytest.approx(DECREASE * 30, rel=0.04)


def test_a_number_is_a_ceiling_and_zero_is_no_pace() -> None:
    time = FakeTime()
    pace = Pace.for_setting(40, time.clock)
    assert pace is not None and (pace.rate, pace.ceiling, pace.slow_start) == (40, 40, False)
    steady(pace, time, 40, windows=10)
    assert pace.rate == 40
    assert Pace.for_setting(0, time.clock) is None


@pytest.mark.parametrize(
    ("given", "taken"), [("auto", "auto"), (0, 0.0), (12, 12.0), ("2.5", 2.5), (7.5, 7.5)]
)
def test_rate_settings_taken(given: object, taken: object) -> None:
    assert check_rate(given) == taken


@pytest.mark.parametrize("given", ["fast", -1, "-3", float("nan"), True, None])
def test_rate_settings_refused(given: object) -> None:
    with pytest.raises(ValueError, match="give auto"):
        check_rate(given)
