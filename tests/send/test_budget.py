"""`AnswerBudget` alone: readers wait for room in turn, and one that gives up, whether
before or as it is served, leaves nothing held."""

from __future__ import annotations

import anyio
from anyio import wait_all_tasks_blocked

from pipeline.send.budget import AnswerBudget


async def test_readers_wait_for_room_in_turn_and_one_that_gives_up_leaves_the_queue() -> None:
    budget = AnswerBudget(8)
    await budget.take(6)
    served: list[int] = []
    given_up = anyio.CancelScope()

    async def reader(size: int) -> None:
        await budget.take(size)
        served.append(size)

    async def impatient_reader() -> None:
        with given_up:
            await reader(4)

    async with anyio.create_task_group() as group:
        group.start_soon(impatient_reader)
        await wait_all_tasks_blocked()
        group.start_soon(reader, 2)
        await wait_all_tasks_blocked()
        assert served == []  # 2 would fit, but the 4 came first
        given_up.cancel()
        await wait_all_tasks_blocked()
        assert (served, budget.reserved) == ([2], 8)
    assert budget.peak == 8


async def test_a_reader_cancelled_as_it_is_served_gives_the_room_back() -> None:
    budget = AnswerBudget(8)
    await budget.take(8)
    given_up = anyio.CancelScope()

    async def impatient_reader() -> None:
        with given_up:
            await budget.take(4)

    async with anyio.create_task_group() as group:
        group.start_soon(impatient_reader)
        await wait_all_tasks_blocked()
        given_up.cancel()
        budget.give(8)  # hands the reader its 4 bytes before it sees the cancellation
        assert budget.reserved == 4
    assert budget.reserved == 0
