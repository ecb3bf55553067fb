"""Every class of answer the client can get, classified once: over TCP where the sandbox
can produce it, as a pure function where only a real deployment would (402, 403, 3xx)."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from pipeline.errors import InsecureURLError
from pipeline.sandbox import SandboxHandle
from pipeline.send.answers import Answer, classify, parse_retry_after
from pipeline.send.client import LabelsClient
from pipeline.send.credentials import check_base_url
from tests.conftest import SandboxFactory

STAR = {"name": "Quality", "type": "star", "settings": {"no_of_stars": 5}}


def client_for(
    box: SandboxHandle, *, timeout: float = 5.0, secret: str | None = None
) -> LabelsClient:
    return LabelsClient(box.url, box.api_key, secret or box.secret_key, timeout=timeout)


async def test_a_created_label_comes_back_ok_with_its_id(sandbox: SandboxHandle) -> None:
    async with client_for(sandbox) as client:
        answer = await client.create(STAR)
    assert answer.kind == "ok" and answer.status == 200
    assert answer.label is not None and answer.label["name"] == "Quality"


async def test_a_duplicate_is_classified_exists(sandbox: SandboxHandle) -> None:
    async with client_for(sandbox) as client:
        await client.create(STAR)
        answer = await client.create({**STAR, "name": " quality "})
    assert (answer.kind, answer.status) == ("exists", 400)
    assert "already exists" in answer.message


async def test_a_validation_error_is_permanent_with_the_servers_words(
    sandbox: SandboxHandle,
) -> None:
    async with client_for(sandbox) as client:
        answer = await client.create({"type": "star", "settings": {"no_of_stars": 5}})
    assert (answer.kind, answer.status) == ("permanent", 400)
    assert "This field is required." in answer.message


async def test_an_unknown_label_is_permanent(sandbox: SandboxHandle) -> None:
    async with client_for(sandbox) as client:
        answer = await client.update("00000000-0000-4000-8000-000000000000", {"description": "x"})
    assert (answer.kind, answer.status) == ("permanent", 404)


async def test_a_body_over_the_limit_is_permanent(sandbox: SandboxHandle) -> None:
    async with client_for(sandbox) as client:
        answer = await client.create({**STAR, "description": "x" * 1_100_000})
    assert (answer.kind, answer.status) == ("permanent", 413)


async def test_wrong_keys_are_fatal(sandbox: SandboxHandle) -> None:
    async with client_for(sandbox, secret="wrong") as client:
        answer = await client.create(STAR)
    assert (answer.kind, answer.status) == ("fatal", 401)
    assert answer.message == "Invalid API key or secret key"


async def test_throttling_is_transient_with_retry_after(
    sandbox_factory: SandboxFactory,
) -> None:
    box = await sandbox_factory(rate_limit=1)
    async with client_for(box) as client:
        await client.list_page(1)
        answer = await client.list_page(1)
    assert (answer.kind, answer.status, answer.retry_after) == ("transient", 429, 1.0)


async def test_server_errors_are_transient_even_with_html_bodies(
    sandbox_factory: SandboxFactory,
) -> None:
    box = await sandbox_factory(error_rate=1.0, seed=1)
    seen: dict[int, Answer] = {}
    async with client_for(box) as client:
        for _ in range(40):
            answer = await client.create(STAR)
            assert answer.status is not None
            seen[answer.status] = answer
    assert set(seen) == {500, 502, 503, 504}
    assert all(a.kind == "transient" for a in seen.values())
    assert seen[502].message == "HTTP 502 (non-JSON answer from a proxy)"


async def test_a_dropped_post_is_ambiguous_and_a_dropped_get_transient(
    sandbox_factory: SandboxFactory,
) -> None:
    box = await sandbox_factory(drop_rate=1.0)
    async with client_for(box) as client:
        post = await client.create(STAR)
        get = await client.list_page(1)
    assert (post.kind, post.status) == ("ambiguous", None)
    assert (get.kind, get.status) == ("transient", None)


async def test_a_timeout_after_sending_is_ambiguous(sandbox_factory: SandboxFactory) -> None:
    box = await sandbox_factory(latency_ms=500)
    async with client_for(box, timeout=0.1) as client:
        answer = await client.create(STAR)
    assert answer.kind == "ambiguous"
    assert "Timeout" in answer.message


async def test_a_refused_connection_is_transient_because_nothing_was_sent() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with LabelsClient(f"http://127.0.0.1:{port}", "k", "s") as client:
        answer = await client.create(STAR)
    assert (answer.kind, answer.status) == ("transient", None)


@pytest.mark.parametrize("status", [401, 402, 403])
def test_auth_and_payment_answers_are_fatal(status: int) -> None:
    assert classify(status, {"message": "no"}, "", None).kind == "fatal"


@pytest.mark.parametrize("status", [400, 404, 413, 422])
def test_client_errors_are_permanent(status: int) -> None:
    assert classify(status, {"message": "bad"}, "", None).kind == "permanent"


def test_a_redirect_is_fatal_and_never_followed() -> None:
    answer = classify(301, None, "", None)
    assert answer.kind == "fatal" and "base URL" in answer.message


def test_a_2xx_without_json_counts_as_a_lost_answer() -> None:
    assert classify(200, None, "<html>ok</html>", None).kind == "ambiguous"


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=7), usegmt=True)
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(later, now=now.timestamp()) == pytest.approx(7.0)
    assert parse_retry_after("soon") is None


@pytest.mark.parametrize(
    ("url", "insecure", "ok"),
    [
        ("https://api.futureagi.com", False, True),
        ("http://127.0.0.1:8000", False, True),
        ("http://localhost:8000/", False, True),
        ("http://[::1]:8000", False, True),
        ("http://api.example.com", False, False),
        ("http://api.example.com", True, True),
        ("ftp://api.example.com", True, False),
    ],
)
def test_plain_http_only_to_loopback_unless_insecure(url: str, insecure: bool, ok: bool) -> None:
    if ok:
        assert check_base_url(url, insecure=insecure) == url.rstrip("/")
    else:
        with pytest.raises(InsecureURLError):
            check_base_url(url, insecure=insecure)


def test_the_client_repr_hides_the_keys() -> None:
    client = LabelsClient("https://api.futureagi.com", "key-123", "secret-456")
    assert "key-123" not in repr(client) and "secret-456" not in repr(client)
