"""Retrying one request: how many times, how long each wait, and how the attempts ended.

What is retried is the answer's to say (`Answer.retryable`, answers.py); this module
decides how many times and how long to wait between attempts (full-jitter backoff, or the
server's `Retry-After`, a pool-wide pause unless rate.py says the 429s are not ours).
Two budgets end a request's retries: 5xx and network faults spend `max_retries`; a 429
is the server asking for time, not a failure, so being throttled spends only `max_wait`
seconds, however many 429s that takes.

Tests shorten every wait with `shortened_waits` (as stamina's testing mode does) instead of
passing a policy through the public API: the retry logic under test stays the real one,
only the sleeping is taken out.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from pipeline.send.breaker import Breaker

if TYPE_CHECKING:
    from pipeline.send.answers import Answer
    from pipeline.send.rate import RateGate
    from pipeline.send.stop import Stop


# Ten minutes: longer than the usual rate-limit window (a minute; an hourly quota is
# rarer), short enough that a scheduled run does not hang on a server that throttles for ever.
MAX_WAIT_S = 600.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many retries a request gets and how long each waits."""

    max_retries: int = 6
    max_wait: float = MAX_WAIT_S
    base: float = 0.5
    cap: float = 30.0
    retry_after_cap: float = 120.0

    def backoff(self, retry: int, rng: random.Random) -> float:
        """Full jitter: uniform over [0, min(cap, base * 2**retry)) spreads a herd best."""
        return rng.uniform(0.0, min(self.cap, self.base * 2**retry))


_WAITS: ContextVar[RetryPolicy | None] = ContextVar("label_import_waits", default=None)


def policy_for(max_retries: int, max_wait: float = MAX_WAIT_S) -> RetryPolicy:
    """The policy a run uses: its budgets, with the waits of `shortened_waits` if active."""
    return replace(_WAITS.get() or RetryPolicy(), max_retries=max_retries, max_wait=max_wait)


@contextmanager
def shortened_waits(
    *, base: float = 0.001, cap: float = 0.01, retry_after_cap: float = 0.002
) -> Iterator[None]:
    """For tests: every run started inside the block waits at most these few seconds."""
    token = _WAITS.set(RetryPolicy(base=base, cap=cap, retry_after_cap=retry_after_cap))
    try:
        yield
    finally:
        _WAITS.reset(token)


@dataclass(slots=True)
class SendStats:
    """What the run's requests added up to, for the summary."""

    requests: int = 0
    retries: int = 0
    # When the first request left and the last answer came back: the sending time.
    first_sent: float | None = None
    last_answer: float | None = None

    @property
    def sending_s(self) -> float:
        if self.first_sent is None or self.last_answer is None:
            return 0.0
        return self.last_answer - self.first_sent


@dataclass(frozen=True, slots=True)
class Sending:
    """What every request of one run shares: the gate, the stop, the policy, the counts."""

    gate: RateGate
    stop: Stop
    policy: RetryPolicy
    stats: SendStats = field(default_factory=SendStats)
    rng: random.Random = field(default_factory=random.Random)
    breaker: Breaker = field(default_factory=Breaker)
    clock: Callable[[], float] = time.monotonic


@dataclass(frozen=True, slots=True)
class Attempted:
    """How a request with retries ended; `answer` is None when the run stopped first."""

    answer: Answer | None
    attempts: int
    # Whether any attempt may have been carried out, so the label may exist.
    may_have_acted: bool
    # Which budget ran out when the last answer is still retryable, in words.
    spent: str = ""


async def send_with_retries(send: Callable[[], Awaitable[Answer]], sending: Sending) -> Attempted:
    """Send through the gate, retrying what the answer says is retryable, per the policy."""
    gate, stop, stats = sending.gate, sending.stop, sending.stats
    budget = _Budget(sending)
    acted = False
    while True:
        await gate.acquire()
        if stop.requested:
            return Attempted(None, budget.attempts, acted)
        budget.attempts += 1
        stats.requests += 1
        sent = time.monotonic()
        if stats.first_sent is None:
            stats.first_sent = sent
        answer = await send()
        stats.last_answer = time.monotonic()
        # Only an answer the server worked on says how long its queue is.
        worked = not answer.retryable and answer.kind != "fatal"
        gate.answered(
            throttled=answer.throttled, latency=stats.last_answer - sent if worked else None
        )
        if sending.breaker.opens(answer):
            stop.request("unreachable", sending.breaker.message(answer))
        if not answer.retryable:
            return Attempted(answer, budget.attempts, acted)
        acted = acted or answer.may_have_acted
        spent = budget.spend(answer)
        if spent:
            return Attempted(answer, budget.attempts, acted, spent)
        stats.retries += 1
        await _before_retry(answer, budget.attempts, sending)


class _Budget:
    """What one request's retries have spent: faults against `max_retries`, time
    throttled against `max_wait`."""

    def __init__(self, sending: Sending) -> None:
        self.attempts = 0
        self._policy = sending.policy
        self._clock = sending.clock
        self._faults = 0
        self._throttled_since: float | None = None

    def spend(self, answer: Answer) -> str:
        """Charge a retryable answer; what ran out, in words, or "" to retry."""
        policy = self._policy
        if not answer.throttled:
            self._faults += 1
            return f"after {self.attempts} attempts" if self._faults > policy.max_retries else ""
        now = self._clock()
        since = now if self._throttled_since is None else self._throttled_since
        self._throttled_since = since
        pause = min(answer.retry_after or 0.0, policy.retry_after_cap)
        if now - since + pause <= policy.max_wait:
            return ""
        return (
            f"after {self.attempts} attempts, throttled (429) for {now - since:.0f}s: "
            f"the --max-wait budget of {policy.max_wait:g}s ran out"
        )


async def _before_retry(answer: Answer, attempts: int, sending: Sending) -> None:
    """Honour the server's `Retry-After` (as a pause of the whole pool unless the gate
    says it is this request's alone), else back off alone."""
    policy = sending.policy
    if answer.retry_after is None:
        await sending.stop.wait(policy.backoff(attempts - 1, sending.rng))
        return
    wait = min(answer.retry_after, policy.retry_after_cap)
    if sending.gate.pauses_pool(throttled=answer.throttled):
        sending.gate.pause(wait)
    else:
        await sending.stop.wait(wait)
