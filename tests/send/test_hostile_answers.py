"""The client against a hostile server: every broken answer becomes a classified `Answer`
with a clear message, never an exception, never `ok` without a label."""

from __future__ import annotations

import time

import anyio
import pytest

from pipeline.send.client import LabelsClient
from tests.hostile import NO_LABEL_BODIES, Hostile

STAR = {"name": "Quality", "type": "star", "settings": {"no_of_stars": 5}}


def client_for(server: Hostile, *, timeout: float = 5.0) -> LabelsClient:
    return LabelsClient(server.url, "key", "secret", timeout=timeout)


async def test_a_2xx_without_a_label_is_never_ok(hostile: Hostile) -> None:
    hostile.mode = "no_label"
    async with client_for(hostile) as client:
        names = [f"Q{i}" for i in range(len(NO_LABEL_BODIES))]
        answers = [await client.create({**STAR, "name": name}) for name in names]
    assert [a.kind for a in answers] == ["ambiguous"] * len(NO_LABEL_BODIES)
    assert all(a.label is None and a.may_have_acted for a in answers)
    assert answers[0].message == "HTTP 200 without a label: Could not save the label"
    assert answers[1].message == "HTTP 200 without a label"


async def test_an_update_answered_with_the_bare_label_is_ok(hostile: Hostile) -> None:
    async with client_for(hostile) as client:
        answer = await client.update("id-1", {"description": "x"})
    # The live server answers PATCH with the bare label, the sandbox in the envelope.
    assert answer.kind == "ok" and answer.label == {"id": "id-1"}


async def test_an_update_answered_without_a_label_is_retried_as_transient(
    hostile: Hostile,
) -> None:
    hostile.mode = "no_label"
    async with client_for(hostile) as client:
        answer = await client.update("id-1", {"description": "x"})
    assert (answer.kind, answer.retryable, answer.label) == ("transient", True, None)


async def test_garbage_answers_are_lost_answers(hostile: Hostile) -> None:
    hostile.mode = "garbage"
    async with client_for(hostile) as client:
        answer = await client.create(STAR)
    assert (answer.kind, answer.status) == ("ambiguous", 200)
    assert answer.message == "HTTP 200 without a label"


async def test_a_list_answer_that_is_not_a_page_is_retried(hostile: Hostile) -> None:
    hostile.mode = "deep_json"
    async with client_for(hostile) as client:
        answer = await client.list_page(1)
    assert (answer.kind, answer.retryable) == ("transient", True)
    assert answer.message == "HTTP 200, JSON nested too deep to read"


async def test_deep_json_never_raises_and_says_why(hostile: Hostile) -> None:
    hostile.mode = "deep_json"
    async with client_for(hostile) as client:
        answer = await client.create(STAR)
    assert (answer.kind, answer.message) == ("ambiguous", "HTTP 200, JSON nested too deep to read")


@pytest.mark.parametrize("mode", ["huge_length", "huge_stream", "huge_gzip"])
async def test_an_answer_over_the_cap_is_refused_unread(hostile: Hostile, mode: str) -> None:
    hostile.mode = mode  # type: ignore[assignment]
    started = time.monotonic()
    async with client_for(hostile) as client:
        answer = await client.create(STAR)
        hostile.mode = "honest"
        after = await client.create(STAR)  # the refused connection is not reused
    assert (answer.kind, answer.status) == ("ambiguous", 200)
    assert answer.message == "HTTP 200, answer over 32 MiB, refused unread"
    assert after.kind == "ok"
    assert time.monotonic() - started < 10


async def test_a_redirect_is_fatal_and_not_followed(hostile: Hostile) -> None:
    hostile.mode = "redirect"
    async with client_for(hostile) as client:
        answer = await client.create(STAR)
    assert (answer.kind, answer.status) == ("fatal", 302)
    assert hostile.seen["POST"] == 1


async def test_a_hanging_server_times_out_as_a_lost_answer(hostile: Hostile) -> None:
    hostile.mode = "hang"
    with anyio.fail_after(5):
        async with client_for(hostile, timeout=0.2) as client:
            answer = await client.create(STAR)
    assert (answer.kind, answer.status) == ("ambiguous", None)
    assert answer.message.startswith("TimeoutError") or "Timeout" in answer.message


async def test_a_hanging_list_request_is_transient(hostile: Hostile) -> None:
    hostile.mode = "hang"
    with anyio.fail_after(5):
        async with client_for(hostile, timeout=0.2) as client:
            answer = await client.list_page(1)
    assert (answer.kind, answer.status, answer.may_have_acted) == ("transient", None, False)


async def test_a_key_quoted_in_a_transport_error_is_redacted(hostile: Hostile) -> None:
    hostile.mode = "broken_http"
    async with LabelsClient(
        hostile.url, "fi-key-0123456789abcdef", "fi-secret-0123456789"
    ) as client:
        answer = await client.create(STAR)
    assert (answer.kind, answer.status) == ("ambiguous", None)
    assert "Bad status line" in answer.message and "<redacted>" in answer.message
    assert "0123456789" not in answer.message
