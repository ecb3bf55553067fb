"""The HTTP client for the labels API: one session, its timeouts and headers, nothing else.

Each call reads the whole answer and hands its status, body and `Retry-After` header to
`answers.classify` (or a transport failure to `answers.transport_failure`), so no aiohttp
exception and no HTTP status code leaks past this module, and what an answer means is
decided in answers.py alone.
"""

from __future__ import annotations

import json
from collections.abc import Coroutine
from types import TracebackType
from typing import Any

import aiohttp

from pipeline.send.answers import Answer, classify, transport_failure

LABELS_PATH = "/model-hub/annotations-labels/"
LIST_PAGE_LIMIT = 500


class LabelsClient:
    """One aiohttp session for the whole run; use as an async context manager."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        secret_key: str,
        *,
        concurrency: int = 8,
        timeout: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = {
            "X-Api-Key": api_key,
            "X-Secret-Key": secret_key,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        self._concurrency = concurrency
        # Every field is set: a ClientTimeout built by hand starts from all-None. No
        # sock_read: `total` already bounds the read, and a read timer is re-armed on
        # every chunk received, which costs CPU on each answer for nothing.
        self._timeout = aiohttp.ClientTimeout(
            total=timeout,
            connect=timeout,
            sock_connect=timeout,
            sock_read=None,
            ceil_threshold=5,
        )
        self._session: aiohttp.ClientSession | None = None

    def __repr__(self) -> str:
        return f"LabelsClient(base_url={self.base_url!r}, keys=<redacted>)"

    async def __aenter__(self) -> LabelsClient:
        connector = aiohttp.TCPConnector(
            # Workers plus the odd lookup running beside them.
            limit=self._concurrency + 2,
            limit_per_host=self._concurrency + 2,
            # Short, so we drop an idle connection before the server does: aiohttp does
            # not retry a POST on a connection the server closed under it.
            keepalive_timeout=3.0,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers=self._headers,
            timeout=self._timeout,
            raise_for_status=False,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _request(
        self, method: str, path: str, *, body: Any = None, params: dict[str, str] | None = None
    ) -> Answer:
        session = self._session
        if session is None:
            raise RuntimeError("LabelsClient used outside its async with block")
        data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
        try:
            async with session.request(
                method, self.base_url + path, data=data, params=params, allow_redirects=False
            ) as resp:
                raw = await resp.read()
                status = resp.status
                retry_after = resp.headers.get("Retry-After")
        except (aiohttp.ClientError, TimeoutError) as exc:
            return transport_failure(exc, method)
        try:
            parsed: Any = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        # The text is needed only to describe an answer that is not the JSON envelope.
        text = "" if isinstance(parsed, dict) else raw.decode("utf-8", errors="replace")
        return classify(status, parsed, text, retry_after, method)

    # The calls below are plain functions handing back the request's coroutine: awaiting
    # it directly saves one coroutine per request on the hot path.

    def create(self, payload: dict[str, Any] | bytes) -> Coroutine[Any, Any, Answer]:
        """POST a label; `payload` may already be JSON bytes (the plan's Job.body)."""
        return self._request("POST", LABELS_PATH, body=payload)

    def update(self, label_id: str, changes: dict[str, Any]) -> Coroutine[Any, Any, Answer]:
        return self._request("PATCH", f"{LABELS_PATH}{label_id}/", body=changes)

    def list_page(
        self,
        page: int,
        *,
        limit: int = LIST_PAGE_LIMIT,
        name: str | None = None,
        label_type: str | None = None,
        project: str | None = None,
    ) -> Coroutine[Any, Any, Answer]:
        """One page of labels; `name` narrows by case-insensitive substring."""
        params = {"page": str(page), "limit": str(limit)}
        if name is not None:
            params["search"] = name
        if label_type is not None:
            params["type"] = label_type
        if project is not None:
            params["project_id"] = project
        return self._request("GET", LABELS_PATH, params=params)
