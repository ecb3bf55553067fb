"""`send_with_retries` with scripted answers: the budget, the stop, Retry-After, 429s and
whether any attempt may have acted. Waits are zero or on a hand-driven clock."""

from __future__ import annotations

import random
from collections.abc import Callable

import anyio
import anyio.lowlevel
import pytest

from pipeline.send.answers import Answer
from pipeline.send.breaker import Breaker
from pipeline.send.rate import RateGate
from pipeline.send.retry import Attempted, RetryPolicy, Sending, SendStats, send_with_retries
from pipeline.send.stop import Stop
from tests.send.clock import FakeTime

OK = Answer("ok", 200, "", {"result": {"id": "abc"}})
EXISTS = Answer("exists", 400, "already exists")
BAD = Answer("permanent", 400, "bad")
BUSY = Answer("transient", 503, "busy")
THROTTLED = Answer("transient", 429, "slow down")
REFUSED = Answer("transient", None, "ClientConnectorError")
LOST = Answer("ambiguous", None, "ServerDisconnectedError")
NO_WAITS = RetryPolicy(max_retries=6, base=0.0, cap=0.0, retry_after_cap=0.0)
NO_RETRY_LIMIT = RetryPolicy(max_retries=100, base=0.0, cap=0.0, retry_after_cap=0.0)


class Script:
    """A fake `send`: answers in order, the last one for ever after."""

    def __init__(self, *answers: Answer, then: Callable[[int], None] = lambda sent: None) -> None:
        self.answers = list(answers)
        self.sent = 0
        self.then = then

    async def __call__(self) -> Answer:
        answer = self.answers[min(self.sent, len(self.answers) - 1)]
        self.sent += 1
        self.then(self.sent)
        return answer


def sending(
    policy: RetryPolicy = NO_WAITS, gate: RateGate | None = None, stop: Stop | None = None
) -> Sending:
    return Sending(gate or RateGate(0), stop or Stop(), policy, SendStats(), random.Random(0))


async def test_a_first_answer_that_is_not_retried_ends_at_once() -> None:
    for answer in (OK, EXISTS, BAD):
        run = sending()
        done = await send_with_retries(Script(answer), run)
        assert (done.answer, done.attempts, done.may_have_acted) == (answer, 1, False)
        assert (run.stats.requests, run.stats.retries) == (1, 0)
        assert run.stats.first_sent is not None and run.stats.last_answer is not None


async def test_retryable_answers_are_retried_until_a_final_one() -> None:
    run = sending()
    done = await send_with_retries(Script(BUSY, BUSY, BUSY, OK), run)
    assert (done.answer, done.attempts) == (OK, 4)
    assert (run.stats.requests, run.stats.retries) == (4, 3)


@pytest.mark.parametrize("budget", [0, 1, 3])
async def test_retries_stop_at_the_budget_with_the_last_answer(budget: int) -> None:
    run = sending(RetryPolicy(max_retries=budget, base=0.0, cap=0.0))
    script = Script(BUSY)
    done = await send_with_retries(script, run)
    assert (done.answer, done.attempts, script.sent) == (BUSY, budget + 1, budget + 1)
    assert (run.stats.requests, run.stats.retries) == (budget + 1, budget)


async def test_nothing_is_sent_once_the_run_has_stopped() -> None:
    stop = Stop()
    stop.request("interrupted")
    script = Script(OK)
    done = await send_with_retries(script, sending(stop=stop))
    assert (done.answer, done.attempts, done.may_have_acted, script.sent) == (None, 0, False, 0)


async def test_a_stop_between_attempts_ends_the_retries_and_keeps_what_was_learnt() -> None:
    stop = Stop()
    script = Script(LOST, then=lambda sent: stop.request("fatal", "keys revoked"))
    done = await send_with_retries(script, sending(stop=stop))
    assert (done.answer, done.attempts, done.may_have_acted, script.sent) == (None, 1, True, 1)


async def test_a_stop_wakes_a_retry_that_is_backing_off() -> None:
    stop = Stop()
    run = sending(RetryPolicy(max_retries=6, base=3600.0, cap=3600.0), stop=stop)
    script = Script(BUSY)
    ended: list[Attempted] = []

    async def send() -> None:
        ended.append(await send_with_retries(script, run))

    with anyio.fail_after(5):
        async with anyio.create_task_group() as group:
            group.start_soon(send)
            while not script.sent:
                await anyio.lowlevel.checkpoint()
            stop.request("interrupted")
    assert [(done.answer, done.attempts) for done in ended] == [(None, 1)]


