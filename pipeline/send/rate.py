"""The rate gate every request passes, and the pace it keeps: found by itself (`auto`, the
default), held under a number (a ceiling), or none (0).

Why the gate is ours, not aiolimiter: `AsyncLimiter(R, 1)` lets about 2R requests into the
first second, its no-burst form stalls at a few hundred per second, and a live limiter's
rate cannot be changed, which a found pace needs. The gate hands out evenly spaced send
slots, one caller at a time (a FIFO turn), so a new pace holds from the very next request:
slots reserved ahead by 64 waiters at 20/s would keep three seconds of the old pace. A
caller may leave up to TOLERANCE_S before its slot (GCRA's tolerance), so a sleeper that
wakes late does not slow the pace down. A
fixed ceiling also keeps a sliding one-second log, so no one-second window ever holds more
than `ceiling + 1` requests, however late a busy event loop wakes its callers.

Why the pace is found the way it is (`Pace`; TCP's congestion control and the AWS SDKs'
adaptive retry mode are the models). The live service publishes no limit, so:
- Start modestly (START_RATE) and double every window while answers are clean and latency
  is flat ("slow start"), but only by half from LIMITED_ABOVE on (TCP's limited slow
  start): a doubling that overshoots a limit of a few hundred a second is a burst of 429s;
  after the first cut, grow INCREASE of the rate per second.
- Start where the last run to the same server ended (`Found`, kept by `pace_memory`): a
  server that took thousands a second is not found again from 50 a second, and one that
  limited us is approached from what got through it, not by a burst over it, growing
  PROBE_INCREASE a second until its first 429 (what got through is under the limit by
  the pauses and the end of that run, and 2% a second would take many seconds to close).
- Judge in windows (WINDOW_S and MIN_ANSWERS at least), not per answer: the answers of
  one burst arrive together, and one cut per window keeps one overload from collapsing
  the rate.
- A 429 caused by our rate cuts the pace to DECREASE times the *measured* sending rate
  (what was really sent, pauses left out), not the allowed one, which can be far above
  it when the pool cannot keep up.
- A latency rise means a queue is building: over LATENCY_RISE times the recent minimum
  (plus LATENCY_SLACK_S) the pace stops growing; over LATENCY_QUEUE times it (plus twice
  the slack) it is cut once to LATENCY_DECREASE of the measured rate and held until
  latency is flat again. Only a large rise cuts: a busy client machine doubles latency
  too, and cutting for that would lose throughput no server asked us to give up.
- Grow only a pace that is used: when the measured rate is well under the allowed one,
  concurrency or latency is the bound, and a pace grown without use is a burst later.
- 429s not tied to the rate (a gateway's random throttling) must not collapse it. A
  window's 429 share is compared with the background share; a cut is checked over as
  many answers after it as before: 429s that follow the rate change their share, or let
  as many requests a second through at the lower rate (a limit); random ones keep their
  share while what gets through falls with the rate. Then the cut is undone and that
  share becomes the background, but never a share over MAX_BACKGROUND: a limit far under
  the pace answers most requests 429 at every rate tried until the pace comes near it, and
  its Retry-After pauses make what gets through look alike at every rate.
- An `auto` pace that begins slow start lets its first MIN_ANSWERS requests go at once
  (TCP's initial window): they are the first window's sample, and a short job (an
  export's 20 pages) would otherwise spend most of its time at the start's 50 a second.
- `Retry-After` pauses the whole pool: one request told to wait means all would be. Once
  429s are known to come whatever the rate, each one's `Retry-After` holds only its own
  request, or a gateway's random refusals would set the pace of the whole run.
"""

from __future__ import annotations

import math
import statistics
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Literal

import anyio

Clock = Callable[[], float]
Wait = Callable[[float], Awaitable[None]]
# What a run is told: "auto" finds the pace, a number caps it, 0 means no pacing.
RateSetting = float | Literal["auto"]
AUTO: Literal["auto"] = "auto"

