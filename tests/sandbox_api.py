"""A thin HTTP helper for the sandbox's own tests: raw answers, nothing interpreted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp

from pipeline.sandbox import SandboxHandle

LABELS = "/model-hub/annotations-labels/"
# The fields of a label as the server answers it.
LABEL_KEYS = {
    "id",
    "name",
    "type",
    "organization",
    "settings",
    "project",
    "description",
    "allow_notes",
    "created_at",
    "archived",
}


@dataclass
class Answer:
    status: int
    body: Any
    text: str
    headers: dict[str, str]


class Api:
    def __init__(self, session: aiohttp.ClientSession, base: str, key: str, secret: str) -> None:
        self.session = session
        self.base = base
        self.headers = {"X-Api-Key": key, "X-Secret-Key": secret}

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> Answer:
        all_headers = {**self.headers, **(headers or {})}
        async with self.session.request(
            method, self.base + path, json=json, data=data, headers=all_headers, params=params
        ) as resp:
            text = await resp.text()
            try:
                body = await resp.json(content_type=None)
            except ValueError:
                body = None
            return Answer(resp.status, body, text, dict(resp.headers))

    async def create(self, **fields: Any) -> Answer:
        return await self.call("POST", LABELS, json=fields)

    async def list(self, **params: str) -> Answer:
        return await self.call("GET", LABELS, params=params)


@asynccontextmanager
async def api_for(
    sandbox: SandboxHandle, key: str | None = None, secret: str | None = None
) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(session, sandbox.url, key or sandbox.api_key, secret or sandbox.secret_key)