async def test_retry_after_pauses_the_whole_gate_capped_by_the_policy() -> None:
    time = FakeTime()
    gate = RateGate(0, clock=time.clock, wait=time.wait)
    delayed = Answer("transient", 503, "busy", retry_after=30.0)
    policy = RetryPolicy(max_retries=6, base=0.0, cap=0.0, retry_after_cap=2.5)
    done = await send_with_retries(Script(delayed, OK), sending(policy, gate=gate))
    assert (done.answer, done.attempts) == (OK, 2)
    assert time.now == 2.5  # the second attempt waited at the gate, not in a backoff
    await gate.acquire()
    assert time.now == 2.5  # and the pause is over for everyone


async def test_every_answer_reaches_the_pace_429s_slow_it_5xx_do_not() -> None:
    time = FakeTime()
    gate = RateGate(100, clock=time.clock, wait=time.wait)
    done = await send_with_retries(Script(*[THROTTLED] * 40, OK), sending(gate=gate))
    assert done.answer == OK
    assert gate.rate < 90  # cut to DECREASE of what was sent, a little over 100/s
    untouched = RateGate(100, clock=time.clock, wait=time.wait)
    await send_with_retries(Script(*[BUSY] * 40, OK), sending(NO_RETRY_LIMIT, gate=untouched))
    assert untouched.rate == 100


@pytest.mark.parametrize(
    ("answers", "acted"),
    [
        ((THROTTLED, REFUSED, OK), False),  # neither a 429 nor a refusal reached the work
        ((THROTTLED, REFUSED, EXISTS), False),
        ((LOST, EXISTS), True),  # our own lost create met by the uniqueness rule
        ((BUSY, THROTTLED, EXISTS), True),  # a 5xx can come after the work was done
        ((LOST, REFUSED, REFUSED), True),  # out of retries: what was learnt is kept
    ],
)
async def test_whether_any_attempt_may_have_acted_is_carried_to_the_end(
    answers: tuple[Answer, ...], acted: bool
) -> None:
    run = sending(RetryPolicy(max_retries=2, base=0.0, cap=0.0))
    done = await send_with_retries(Script(*answers), run)
    assert (done.answer, done.may_have_acted) == (answers[-1], acted)


async def test_429s_do_not_spend_the_retries() -> None:
    run = sending(RetryPolicy(max_retries=0, base=0.0, cap=0.0, retry_after_cap=0.0))
    done = await send_with_retries(Script(*[THROTTLED] * 10, OK), run)
    assert (done.answer, done.attempts) == (OK, 11)


async def test_being_throttled_spends_the_wait_budget_before_a_pause_would_pass_it() -> None:
    time = FakeTime()
    gate = RateGate(0, clock=time.clock, wait=time.wait)
    throttled = Answer("transient", 429, "slow down", retry_after=30.0)
    policy = RetryPolicy(max_retries=0, max_wait=100.0, base=0.0, cap=0.0)
    run = Sending(gate, Stop(), policy, SendStats(), random.Random(0), clock=time.clock)
    done = await send_with_retries(Script(throttled), run)
    assert (done.answer, done.attempts, time.now) == (throttled, 4, 90.0)
    assert done.spent == (
        "after 4 attempts, throttled (429) for 90s: the --max-wait budget of 100s ran out"
    )


async def test_a_streak_of_requests_without_any_answer_stops_the_run() -> None:
    run = sending(RetryPolicy(max_retries=100, base=0.0, cap=0.0))
    script = Script(REFUSED)
    done = await send_with_retries(script, run)
    assert (done.answer, script.sent) == (None, run.breaker.limit)
    assert run.stop.reason == "unreachable"
    assert run.stop.message.startswith("no answer from the server to 40 requests in a row")


async def test_any_answer_breaks_the_streak() -> None:
    run = sending(RetryPolicy(max_retries=100, base=0.0, cap=0.0))
    short = [REFUSED] * (run.breaker.limit - 1)
    answers = [*short, BUSY, *short, OK]
    done = await send_with_retries(Script(*answers), run)
    assert (done.answer, run.stop.reason) == (OK, None)


def test_the_streak_grows_with_the_concurrency() -> None:
    assert (Breaker(1).limit, Breaker(8).limit, Breaker(32).limit) == (20, 40, 160)
