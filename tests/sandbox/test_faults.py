"""The fault dials inject what they say, at the rates they say, reproducibly for a seed."""

from __future__ import annotations

import time
from collections import Counter

import aiohttp
import pytest

from pipeline.sandbox import Organisation, SandboxConfig, SandboxHandle
from pipeline.sandbox.faults import Fate, Faults, TokenBucket
from tests.conftest import SandboxFactory
from tests.sandbox_api import LABELS, api_for


async def _statuses(handle: SandboxHandle, count: int, *, create: bool) -> list[int | str]:
    """Send `count` requests one after another on fresh connections; 'dropped' for no answer."""
    headers = {"X-Api-Key": handle.api_key, "X-Secret-Key": handle.secret_key}
    seen: list[int | str] = []
    # A fresh connection per request: aiohttp would silently retry an idempotent GET on a
    # connection that was closed under it, which would hide drops from the count.
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
        for i in range(count):
            try:
                if create:
                    call = session.post(
                        handle.url + LABELS, json={"name": f"L{i}", "type": "thumbs_up_down"}
                    )
                else:
                    call = session.get(handle.url + LABELS)
                async with call as resp:
                    await resp.read()
                    seen.append(resp.status)
            except aiohttp.ServerDisconnectedError:
                seen.append("dropped")
    return seen


async def test_error_rate_answers_all_four_server_errors(sandbox_factory: SandboxFactory) -> None:
    handle = await sandbox_factory(error_rate=0.3, seed=7)
    statuses = await _statuses(handle, 600, create=False)
    errors = [s for s in statuses if s != 200]
    assert 0.25 <= len(errors) / len(statuses) <= 0.35
    assert set(errors) == {500, 502, 503, 504}
    stats = await handle.stats()
    assert stats["requests"] == 600
    assert sum(stats["by_status"].values()) == 600


async def test_proxy_errors_are_html_and_app_errors_are_envelopes(
    sandbox_factory: SandboxFactory,
) -> None:
    handle = await sandbox_factory(error_rate=1.0, seed=3)
    bodies: dict[int, tuple[str, str]] = {}
    async with api_for(handle) as api:
        for _ in range(60):
            answer = await api.list()
            bodies[answer.status] = (answer.headers["Content-Type"], answer.text)
    assert set(bodies) == {500, 502, 503, 504}
    for status in (502, 504):
        content_type, text = bodies[status]
        assert content_type.startswith("text/html") and text.startswith("<html>")
    for status, kind in ((500, "server_error"), (503, "service_unavailable")):
        content_type, text = bodies[status]
        assert content_type.startswith("application/json")
        assert f'"type":"{kind}"' in text


async def test_a_seed_replays_the_same_faults(sandbox_factory: SandboxFactory) -> None:
    dials = {"error_rate": 0.2, "drop_rate": 0.1, "ambiguous_rate": 0.1, "seed": 42}
    first = await _statuses(await sandbox_factory(**dials), 120, create=True)
    second = await _statuses(await sandbox_factory(**dials), 120, create=True)
    assert first == second
    third = await _statuses(await sandbox_factory(**{**dials, "seed": 43}), 120, create=True)
    assert first != third


async def test_drops_store_nothing_and_ambiguous_answers_store_the_label(
    sandbox_factory: SandboxFactory,
) -> None:
    dropping = await sandbox_factory(drop_rate=0.2, seed=1)
    statuses = await _statuses(dropping, 400, create=True)
    dropped = statuses.count("dropped")
    assert 0.15 <= dropped / 400 <= 0.25
    stats = await dropping.stats()
    assert stats["labels"] == statuses.count(200) == 400 - dropped
    assert stats["by_status"]["dropped"] == dropped

    ambiguous = await sandbox_factory(ambiguous_rate=0.2, seed=1)
    statuses = await _statuses(ambiguous, 400, create=True)
    lost = statuses.count("dropped")
    assert 0.15 <= lost / 400 <= 0.25
    assert (await ambiguous.stats())["labels"] == 400


async def test_rate_limit_answers_429_with_retry_after_per_organisation(
    sandbox_factory: SandboxFactory,
) -> None:
    handle = await sandbox_factory(
        rate_limit=10, orgs=(Organisation("a", "sa"), Organisation("b", "sb"))
    )
    async with api_for(handle, "a", "sa") as a, api_for(handle, "b", "sb") as b:
        statuses: Counter[int] = Counter()
        throttled = None
        for _ in range(30):
            answer = await a.list()
            statuses[answer.status] += 1
            if answer.status == 429:
                throttled = answer
        assert statuses[429] >= 19 and statuses[200] <= 11
        assert throttled is not None
        assert int(throttled.headers["Retry-After"]) >= 1
        assert throttled.body["type"] == "rate_limit"
        assert throttled.body["code"] == "throttled"
        assert (await b.list()).status == 200


def test_token_bucket_refills_at_its_rate() -> None:
    now = [0.0]
    bucket = TokenBucket(5, clock=lambda: now[0])
    assert [bucket.take() for _ in range(5)] == [0.0] * 5
    assert bucket.take() == pytest.approx(0.2)
    now[0] += 0.2
    assert bucket.take() == 0.0
    now[0] += 10
    assert [bucket.take() for _ in range(5)] == [0.0] * 5
    assert bucket.take() > 0


