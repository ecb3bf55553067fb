"""Big answers to many requests at once, over TCP: the bodies being read never hold more
than the client's answer budget, every row still ends as it should, and a label answer
over the label's cap is refused unread while a page of that size is read."""

from __future__ import annotations

import tracemalloc

import pytest

from pipeline.labels import LabelSpec
from pipeline.plan import index_labels, plan
from pipeline.rows import CheckedRow, RawRow, RowOutcome
from pipeline.send.answers import page_labels
from pipeline.send.budget import AnswerBudget
from pipeline.send.client import LABEL_ANSWER_BYTES, MIB, LabelsClient
from pipeline.send.pool import run_pool
from pipeline.send.rate import RateGate
from pipeline.send.retry import RetryPolicy, Sending
from pipeline.send.row_sender import RowSender
from pipeline.send.stop import Stop
from tests.hostile import Hostile

NO_WAITS = RetryPolicy(max_retries=2, base=0.0, cap=0.0, retry_after_cap=0.0)
# Small, so the test holds little: 32 answers of 2 MiB at once would be 64 MiB.
BUDGET = 8 * MIB
ANSWER = 2 * MIB
AT_ONCE = 32


async def settle_all(
    url: str, rows: int, *, budget: int = BUDGET
) -> tuple[list[RowOutcome], AnswerBudget]:
    """Create `rows` star labels, `AT_ONCE` at a time, through one client of `budget`."""
    checked = [
        CheckedRow(RawRow(row, None, {}), LabelSpec.parse({"name": f"L{row}", "type": "star"}), [])
        for row in range(2, rows + 2)
    ]
    outcomes, jobs = plan(checked, index_labels([]), on_existing="skip", journal={})
    sending = Sending(RateGate(0), Stop(), NO_WAITS)
    client = LabelsClient(url, "k", "s", concurrency=AT_ONCE, answer_budget=budget)
    async with client:
        sender = RowSender(
            client, sending, outcomes, on_existing="skip", finished=lambda job, outcome: None
        )
        await run_pool(sender.settle, jobs, concurrency=AT_ONCE, stop=sending.stop)
    return outcomes, client.answer_budget


def server_ids(hostile: Hostile) -> dict[str, str]:
    return {label["name"]: label["id"] for label in hostile.labels.values()}


@pytest.mark.parametrize("chunked", [False, True], ids=["declared_length", "chunked"])
async def test_many_big_answers_at_once_never_hold_more_than_the_budget(
    hostile: Hostile, chunked: bool
) -> None:
    hostile.mode, hostile.big_size, hostile.big_chunked = "big", ANSWER, chunked
    tracemalloc.start()
    try:
        outcomes, budget = await settle_all(hostile.url, 2 * AT_ONCE)
        traced_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert {(o.status, o.attempts) for o in outcomes} == {("created", 1)}
    assert {f"L{o.row}": o.label_id for o in outcomes} == server_ids(hostile)
    # Answers shared the budget, several at once (a chunked one reserves the label's whole
    # 4 MiB cap, so two fill it)...
    assert 2 * ANSWER <= budget.peak <= BUDGET
    assert budget.peak == BUDGET or not chunked
    assert budget.reserved == 0
    # ... and memory shows it: without the budget the 32 answers at once held over 64 MiB.
    assert traced_peak < 4 * BUDGET


async def test_a_label_answer_over_its_cap_is_refused_unread_a_page_of_that_size_is_read(
    hostile: Hostile,
) -> None:
    hostile.mode, hostile.big_size = "big", LABEL_ANSWER_BYTES + MIB
    async with LabelsClient(hostile.url, "k", "s") as client:
        created = await client.create({"name": "Q", "type": "star"})
        page = await client.list_page(1)
        assert client.answer_budget.peak == LABEL_ANSWER_BYTES + MIB  # the page's, read

    assert (created.kind, created.status) == ("ambiguous", 200)
    assert created.message == "HTTP 200, answer over 4 MiB, refused unread"
    assert page.kind == "ok" and [label["name"] for label in page_labels(page).labels] == ["Q"]


async def test_a_create_answered_over_the_cap_is_looked_up_and_created_with_its_id(
    hostile: Hostile,
) -> None:
    # As before the caps: the answer may be lost, the label may exist, so the retry meets
    # "already exists" and the lookup finds the label the first attempt made.
    hostile.mode, hostile.big_size = "big", LABEL_ANSWER_BYTES + MIB
    outcomes, budget = await settle_all(hostile.url, 3, budget=64 * MIB)

    assert [(o.status, o.attempts) for o in outcomes] == [("created", 2)] * 3
    assert {f"L{o.row}": o.label_id for o in outcomes} == server_ids(hostile)
    assert hostile.seen["POST"] == 6 and budget.reserved == 0