START_RATE = 50.0
# Slow start doubles the pace every window it judges clean, and judges sooner: a run of a
# few thousand labels against a fast server is over in seconds.
SLOW_START_GROWTH = 2.0
LIMITED_ABOVE = 1000.0
LIMITED_GROWTH = 1.5
SLOW_START_WINDOW_S = 0.1
WINDOW_S = 0.25
MIN_ANSWERS = 10
INCREASE = 0.02
PROBE_INCREASE = 0.1
DECREASE = 0.7
LATENCY_DECREASE = 0.9
LATENCY_RISE = 2.0
LATENCY_QUEUE = 4.0
LATENCY_SLACK_S = 0.05
# How long the minimum latency is remembered: a server that became slower for good
# becomes the new normal after this long.
BASE_LATENCY_S = 10.0
MIN_RATE = 1.0
# How early a request may leave before its slot: a caller that wakes late is made up for
# by the next ones, so the pace holds however the event loop wakes its sleepers, at the
# cost of a burst of at most this many seconds' worth of requests.
TOLERANCE_S = 0.02
# A pace is grown only while the pool sends at least 1/USE_HEADROOM of it, and to at most
# USE_HEADROOM times what it sends.
USE_HEADROOM = 2.0
# How many standard deviations of a window's 429 share count as more than the background.
SIGMAS = 2.5
# How fast the background share of 429s follows the windows that are not over it.
BACKGROUND_WEIGHT = 0.1
# From this background share on, a 429 is not ours and its Retry-After is its own.
BACKGROUND_SHARE = 0.01
# 429s are taken for random only while they are at most this share of the answers: a
# gateway refusing more than one request in five at random is not one to outpace.
MAX_BACKGROUND = 0.2
# What got through once a limit was found is measured over at least this long.
THROUGH_SPAN_S = 1.0


def check_rate(rate: object) -> RateSetting:
    """The rate a caller gave, or ValueError naming what is accepted."""
    if rate == "auto":
        return "auto"
    if isinstance(rate, str):
        try:
            rate = float(rate)
        except ValueError:
            raise ValueError(f"--rate {rate!r}: give auto, a number of requests/s, or 0") from None
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not rate >= 0:
        raise ValueError(f"--rate {rate!r}: give auto, a number of requests/s ≥ 0, or 0")
    return float(rate)


@dataclass(frozen=True, slots=True)
class Found:
    """What a run found out about a server's pace: once its 429s were seen to follow the
    rate (`limited`), how many requests a second got through from then on (at most the
    limit, and near it); else the most a window sent without more than the random 429s.

    (Not the most a window sent against a limit: a token bucket full after a pause lets
    a window through at several times its rate.)"""

    rate: float
    limited: bool


@dataclass(slots=True)
class _Window:
    """What happened since the pace was last judged."""

    start: float
    sent: int = 0
    answers: int = 0
    throttled: int = 0
    # Requests per second sent in the second before the window's first 429: what the
    # server saw.
    sent_before_429: float | None = None
    latencies: list[float] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.throttled / self.answers


@dataclass(frozen=True, slots=True)
class _Rates:
    """What one or more windows came to. Rates are per second of the whole stretch, pauses
    included: a pause the server asked for slows what gets through as much as what is sent."""

    elapsed: float
    sent: int
    answers: int
    throttled: int
    windows: int = 1
    # How many of the windows had a 429: random ones come in most, ours in bursts.
    windows_throttled: int = 0

    @classmethod
    def of(cls, window: _Window, now: float) -> _Rates:
        elapsed = max(now - window.start, 1e-3)
        counts = (window.sent, window.answers, window.throttled)
        return cls(elapsed, *counts, windows_throttled=int(window.throttled > 0))

    def __add__(self, other: _Rates) -> _Rates:
        return _Rates(
            self.elapsed + other.elapsed,
            self.sent + other.sent,
            self.answers + other.answers,
            self.throttled + other.throttled,
            self.windows + other.windows,
            self.windows_throttled + other.windows_throttled,
        )

    @property
    def sending(self) -> float:
        return self.sent / self.elapsed

    @property
    def accepted(self) -> float:
        """Answers per second that were not 429s."""
        return (self.answers - self.throttled) / self.elapsed

    @property
    def share(self) -> float:
        return self.throttled / self.answers


@dataclass(frozen=True, slots=True)
class _Cut:
    """A cut on 429s, checked over as many answers after it as before: do they follow?"""

    before: float
    slow_start: bool
    rates: _Rates
    after: _Rates | None = None


