"""The client against a hostile server: every broken answer becomes a classified `Answer`
with a clear message, never an exception, never `ok` without a label."""

from __future__ import annotations

import time

import anyio
import pytest

from pipeline.send.answers import page_labels
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
    assert answer.message == "HTTP 200, answer over 4 MiB, refused unread"  # a label's cap
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


PROJECT = "3f2c1a9e-7b4d-4e8a-9c61-0d5b2f7e8a14"


async def test_a_project_the_live_server_does_not_have_is_classified_unknown(
    hostile: Hostile,
) -> None:
    hostile.mode, hostile.projects = "unknown_project", {"0b9e5c4d-1a2f-4c3b-8d7e-6f5a4b3c2d1e"}
    async with client_for(hostile) as client:
        answer = await client.create({**STAR, "project": PROJECT})
        known = await client.create({**STAR, "project": next(iter(hostile.projects))})
    assert (answer.kind, answer.status) == ("unknown_project", 400)
    assert answer.message == f'project: Invalid pk "{PROJECT}" - object does not exist.'
    assert known.kind == "ok"


@pytest.mark.parametrize("bare_create", [False, True])
async def test_every_live_shape_is_read(hostile: Hostile, bare_create: bool) -> None:
    hostile.mode, hostile.bare_create, hostile.page_size = "live_shapes", bare_create, 2
    async with client_for(hostile) as client:
        created = [await client.create({**STAR, "name": f"Q{i}"}) for i in range(3)]
        duplicate = await client.create({**STAR, "name": " q0 "})
        first, second = await client.list_page(1), await client.list_page(2)
        label_id = created[0].label["id"] if created[0].label else ""
        updated = await client.update(label_id, {"description": "x"})
        gone = await client.update("id-404", {"description": "x"})
    assert [a.kind for a in created] == ["ok"] * 3 and all(a.label for a in created)
    assert (duplicate.kind, duplicate.message) == (
        "exists",
        "A label with this name and type already exists in the selected project.",
    )
    pages = [page_labels(first), page_labels(second)]
    assert [(len(p.labels), p.more, p.count) for p in pages] == [(2, True, 3), (1, False, 3)]
    assert updated.kind == "ok" and updated.label is not None
    assert (updated.label["id"], updated.label["description"]) == (label_id, "x")
    assert (gone.kind, gone.message) == (
        "permanent",
        "No AnnotationsLabels matches the given query.",
    )


async def test_the_live_401_names_the_keys_once(hostile: Hostile) -> None:
    hostile.mode, hostile.secret = "live_shapes", "right"
    async with client_for(hostile) as client:
        answer = await client.create(STAR)
    assert (answer.kind, answer.message) == ("fatal", "Invalid API key or secret key")
