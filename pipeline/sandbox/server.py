"""Running the emulator: in-process on an ephemeral loopback port, or as a long-lived server."""

from __future__ import annotations

import asyncio
import signal
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from pipeline.sandbox.app import STATE, create_app
from pipeline.sandbox.config import SandboxConfig
from pipeline.send.net import is_loopback


@dataclass(frozen=True)
class SandboxHandle:
    """A running sandbox: where it listens and the first organisation's credentials."""

    url: str
    api_key: str
    secret_key: str
    app: web.Application

    def __repr__(self) -> str:
        return f"SandboxHandle(url={self.url!r}, api_key={self.api_key!r}, secret_key='***')"

    async def stats(self) -> dict[str, Any]:
        return self.app[STATE].stats()

    async def reset(self) -> None:
        self.app[STATE].reset()


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


@asynccontextmanager
async def _started(
    config: SandboxConfig, host: str, port: int
) -> AsyncIterator[tuple[web.AppRunner, str]]:
    app = create_app(config)
    # No access log: it would cost more CPU than the request itself at thousands per second.
    runner = web.AppRunner(app, access_log=None, handle_signals=False, keepalive_timeout=75.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port, reuse_address=True, backlog=1024)
        await site.start()
        bound = runner.addresses[0]
        yield runner, _url(host, bound[1])
    finally:
        await runner.cleanup()


@asynccontextmanager
async def running_sandbox(
    config: SandboxConfig | None = None, *, host: str = "127.0.0.1"
) -> AsyncIterator[SandboxHandle]:
    """Serve the emulator on a free loopback port for as long as the block runs."""
    config = config or SandboxConfig()
    if not is_loopback(host):
        raise ValueError(f"the in-process sandbox only listens on loopback, not {host}")
    async with _started(config, host, 0) as (runner, url):
        org = config.orgs[0]
        yield SandboxHandle(url, org.api_key, org.secret_key, runner.app)


async def serve_until_stopped(
    config: SandboxConfig, host: str, port: int, announce: Callable[[str], None]
) -> None:
    """Serve until SIGINT or SIGTERM, announcing the base URL once listening."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with _started(config, host, port) as (_, url):
        announce(url)
        await stop.wait()


def port_is_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True
