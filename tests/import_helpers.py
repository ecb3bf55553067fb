"""Helpers for the import-engine tests: input files, the server's labels, a throttling proxy."""

from __future__ import annotations

import csv
import random
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import anyio
from aiohttp import web

from pipeline.importer import import_labels
from pipeline.report.summary import ImportSummary
from pipeline.sandbox import SandboxHandle
from pipeline.send.client import LABELS_PATH
from pipeline.send.retry import shortened_waits

TYPES = ("text", "star", "thumbs_up_down", "numeric")


def write_labels_csv(
    path: Path, count: int, *, invalid_every: int = 0, prefix: str = "label"
) -> int:
    """`count` rows of distinct labels; every `invalid_every`-th has a bad type.

    Returns how many rows are valid.
    """
    valid = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "type", "description"])
        for i in range(count):
            bad = invalid_every and i % invalid_every == invalid_every - 1
            kind = "nonsense" if bad else TYPES[i % len(TYPES)]
            valid += 0 if bad else 1
            writer.writerow([f"{prefix}-{i:05d}", kind, f"row {i}"])
    return valid


async def server_labels(sandbox: SandboxHandle) -> list[dict[str, Any]]:
    """Every active label of the demo organisation, read straight from the API."""
    headers = {"X-Api-Key": sandbox.api_key, "X-Secret-Key": sandbox.secret_key}
    labels: list[dict[str, Any]] = []
    async with aiohttp.ClientSession(headers=headers) as session:
        page = 1
        while True:
            params = {"page": str(page), "limit": "500"}
            body = await _get_through_faults(session, sandbox.url + LABELS_PATH, params)
            labels.extend(body["results"])
            if not body["next"]:
                return labels
            page += 1


async def _get_through_faults(
    session: aiohttp.ClientSession, url: str, params: dict[str, str]
) -> dict[str, Any]:
    """GET until a 200 arrives: a fault-dialled sandbox fails reads too."""
    while True:
        try:
            async with session.get(url, params=params) as resp:
                if resp.status == 200:
                    body: dict[str, Any] = await resp.json()
                    return body
                await resp.read()
        except aiohttp.ClientError:
            continue


def read_report(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass
class Proxy:
    url: str
    arrivals: list[float] = field(default_factory=list)
    # Set when the proxy stops: answers it holds back go out (to no one, after a kill).
    released: anyio.Event = field(default_factory=anyio.Event)


def _drop(request: web.Request) -> web.Response:
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=499)


def _envelope(
    kind: str, code: str, message: str, status: int, headers: dict[str, str] | None = None
) -> web.Response:
    """An error answer in the API's envelope."""
    body = {"status": False, "type": kind, "code": code, "message": message}
    return web.json_response(body, status=status, headers=headers)


@dataclass
class _Gateway:
    """What the proxy does to each request; `forward` is its only route."""

    upstream: str
    session: aiohttp.ClientSession
    state: Proxy
    rng: random.Random
    throttle_rate: float
    retry_after: str
    posts_to_lose: int
    reject_posts: bool
    hold_post_answers: bool

    async def forward(self, request: web.Request) -> web.StreamResponse:
        self.state.arrivals.append(time.monotonic())
        if self.reject_posts and request.method == "POST":
            message = "Annotation label creation failed: rejected by the gateway"
            return _envelope("validation_error", "invalid", message, 400)
        if self.rng.random() < self.throttle_rate:
            message = "Request was throttled."
            retry_after = {"Retry-After": self.retry_after}
            return _envelope("rate_limit", "throttled", message, 429, retry_after)
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        try:
            async with self.session.request(
                request.method,
                self.upstream + request.path_qs,
                headers=headers,
                data=await request.read(),
                allow_redirects=False,
            ) as resp:
                body = await resp.read()
                content_type = resp.headers.get("Content-Type", "application/json")
        except aiohttp.ClientError:
            return _drop(request)
        if request.method == "POST" and self.posts_to_lose > 0:
            self.posts_to_lose -= 1
            return _drop(request)
        if request.method == "POST" and self.hold_post_answers:
            await self.state.released.wait()
        return web.Response(status=resp.status, body=body, headers={"Content-Type": content_type})


@asynccontextmanager
async def proxy(
    upstream: str,
    *,
    throttle_rate: float = 0.0,
    seed: int = 0,
    retry_after: str = "1",
    lose_first_posts: int = 0,
    reject_posts: bool = False,
    hold_post_answers: bool = False,
) -> AsyncIterator[Proxy]:
    """A loopback proxy in front of the sandbox that records when each request arrives.

    It can answer a share of requests 429 (the sandbox throttles only by a real rate
    limit; a busy shared gateway throttles at random), and it can forward the first
    `lose_first_posts` POSTs and then drop their answers, as a reset after the server
    acted would. `reject_posts` answers every POST with a validation error.
    `hold_post_answers` forwards each POST and holds its answer until the proxy stops:
    the server has acted, the client has heard nothing. A dropped upstream connection is
    passed on as a dropped connection.
    """
    session = aiohttp.ClientSession(auto_decompress=False)
    state = Proxy("")
    gateway = _Gateway(
        upstream,
        session,
        state,
        random.Random(seed),
        throttle_rate,
        retry_after,
        lose_first_posts,
        reject_posts,
        hold_post_answers,
    )
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", gateway.forward)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    state.url = f"http://127.0.0.1:{port}"
    try:
        yield state
    finally:
        state.released.set()
        await runner.cleanup()
        await session.close()


# Retries wait microseconds, not seconds: only the sleeping is shortened, the logic is the same.
FAST_WAITS = {"base": 0.001, "cap": 0.01, "retry_after_cap": 0.002}


async def run_import(
    path: Path,
    box: SandboxHandle,
    *,
    url: str | None = None,
    waits: dict[str, float] = FAST_WAITS,
    **options: Any,
) -> ImportSummary:
    defaults: dict[str, Any] = {
        "rate": 0,
        "concurrency": 16,
        "max_retries": 15,
        "report": path.with_name(f"{path.stem}.report.csv"),
    }
    defaults.update(options)
    with shortened_waits(**waits):
        return await import_labels(
            path,
            base_url=url or box.url,
            api_key=box.api_key,
            secret_key=box.secret_key,
            **defaults,
        )