class Pace:
    """The pace rule: the rate to allow next, from what was sent and how it was answered.

    Pure bookkeeping on an injected clock, so any sender (an import, an export) can feed
    it: `sent` per request let through, `answered` per answer.
    """

    def __init__(
        self, rate: float, *, ceiling: float, slow_start: bool, clock: Clock, probing: bool = False
    ) -> None:
        self.rate = rate
        self.ceiling = ceiling
        self.slow_start = slow_start
        # Growing toward a remembered limit, until the first cut.
        self.probing = probing
        # The share of answers that are 429s whatever the rate.
        self.background = 0.0
        self._clock = clock
        self._window = _Window(clock())
        self._cut: _Cut | None = None
        self._started = False
        self._first_sent = 0.0
        # When the requests of the last second were sent.
        self._last_second: deque[float] = deque()
        self._queued = False
        # The last windows' measured rates: a latency cut starts from their median, not
        # from one window a busy machine may have slowed.
        self._measured: deque[float] = deque(maxlen=4)
        # (when, a window's median latency) for the recent minimum.
        self._latencies: deque[tuple[float, float]] = deque()
        # The most a window under the background share of 429s sent; and from when a cut
        # on 429s held, how many answers got through until the last one.
        self._peak = 0.0
        self._limited_from: float | None = None
        self._through = 0
        self._last_answer = 0.0

    @classmethod
    def for_setting(
        cls, rate: RateSetting, clock: Clock, found: Found | None = None
    ) -> Pace | None:
        """The pace a setting asks for, `auto` starting from what an earlier run `found`;
        None for 0 (no pacing)."""
        if rate != "auto":
            return cls(rate, ceiling=rate, slow_start=False, clock=clock) if rate > 0 else None
        if found is None:
            return cls(START_RATE, ceiling=math.inf, slow_start=True, clock=clock)
        if found.limited:
            start = max(MIN_RATE, found.rate)
            return cls(start, ceiling=math.inf, slow_start=False, clock=clock, probing=True)
        return cls(max(START_RATE, found.rate / 2), ceiling=math.inf, slow_start=True, clock=clock)

    @property
    def found(self) -> Found | None:
        """What this pace found, for the next run to start from; None before any window."""
        if self._limited_from is None:
            return Found(self._peak, limited=False) if self._peak > 0 else None
        span = self._last_answer - self._limited_from
        return Found(self._through / span if span >= THROUGH_SPAN_S else self.rate, limited=True)

    def sent(self) -> None:
        now = self._clock()
        if not self._started:
            # The first window starts with the first request, not when the run was set up.
            self._started = True
            self._first_sent = now
            self._window = _Window(now)
        self._window.sent += 1
        self._last_second.append(now)
        self._sent_in_last_second(now)

    @property
    def background_429s(self) -> bool:
        """Whether 429s come whatever the rate (see `RateGate.answered`)."""
        return self.background >= BACKGROUND_SHARE

    def answered(self, *, throttled: bool, latency: float | None) -> None:
        """One answer: a 429 or not, and how long a real answer took (None: no answer)."""
        window, now = self._window, self._clock()
        window.answers += 1
        window.throttled += throttled
        if self._limited_from is not None and not throttled:
            self._through += 1
            self._last_answer = now
        if throttled and window.sent_before_429 is None:
            window.sent_before_429 = self._sending_rate(now)
        if latency is not None:
            window.latencies.append(latency)
        least = SLOW_START_WINDOW_S if self.slow_start else WINDOW_S
        if now - window.start >= least and window.answers >= MIN_ANSWERS:
            self._judge(window, now)
            self._window = _Window(now)

    def _sent_in_last_second(self, now: float) -> int:
        recent, since = self._last_second, now - 1.0
        while recent and recent[0] <= since:
            recent.popleft()
        return len(recent)

    def _sending_rate(self, now: float) -> float:
        """Requests per second over the last second, or over less in a run's first second."""
        return self._sent_in_last_second(now) / max(0.05, min(1.0, now - self._first_sent))

    def _judge(self, window: _Window, now: float) -> None:
        rates = _Rates.of(window, now)
        if self._cut is not None:
            self._check_cut(self._cut, rates, window.sent_before_429)
            return
        if self._over_background(rates):
            self._cut_for(rates, window.sent_before_429 or rates.sending)
            return
        self.background += BACKGROUND_WEIGHT * (rates.share - self.background)
        self.background = min(self.background, MAX_BACKGROUND)
        self._measured.append(rates.sending)
        self._peak = max(self._peak, rates.sending)
        rise = self._latency_rise(window, now)
        if rise == "queue" and not self._queued:
            self._lower(LATENCY_DECREASE * statistics.median(self._measured))
        self._queued = rise == "queue"
        if rise == "flat":
            self._grow(now - window.start, rates.sending)

    def _over_background(self, rates: _Rates) -> bool:
        base, answers = self.background, rates.answers
        margin = SIGMAS * math.sqrt(base * (1 - base) / answers) + 0.5 / answers
        return rates.share > base + margin

    def _cut_for(self, rates: _Rates, sending: float, since: _Cut | None = None) -> None:
        """Cut on 429s, from what was sent in the second before them (at most the pace:
        more goes out only in the gate's small bursts). A cut that follows another keeps
        the first one's starting point, so that undoing them undoes them all."""
        start = (self.rate, self.slow_start) if since is None else (since.before, since.slow_start)
        self._lower(DECREASE * min(sending, self.rate))
        self._cut = _Cut(*start, rates)

    def _check_cut(self, cut: _Cut, rates: _Rates, sent_before_429: float | None) -> None:
        """Once as many answers came after a cut as before it: keep it (and cut again if
        429s still come), or undo it if the 429s did not follow the rate."""
        after = rates if cut.after is None else cut.after + rates
        # Enough answers that none of them a 429 would be unlikely (under 5%) if the 429s
        # came at random at the share they had before the cut.
        needed = cut.rates.answers
        if cut.rates.throttled:
            needed = max(needed, math.ceil(3 / cut.rates.share))
        if after.answers < needed:
            self._cut = replace(cut, after=after)
            return
        self._cut = None
        if _follow_rate(cut.rates, after):
            if self._over_background(rates):
                self._cut_for(rates, sent_before_429 or rates.sending, since=cut)
            elif self._limited_from is None:
                self._limited_from = self._clock()
            return
        pooled = (cut.rates + after).share
        if pooled > MAX_BACKGROUND:
            # Not random, whatever the rates say: try lower still, judged over what came
            # since the cut.
            self._cut_for(after, sent_before_429 or after.sending, since=cut)
            return
        self.background = pooled
        self.rate = max(self.rate, cut.before)
        self.slow_start = cut.slow_start

    def _lower(self, rate: float) -> None:
        self.rate = max(MIN_RATE, min(self.rate, rate))
        self.slow_start = self.probing = False

    def _latency_rise(self, window: _Window, now: float) -> Literal["flat", "rising", "queue"]:
        """How the window's median latency compares with the recent minimum."""
        if not window.latencies:
            return "flat"
        median = statistics.median(window.latencies)
        recent = self._latencies
        while recent and now - recent[0][0] > BASE_LATENCY_S:
            recent.popleft()
        base = min((latency for _, latency in recent), default=median)
        recent.append((now, median))
        if median > base * LATENCY_QUEUE + 2 * LATENCY_SLACK_S:
            return "queue"
        return "rising" if median > base * LATENCY_RISE + LATENCY_SLACK_S else "flat"

    def _grow(self, elapsed: float, measured: float) -> None:
        if measured * USE_HEADROOM < self.rate:
            return
        if not self.slow_start:
            factor = 1.0 + (PROBE_INCREASE if self.probing else INCREASE) * elapsed
        else:
            factor = SLOW_START_GROWTH if self.rate < LIMITED_ABOVE else LIMITED_GROWTH
        grown = min(self.ceiling, self.rate * factor, measured * USE_HEADROOM)
        self.rate = max(self.rate, grown)


