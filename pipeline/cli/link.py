"""Where a command that talks to the API sends its requests: the API the environment names,
or, with `--sandbox`, a fresh in-process sandbox with its demo keys."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def against_api(start: Callable[..., Awaitable[T]], *, sandbox: bool) -> T:
    """`start()` as it is, or given the sandbox's base URL and keys while it runs.

    The sandbox is imported only with `--sandbox`: an ordinary run does not load it.
    """
    if not sandbox:
        return await start()
    from pipeline.sandbox import SandboxConfig, running_sandbox

    async with running_sandbox(SandboxConfig()) as box:
        return await start(base_url=box.url, api_key=box.api_key, secret_key=box.secret_key)
