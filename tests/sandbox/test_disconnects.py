"""A client that hangs up is its own doing: not a 500 in the stats, one quiet log line."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import web

from pipeline.sandbox import DEMO_API_KEY, DEMO_SECRET_KEY, SandboxConfig, create_app
from pipeline.sandbox.app import STATE
from tests.sandbox_api import LABELS

AUTH = f"X-Api-Key: {DEMO_API_KEY}\r\nX-Secret-Key: {DEMO_SECRET_KEY}\r\n"


async def _hang_up_after(port: int, head: str) -> None:
    """Send `head` (a request, perhaps cut short) and close the connection unanswered."""
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head.encode())
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def _stats_once_settled(app: web.Application, requests: int) -> dict[str, Any]:
    """The stats once `requests` answers are counted (the server finishes after the client)."""
    state = app[STATE]
    for _ in range(500):
        if sum(state.by_status.values()) >= requests:
            break
        await asyncio.sleep(0.01)
    return state.stats()


@asynccontextmanager
async def _serving(
    config: SandboxConfig, **runner: Any
) -> AsyncIterator[tuple[web.Application, int]]:
    app = create_app(config)
    app_runner = web.AppRunner(app, access_log=None, handle_signals=False, **runner)
    await app_runner.setup()
    site = web.TCPSite(app_runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield app, app_runner.addresses[0][1]
    finally:
        await app_runner.cleanup()


def _sandbox_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith(("pipeline.sandbox", "aiohttp"))]


async def test_a_body_cut_short_is_a_disconnect_not_a_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    head = (
        f"POST {LABELS} HTTP/1.1\r\nHost: x\r\n{AUTH}"
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na'
    )
    async with _serving(SandboxConfig()) as (app, port):
        await _hang_up_after(port, head)
        stats = await _stats_once_settled(app, 1)
    assert stats["by_status"] == {"disconnected": 1}
    assert stats["labels"] == 0
    records = _sandbox_records(caplog)
    assert [(r.levelno, r.exc_info) for r in records] == [(logging.INFO, None)]
    assert records[0].getMessage() == f"client went away before the answer to POST {LABELS}"


async def test_a_handler_cancelled_by_a_hang_up_is_a_disconnect_not_a_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    head = f"GET {LABELS} HTTP/1.1\r\nHost: x\r\n{AUTH}\r\n"
    # Latency keeps the handler waiting while the client leaves; aiohttp then cancels it.
    async with _serving(SandboxConfig(latency_ms=300), handler_cancellation=True) as (app, port):
        await _hang_up_after(port, head)
        stats = await _stats_once_settled(app, 1)
    assert stats["by_status"] == {"disconnected": 1}
    records = _sandbox_records(caplog)
    assert [(r.levelno, r.exc_info) for r in records] == [(logging.INFO, None)]
