"""The pace rule on a hand-driven clock: slow start, cuts from the measured rate, random
429s told apart from our own, latency, and the settings."""

from __future__ import annotations

import statistics

import pytest

from pipeline.send.rate import (
    DECREASE,
    INCREASE,
    LATENCY_DECREASE,
    LIMITED_ABOVE,
    LIMITED_GROWTH,
    PROBE_INCREASE,
    START_RATE,
    WINDOW_S,
    Found,
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


def test_slow_start_grows_by_half_only_from_a_thousand_a_second_on() -> None:
    for start, grown in ((LIMITED_ABOVE / 2, LIMITED_ABOVE), (LIMITED_ABOVE, 1500.0)):
        time = FakeTime()
        pace = Pace(start, ceiling=float("inf"), slow_start=True, clock=time.clock)
        assert window(pace, time, per_second=start, seconds=0.1) == pytest.approx(grown)
    assert LIMITED_ABOVE * LIMITED_GROWTH == 1500.0


def test_auto_starts_from_what_an_earlier_run_found() -> None:
    time = FakeTime()
    limited = Pace.for_setting("auto", time.clock, Found(100, limited=True))
    assert limited is not None
    assert (limited.rate, limited.slow_start, limited.probing) == (100, False, True)
    steady(limited, time, 100, windows=4)  # a second of clean answers
    assert limited.rate == pytest.approx(100 * (1 + PROBE_INCREASE * WINDOW_S) ** 4, rel=0.01)
    window(limited, time, per_second=limited.rate, throttled=5)  # the limit: probing ends
    cut = limited.rate
    steady(limited, time, cut, windows=4)
    assert limited.rate == pytest.approx(cut * (1 + INCREASE * WINDOW_S) ** 4, rel=0.01)
    free = Pace.for_setting("auto", time.clock, Found(3000, limited=False))
    assert free is not None and (free.rate, free.slow_start) == (1500, True)
    small = Pace.for_setting("auto", time.clock, Found(30, limited=False))
    assert small is not None and small.rate == START_RATE
    fixed = Pace.for_setting(40, time.clock, Found(3000, limited=False))
    assert fixed is not None and (fixed.rate, fixed.ceiling) == (40, 40)


def test_a_pace_tells_what_it_found() -> None:
    time = FakeTime()
    pace = Pace(300, ceiling=float("inf"), slow_start=False, clock=time.clock)
    assert pace.found is None
    steady(pace, time, 300)
    found = pace.found
    assert found is not None and not found.limited
    assert found.rate == pytest.approx(300, rel=0.05)
    window(pace, time, per_second=300, throttled=10)  # a limit under 300
    while pace._cut is not None:
        window(pace, time, per_second=pace.rate)
    cut = pace.rate
    assert pace.found == Found(cut, limited=True)  # too soon to have measured
    steady(pace, time, cut, windows=8)
    found = pace.found
    assert found is not None and found.limited
    # What got through since, not slow start's 300 nor the pace it grew to.
    assert found.rate == pytest.approx(DECREASE * 300, rel=0.05)
    assert pace.rate > found.rate


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


def against_a_limit(pace: Pace, time: FakeTime, limit: float, seconds: float) -> list[float]:
    """A server's token bucket of `limit` a second (a second's worth of burst) answering
    one request at a time at the pace, each 429 a `Retry-After: 1` for the whole pool as
    the gate takes it. Returns the pace after every request."""
    tokens, last, paces = limit, 0.0, []
    while time.now < seconds:
        tokens = min(limit, tokens + (time.now - last) * limit)
        last = time.now
        throttled = tokens < 1
        tokens -= not throttled
        pace.sent()
        time.now += 1 / pace.rate
        pace.answered(throttled=throttled, latency=None if throttled else 0.03)
        if throttled and not pace.background_429s:
            time.now += 1.0
        paces.append(pace.rate)
    return paces


@pytest.mark.parametrize("limit", [5, 20, 50, 300])
def test_a_limit_far_under_the_pace_is_followed(limit: float) -> None:
    time = FakeTime()
    pace = Pace(1000, ceiling=float("inf"), slow_start=True, clock=time.clock)
    paces = against_a_limit(pace, time, limit, seconds=60)
    assert statistics.median(paces[len(paces) // 2 :]) <= 1.5 * limit


def test_429s_at_most_answers_are_never_taken_for_random() -> None:
    time = FakeTime()
    pace = Pace(200, ceiling=200, slow_start=False, clock=time.clock)
    steady(pace, time, 200)
    # 80% 429s at every rate tried: what gets through falls with the rate, as random
    # 429s would, but a share that high is a limit to stay under, not a background.
    for _ in range(40):
        count = round(pace.rate * WINDOW_S)
        window(pace, time, per_second=pace.rate, throttled=round(0.8 * count))
    assert pace.rate < 20
    assert pace.background == 0
