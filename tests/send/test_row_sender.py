"""`RowSender` against real sandboxes over TCP: every way one row can be settled, with
retry waits of zero (or long ones that only a stop ends)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio
import pytest

from pipeline.labels import LabelSpec
from pipeline.plan import Job, OnExisting, index_labels, plan
from pipeline.rows import CheckedRow, RawRow, RowOutcome
from pipeline.sandbox import SandboxHandle
from pipeline.send.client import LabelsClient
from pipeline.send.rate import RateGate
from pipeline.send.retry import RetryPolicy, Sending
from pipeline.send.row_sender import RowSender
from pipeline.send.stop import Stop
from tests.conftest import SandboxFactory
from tests.import_helpers import proxy, server_labels

NO_WAITS = RetryPolicy(max_retries=6, base=0.0, cap=0.0, retry_after_cap=0.0)


def star(name: str, description: str | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "type": "star",
        "settings": {"no_of_stars": 5},
        "description": description,
    }


@dataclass
class Settled:
    outcomes: list[RowOutcome]
    stop: Stop
    finished: list[int] = field(default_factory=list)


async def settle(
    box: SandboxHandle,
    labels: Sequence[dict[str, Any]],
    *,
    url: str | None = None,
    existing: Sequence[dict[str, Any]] = (),
    on_existing: OnExisting | None = "skip",
    max_failures: int | None = None,
    policy: RetryPolicy = NO_WAITS,
    secret: str | None = None,
    stop: Stop | None = None,
) -> Settled:
    """Plan `labels` against `existing` and settle every job in turn through one RowSender."""
    rows = [
        CheckedRow(RawRow(row, None, {}), LabelSpec.parse(label), [])
        for row, label in enumerate(labels, start=2)
    ]
    outcomes, jobs = plan(rows, index_labels(existing), on_existing=on_existing, journal={})
    settled = Settled(outcomes, stop or Stop())

    def finished(job: Job, outcome: RowOutcome) -> None:
        settled.finished.append(outcome.row)

    sending = Sending(RateGate(0), settled.stop, policy)
    async with LabelsClient(url or box.url, box.api_key, secret or box.secret_key) as client:
        sender = RowSender(
            client,
            sending,
            outcomes,
            on_existing=on_existing,
            finished=finished,
            max_failures=max_failures,
        )
        for job in jobs:
            await sender.settle(job)
    return settled


async def create_on_server(box: SandboxHandle, label: dict[str, Any]) -> dict[str, Any]:
    async with LabelsClient(box.url, box.api_key, box.secret_key) as client:
        created = (await client.create(label)).label
    assert created is not None
    return created


async def test_a_new_label_is_created(sandbox: SandboxHandle) -> None:
    settled = await settle(sandbox, [star("Quality")])

    (outcome,) = settled.outcomes
    (label,) = await server_labels(sandbox)
    assert (outcome.status, outcome.label_id, outcome.attempts) == ("created", label["id"], 1)
    assert (outcome.http_status, outcome.error, settled.finished) == (200, "", [2])


async def test_a_label_made_since_the_plan_is_skipped_as_existing(sandbox: SandboxHandle) -> None:
    made = await create_on_server(sandbox, star("Quality"))

    settled = await settle(sandbox, [star("quality ")], on_existing="skip")

    (outcome,) = settled.outcomes
    assert (outcome.status, outcome.label_id, outcome.http_status) == ("existing", made["id"], 400)


@pytest.mark.parametrize(
    ("on_existing", "status", "error"),
    [
        (None, "existing_differs", "exists with other settings (description: "),
        ("skip", "existing", "kept as it is on the server (--on-existing skip): description: "),
    ],
)
async def test_a_label_made_since_the_plan_with_other_settings_is_judged_as_a_listed_one(
    sandbox: SandboxHandle, on_existing: OnExisting | None, status: str, error: str
) -> None:
    made = await create_on_server(sandbox, star("Quality", "theirs"))

    settled = await settle(sandbox, [star("Quality", "ours")], on_existing=on_existing)

    (outcome,) = settled.outcomes
    assert (outcome.status, outcome.label_id) == (status, made["id"])
    assert error + '"theirs" on the server, "ours" in the row' in outcome.error


async def test_a_label_made_since_the_plan_fails_the_row_under_fail(sandbox: SandboxHandle) -> None:
    made = await create_on_server(sandbox, star("Quality"))

    settled = await settle(sandbox, [star("Quality")], on_existing="fail")

    (outcome,) = settled.outcomes
    assert (outcome.status, outcome.label_id) == ("failed", made["id"])
    assert outcome.error == "a label with this name and type already exists"


async def test_a_label_made_since_the_plan_is_updated_under_update(sandbox: SandboxHandle) -> None:
    made = await create_on_server(sandbox, star("Quality", "old"))

    settled = await settle(sandbox, [star("Quality", "new")], on_existing="update")

    (outcome,) = settled.outcomes
    (label,) = await server_labels(sandbox)
    assert (outcome.status, outcome.label_id, outcome.attempts) == ("updated", made["id"], 2)
    assert label["description"] == "new"


async def test_an_update_job_patches_only_what_differs(sandbox: SandboxHandle) -> None:
    made = await create_on_server(sandbox, star("Quality", "old"))

    settled = await settle(sandbox, [star("Quality", "new")], existing=[made], on_existing="update")

    (outcome,) = settled.outcomes
    (label,) = await server_labels(sandbox)
    assert (outcome.status, outcome.label_id, outcome.attempts) == ("updated", made["id"], 1)
    assert (label["description"], settled.finished) == ("new", [2])


async def test_an_update_the_server_refuses_fails_the_row(sandbox: SandboxHandle) -> None:
    gone = {**star("Quality", "old"), "id": "00000000-0000-4000-8000-000000000000"}

    settled = await settle(sandbox, [star("Quality", "new")], existing=[gone], on_existing="update")

    (outcome,) = settled.outcomes
    assert (outcome.status, outcome.http_status, outcome.label_id) == ("failed", 404, gone["id"])
    assert outcome.error.startswith("update failed: ")


async def test_a_lost_answer_then_already_exists_is_our_own_create(sandbox: SandboxHandle) -> None:
    async with proxy(sandbox.url, lose_first_posts=1) as gateway:
        settled = await settle(sandbox, [star("Quality")], url=gateway.url, on_existing="fail")

    (outcome,) = settled.outcomes
    (label,) = await server_labels(sandbox)
    assert (outcome.status, outcome.label_id, outcome.attempts) == ("created", label["id"], 2)


async def test_out_of_retries_after_lost_answers_the_lookup_finds_the_label(
    sandbox: SandboxHandle,
) -> None:
    policy = RetryPolicy(max_retries=1, base=0.0, cap=0.0)
    async with proxy(sandbox.url, lose_first_posts=2) as gateway:
        settled = await settle(sandbox, [star("Quality")], url=gateway.url, policy=policy)

    (outcome,) = settled.outcomes
    (label,) = await server_labels(sandbox)
    assert (outcome.status, outcome.label_id, outcome.attempts) == ("created", label["id"], 2)


async def test_out_of_retries_after_lost_answers_and_no_lookup_the_row_fails(
    sandbox_factory: SandboxFactory,
) -> None:
    box = await sandbox_factory(drop_rate=1.0)
    policy = RetryPolicy(max_retries=1, base=0.0, cap=0.0)

    settled = await settle(box, [star("Quality")], policy=policy)

    (outcome,) = settled.outcomes
    assert (outcome.status, outcome.attempts) == ("failed", 2)
    assert outcome.error.startswith("gave up after 2 attempts: ServerDisconnectedError")


async def test_throttled_past_the_wait_budget_fails_without_a_lookup(
    sandbox: SandboxHandle,
) -> None:
    policy = RetryPolicy(max_retries=2, max_wait=0.05, base=0.0, cap=0.0, retry_after_cap=0.001)
    async with proxy(sandbox.url, throttle_rate=1.0) as gateway:
        settled = await settle(sandbox, [star("Quality")], url=gateway.url, policy=policy)

    (outcome,) = settled.outcomes
    assert (outcome.status, outcome.http_status) == ("failed", 429)
    # 429s are not retries: far more attempts than max_retries, until the time ran out.
    assert outcome.attempts > 3
    assert "the --max-wait budget of 0.05s ran out: Request was throttled." in outcome.error
    assert len(gateway.arrivals) == outcome.attempts  # no GET: a 429 proves nothing was made


async def test_refused_rows_fail_and_the_error_budget_stops_the_run(
    sandbox: SandboxHandle,
) -> None:
    labels = [star(f"Quality {i}") for i in range(4)]
    async with proxy(sandbox.url, reject_posts=True) as gateway:
        settled = await settle(sandbox, labels, url=gateway.url, max_failures=2)

    assert [o.status for o in settled.outcomes] == ["failed"] * 2 + ["not_attempted"] * 2
    assert "rejected by the gateway" in settled.outcomes[0].error
    assert (settled.stop.reason, settled.stop.message) == (
        "max_failures",
        "stopped after 2 failed rows (--max-failures)",
    )
    assert settled.finished == [2, 3]


async def test_wrong_keys_fail_the_row_and_stop_the_run_naming_the_settings(
    sandbox: SandboxHandle,
) -> None:
    settled = await settle(sandbox, [star("Quality"), star("Speed")], secret="wrong")

    assert [o.status for o in settled.outcomes] == ["failed", "not_attempted"]
    assert settled.outcomes[0].error == "Invalid API key or secret key"
    assert settled.stop.reason == "fatal"
    assert settled.stop.message == (
        "Invalid API key or secret key (check FI_API_KEY and FI_SECRET_KEY)"
    )


async def test_a_stop_after_a_lost_answer_leaves_the_row_to_resume(
    sandbox_factory: SandboxFactory,
) -> None:
    box = await sandbox_factory(drop_rate=1.0)
    stop = Stop()
    long_waits = RetryPolicy(max_retries=6, base=3600.0, cap=3600.0)
    results: list[Settled] = []

    async def run() -> None:
        results.append(await settle(box, [star("Quality")], policy=long_waits, stop=stop))

    with anyio.fail_after(10):
        async with anyio.create_task_group() as group:
            group.start_soon(run)
            # Polling the server's own count: the stop must come while the retry waits.
            while (await box.stats())["requests"] < 1:  # noqa: ASYNC110
                await anyio.sleep(0.001)
            stop.request("interrupted")

    ((outcome,),) = [settled.outcomes for settled in results]
    assert (outcome.status, outcome.attempts) == ("not_attempted", 1)
    assert outcome.error == "stopped before an answer; the label may exist (use --resume)"
    assert results[0].finished == []
