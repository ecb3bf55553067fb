"""The HTTP client for the labels API: one session, its timeouts and headers, nothing else.

Each call reads the whole answer and hands its status, body and `Retry-After` header to
`answers.classify` (or a transport failure to `answers.transport_failure`), so no aiohttp
exception and no HTTP status code leaks past this module, and what an answer means is
decided in answers.py alone. Every body and transport error is redacted of the keys
(redact.py) before it is parsed. A body over the cap for what it is to carry
(`ANSWER_CAPS`) is refused unread, and the bodies being read at once share one
`AnswerBudget` (budget.py), so memory stays bounded whatever the concurrency.
"""

from __future__ import annotations

import json
from collections.abc import Coroutine
from types import TracebackType
from typing import Any

import aiohttp

from pipeline.send.answers import Answer, Expects, classify, transport_failure, unreadable
from pipeline.send.budget import AnswerBudget
from pipeline.send.redact import Redactor

LABELS_PATH = "/model-hub/annotations-labels/"
LIST_PAGE_LIMIT = 500
MIB = 2**20
# Answers are read into memory whole, so the size is checked first, against a cap for
# what the answer is to carry. The largest honest answer is a list page of 500 labels:
# real labels are a few KiB, and 32 MiB still holds 500 of 64 KiB each (a categorical
# label with hundreds of long options).
MAX_ANSWER_BYTES = 32 * MIB
# One label holds at most what requests at the server's 1 MiB body limit can put in it: a
# create, or one PATCH of its settings and another of its description (2 MiB). Twice
# that leaves room for the fields the server adds and for its spacing.
LABEL_ANSWER_BYTES = 4 * MIB
ANSWER_CAPS: dict[Expects, int] = {
    "page": MAX_ANSWER_BYTES,
    "label": LABEL_ANSWER_BYTES,
    # A 204, or an error: the envelope, or a proxy's page.
    "nothing": MIB,
}
# What the bodies being read at once may hold together: two pages at their cap, or
# sixteen labels at theirs, while honest answers (a few KiB a label, a MiB or two a page)
# never wait; at 256 requests in flight, 256 answers at the cap would be 8 GiB.
ANSWER_BUDGET_BYTES = 64 * MIB
READ_AHEAD_BYTES = 16 * 1024


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
        answer_budget: int = ANSWER_BUDGET_BYTES,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = {
            "X-Api-Key": api_key,
            "X-Secret-Key": secret_key,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        self._redact = Redactor((api_key, secret_key))
        self._concurrency = concurrency
        self.answer_budget = AnswerBudget(answer_budget)
        # No cap over the whole budget: such an answer would wait for room for ever.
        self._caps = {expects: min(cap, answer_budget) for expects, cap in ANSWER_CAPS.items()}
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
            # aiohttp stops reading a connection once about twice this much of an answer
            # waits unread: an answer waiting for room in the budget then holds some
            # 100 KiB read ahead, not the 600 KiB of the 64 KiB default (25 MiB at 256
            # connections, not 150).
            read_bufsize=READ_AHEAD_BYTES,
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
        self,
        method: str,
        path: str,
        expects: Expects,
        *,
        body: Any = None,
        params: dict[str, str] | None = None,
    ) -> Answer:
        session = self._session
        if session is None:
            raise RuntimeError("LabelsClient used outside its async with block")
        data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
        try:
            async with session.request(
                method, self.base_url + path, data=data, params=params, allow_redirects=False
            ) as resp:
                return await self._answer(resp, method, expects)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return transport_failure(exc, method, self._redact.text)

    async def _answer(self, resp: aiohttp.ClientResponse, method: str, expects: Expects) -> Answer:
        """Read and classify `resp`, its body holding room in the answer budget until parsed.

        A declared length over the cap is refused before a byte is read; a streamed or
        compressed body (whose declared length says nothing of its unpacked size) reserves
        the whole cap, and is refused as soon as it passes it.
        """
        status, retry_after = resp.status, resp.headers.get("Retry-After")
        cap = self._caps[expects]
        length = resp.content_length
        if length is not None and length > cap:
            return _refused(resp, retry_after, method, cap)
        exact = None if "Content-Encoding" in resp.headers else length
        room = cap if exact is None else exact
        await self.answer_budget.take(room)
        try:
            raw = await resp.read() if exact is not None else await _read_stream(resp.content, cap)
            if raw is None:
                return _refused(resp, retry_after, method, cap)
            return self._classify(status, self._redact.bytes(raw), retry_after, method, expects)
        finally:
            self.answer_budget.give(room)

    def _classify(
        self, status: int, raw: bytes, retry_after: str | None, method: str, expects: Expects
    ) -> Answer:
        """Parse a body already redacted as bytes and hand it to `classify`."""
        try:
            parsed: Any = json.loads(raw) if raw else None
            if b"\\" in raw:
                parsed = self._redact.parsed(parsed)
        except ValueError:
            parsed = None
        except RecursionError:
            return unreadable(status, retry_after, method, "JSON nested too deep to read")
        # The text is needed only to describe an answer that is not the JSON envelope.
        text = "" if isinstance(parsed, dict) else raw.decode("utf-8", errors="replace")
        return classify(status, parsed, text, retry_after, method, expects)

    # The calls below are plain functions handing back the request's coroutine: awaiting
    # it directly saves one coroutine per request on the hot path.

    def create(self, payload: dict[str, Any] | bytes) -> Coroutine[Any, Any, Answer]:
        """POST a label; `payload` may already be JSON bytes (the plan's Job.body)."""
        return self._request("POST", LABELS_PATH, "label", body=payload)

    def update(self, label_id: str, changes: dict[str, Any]) -> Coroutine[Any, Any, Answer]:
        return self._request("PATCH", f"{LABELS_PATH}{label_id}/", "label", body=changes)

    def list_page(
        self,
        page: int,
        *,
        limit: int = LIST_PAGE_LIMIT,
        name: str | None = None,
        label_type: str | None = None,
        project: str | None = None,
        include_archived: bool = False,
    ) -> Coroutine[Any, Any, Answer]:
        """One page of labels; `name` narrows by case-insensitive substring, and archived
        labels are listed beside the active ones only when `include_archived` is set."""
        params = {"page": str(page), "limit": str(limit)}
        if name is not None:
            params["search"] = name
        if label_type is not None:
            params["type"] = label_type
        if project is not None:
            params["project_id"] = project
        if include_archived:
            params["include_archived"] = "true"
        return self._request("GET", LABELS_PATH, "page", params=params)


def _refused(
    resp: aiohttp.ClientResponse, retry_after: str | None, method: str, cap: int
) -> Answer:
    """The answer to a body over `cap`, the rest of which is never read: closing drops the
    connection instead of draining it."""
    resp.close()
    why = f"answer over {cap / MIB:g} MiB, refused unread"
    return unreadable(resp.status, retry_after, method, why)


async def _read_stream(content: aiohttp.StreamReader, cap: int) -> bytes | None:
    """The whole body, or None as soon as it passes `cap`."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in content.iter_any():
        size += len(chunk)
        if size > cap:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