def _follow_rate(before: _Rates, after: _Rates) -> bool:
    """Whether 429s seen before and after a cut follow the sending rate.

    They do when none came after (over enough answers, see `_check_cut`) or only in a
    burst (in fewer than half the windows after the cut), when the share of 429s moved
    clearly (down: the cut helped; up: the limit is lower still), or when as many
    requests per second got through at the lower rate (a limit far below both rates
    answers nearly all 429s either way). Random 429s keep their share in window after
    window, and what gets through falls with the rate.
    """
    if 2 * after.windows_throttled < after.windows:
        return True
    answers = before.answers + after.answers
    pooled = (before.throttled + after.throttled) / answers
    spread = SIGMAS * math.sqrt(pooled * (1 - pooled) * (1 / before.answers + 1 / after.answers))
    if abs(after.share - before.share) > spread:
        return True
    slowed = after.sending / max(before.sending, 1e-9)
    return after.accepted >= before.accepted * (1 + slowed) / 2


class RateGate:
    """Lets requests through at the pace of `rate` (see `RateSetting`) and pauses them all
    when the server asks.

    `clock` and `wait` are injected so tests can drive time by hand (the default clock is
    the one asyncio's timers use, and cheaper to call than `anyio.current_time`); a
    run passes a `wait` that returns early when the run is told to stop, and
    `stopping` so a waiting caller then leaves at once (the caller checks the stop itself
    before sending).
    """

    def __init__(
        self,
        rate: RateSetting,
        *,
        clock: Clock = time.monotonic,
        wait: Wait = anyio.sleep,
        stopping: Callable[[], bool] = lambda: False,
        found: Found | None = None,
    ) -> None:
        self.pace = Pace.for_setting(rate, clock, found)
        self._clock = clock
        self._wait = wait
        self._stopping = stopping
        # Told of every pause as it starts, so a long one can be shown while it lasts.
        self.on_pause: Callable[[float], None] | None = None
        self._turn = anyio.Lock()
        self._next = 0.0
        self.paused_until = 0.0
        # Requests that may still go without waiting for a slot (see the module's reasons).
        self._first_window = MIN_ANSWERS if self.pace is not None and self.pace.slow_start else 0
        ceiling = self.pace.ceiling if self.pace is not None else math.inf
        # When the last `ceiling` requests left: the hard one-second bound of a fixed rate.
        self._recent: deque[float] | None = (
            deque(maxlen=max(1, math.ceil(ceiling))) if math.isfinite(ceiling) else None
        )

    @property
    def rate(self) -> float:
        """Requests per second allowed now; 0 when there is no pacing."""
        return 0.0 if self.pace is None else self.pace.rate

    @property
    def waiting(self) -> bool:
        """Whether every request now waits because the server asked (Retry-After)."""
        return self.paused_until > self._clock()

    async def acquire(self) -> None:
        """Return when the caller may send one request."""
        if self.pace is None:
            await self._through_pause()
            return
        async with self._turn:
            while (wait := self._wait_s(now := self._clock())) > 0:
                await self._wait(wait)
                if self._stopping():
                    return
            if self._first_window:
                self._first_window -= 1
            else:
                self._next = max(self._next, now) + 1.0 / self.rate
            if self._recent is not None:
                self._recent.append(now)
            self.pace.sent()

    async def _through_pause(self) -> None:
        while (wait := self.paused_until - self._clock()) > 0:
            await self._wait(wait)
            if self._stopping():
                return

    def _wait_s(self, now: float) -> float:
        """How long until the next request may leave: its slot, a pause, or the log."""
        wait = max(self._next - TOLERANCE_S, self.paused_until) - now
        recent = self._recent
        if recent is not None and len(recent) == recent.maxlen:
            wait = max(wait, recent[0] + 1.0 - now)
        return wait

    def pause(self, seconds: float) -> None:
        """Hold every caller for `seconds` (a `Retry-After` applies to the whole pool)."""
        now = self._clock()
        until = now + seconds
        if until <= self.paused_until:
            return
        self.paused_until = until
        self._next = max(self._next, until)
        if self.on_pause is not None:
            self.on_pause(seconds)

    def pauses_pool(self, *, throttled: bool) -> bool:
        """Whether an answer's `Retry-After` holds the whole pool, or only its request.

        The whole pool, unless it is a 429 and the pace has seen that 429s come whatever
        the rate: pausing every request for each of those would slow the run to the pace
        of a gateway's random refusals, though the pace the server takes is known.
        """
        return not throttled or self.pace is None or not self.pace.background_429s

    def answered(self, *, throttled: bool, latency: float | None) -> None:
        """Tell the pace how a request was answered (see `Pace.answered`)."""
        if self.pace is not None:
            self.pace.answered(throttled=throttled, latency=latency)
