"""Fixtures shared by every test: real sandbox servers, and a hostile one, on loopback ports."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import pytest

from pipeline.sandbox import SandboxConfig, SandboxHandle, running_sandbox
from pipeline.send.pace_memory import STATE_DIR_ENV
from tests.hostile import Hostile, hostile_server

SandboxFactory = Callable[..., Awaitable[SandboxHandle]]


@pytest.fixture(autouse=True)
def own_pace_memory(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test its own pace memory (pipeline.send.pace_memory): sandboxes reuse ports, and
    what one test's run found of a port must not set the pace of the next test's."""
    monkeypatch.setenv(STATE_DIR_ENV, str(tmp_path_factory.mktemp("state")))


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxHandle]:
    """A sandbox with every fault off and the demo organisation."""
    async with running_sandbox() as handle:
        yield handle


@pytest.fixture
async def sandbox_factory() -> AsyncIterator[SandboxFactory]:
    """Start sandboxes with chosen dials (SandboxConfig keyword arguments); all stop at teardown."""
    async with AsyncExitStack() as stack:

        async def make(**dials: Any) -> SandboxHandle:
            return await stack.enter_async_context(running_sandbox(SandboxConfig(**dials)))

        yield make


@pytest.fixture
async def api(sandbox: SandboxHandle) -> AsyncIterator[Any]:
    """Raw HTTP access to the default sandbox as its demo organisation."""
    from tests.sandbox_api import api_for

    async with api_for(sandbox) as client:
        yield client


@pytest.fixture
async def hostile() -> AsyncIterator[Hostile]:
    """A hostile server (tests/hostile.py), honest until the test sets its `mode`."""
    async with hostile_server() as server:
        yield server