def test_a_scheduled_limit_changes_mid_run() -> None:
    now = [0.0]
    bucket = TokenBucket(10, clock=lambda: now[0], schedule=((5.0, 2), (8.0, 0)))
    now[0] = 4.9
    assert [bucket.take() for _ in range(10)] == [0.0] * 10
    now[0] = 5.0  # down to two a second: the bucket is as empty as it was
    assert bucket.take() == pytest.approx(0.5 - 0.1 * 2 / 2, abs=0.05)
    now[0] = 7.0  # and holds two at most
    assert [bucket.take() for _ in range(2)] == [0.0] * 2
    assert bucket.take() == pytest.approx(0.5)
    now[0] = 8.0  # no limit from here on
    assert [bucket.take() for _ in range(100)] == [0.0] * 100


async def test_a_rate_limit_schedule_starts_with_the_first_request(
    sandbox_factory: SandboxFactory,
) -> None:
    handle = await sandbox_factory(rate_limit_schedule=((0.0, 3),))
    async with api_for(handle, "demo-key", "demo-secret") as client:
        statuses = Counter([(await client.list()).status for _ in range(6)])
    assert statuses == {200: 3, 429: 3}


def test_a_negative_schedule_is_refused() -> None:
    with pytest.raises(ValueError, match="rate_limit_schedule"):
        SandboxConfig(rate_limit_schedule=((1.0, -5),))


async def test_latency_and_jitter_delay_every_answer(sandbox_factory: SandboxFactory) -> None:
    handle = await sandbox_factory(latency_ms=80, jitter_ms=40, seed=5)
    async with api_for(handle) as api:
        durations = []
        for _ in range(5):
            start = time.perf_counter()
            await api.list()
            durations.append(time.perf_counter() - start)
    assert min(durations) >= 0.08
    assert max(durations) < 0.5


async def test_unauthenticated_requests_are_not_throttled_or_faulted_into_labels(
    sandbox_factory: SandboxFactory,
) -> None:
    handle = await sandbox_factory(rate_limit=1)
    async with api_for(handle, "demo-key", "bad") as api:
        statuses = {(await api.list()).status for _ in range(5)}
    assert statuses == {401}


def test_an_existing_seed_keeps_its_pattern() -> None:
    """Pinned before the throttle dial was added: a dial that is off draws nothing."""
    faults = Faults(
        SandboxConfig(error_rate=0.2, drop_rate=0.1, ambiguous_rate=0.1, jitter_ms=5, seed=42)
    )
    seen = []
    for _ in range(24):
        faults.delay_s()
        fate, status = faults.fate()
        seen.append(str(status) if fate is Fate.ERROR else fate.value[0])
    assert " ".join(seen) == ("503 500 d 502 s s s s s s s 500 a 503 s a s s d a s s s s")


async def test_throttle_rate_answers_its_share_429_at_any_sending_rate(
    sandbox_factory: SandboxFactory,
) -> None:
    handle = await sandbox_factory(throttle_rate=0.3, seed=7)
    async with api_for(handle) as api:
        answers = [await api.create(name=f"L{i}", type="thumbs_up_down") for i in range(400)]
    throttled = [a for a in answers if a.status == 429]
    assert 0.25 <= len(throttled) / 400 <= 0.35
    assert {a.status for a in answers} == {200, 429}
    for answer in throttled:
        assert answer.headers["Retry-After"] == "1"
        assert (answer.body["type"], answer.body["code"]) == ("rate_limit", "throttled")
    # A throttled request never reaches the service: nothing is stored for it.
    assert (await handle.stats())["labels"] == 400 - len(throttled)


async def test_throttle_retry_after_is_configurable(sandbox_factory: SandboxFactory) -> None:
    handle = await sandbox_factory(throttle_rate=1.0, throttle_retry_after=7)
    async with api_for(handle) as api:
        answer = await api.list()
    assert answer.status == 429 and answer.headers["Retry-After"] == "7"
    assert answer.body["message"] == "Request was throttled. Expected available in 7 seconds."


async def test_throttling_takes_its_share_on_top_of_the_other_faults_reproducibly(
    sandbox_factory: SandboxFactory,
) -> None:
    dials = {"error_rate": 0.1, "drop_rate": 0.05, "ambiguous_rate": 0.05, "throttle_rate": 0.1}
    first = await _statuses(await sandbox_factory(**dials, seed=42), 600, create=True)
    second = await _statuses(await sandbox_factory(**dials, seed=42), 600, create=True)
    assert first == second
    assert 0.07 <= first.count(429) / 600 <= 0.13
    assert {500, 502, 503, 504, 429, 200, "dropped"} == set(first)


@pytest.mark.parametrize(
    "dials", [{"throttle_rate": 1.5}, {"throttle_rate": -0.1}, {"throttle_retry_after": -1}]
)
def test_throttle_dials_out_of_range_are_refused(dials: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="throttle"):
        SandboxConfig(**dials)  # type: ignore[arg-type]
