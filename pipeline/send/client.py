"""The HTTP client for the labels API: one session, and every answer classified once.

Each call returns an `Answer` whose `kind` is all the engine needs to decide what to do
next; no aiohttp exception and no HTTP status code leaks past this module. The split
between `transient` and `ambiguous` matters for exactly-once: an ambiguous failure
happened after the request may have reached the server, so the label may exist.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any, Literal

import aiohttp

LABELS_PATH = "/model-hub/annotations-labels/"
LIST_PAGE_LIMIT = 500

Kind = Literal["ok", "exists", "permanent", "transient", "ambiguous", "fatal"]

# Statuses whose meaning the API contract fixes; anything else is judged by its class.
_PERMANENT = frozenset({400, 404, 413, 422})
_TRANSIENT = frozenset({429, 500, 502, 503, 504})
_FATAL = frozenset({401, 402, 403})
_EXISTS_MARKER = "already exists"
_MESSAGE_LIMIT = 300


@dataclass(frozen=True, slots=True)
class Answer:
    """The classified outcome of one request."""

    kind: Kind
    status: int | None
    message: str
    body: Any = None
    retry_after: float | None = None

    @property
    def label(self) -> dict[str, Any] | None:
        """The label a create/update answer carries (inside the `result` envelope)."""
        if isinstance(self.body, dict) and isinstance(self.body.get("result"), dict):
            result: dict[str, Any] = self.body["result"]
            return result
        return None


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def _message_of(status: int, body: Any, text: str) -> str:
    """The server's own words when the body is the error envelope, else a short excerpt."""
    if isinstance(body, dict):
        for key in ("message", "detail", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                details = body.get("details")
                if isinstance(details, dict) and details:
                    fields = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in details.items())
                    return f"{value} ({fields})"[:_MESSAGE_LIMIT]
                return value[:_MESSAGE_LIMIT]
    snippet = " ".join(text.split())[:80]
    if snippet.startswith("<"):
        return f"HTTP {status} (non-JSON answer from a proxy)"
    return f"HTTP {status}" + (f": {snippet}" if snippet else "")


def classify(status: int, body: Any, text: str, retry_after: str | None) -> Answer:
    """Map one HTTP answer to the kind of thing the engine must do about it."""
    if 200 <= status < 300:
        if not isinstance(body, dict):
            # Something answered 2xx without the API's JSON: the request may have been
            # served, but we cannot tell by what, so treat it like a lost answer.
            return Answer("ambiguous", status, f"HTTP {status} without a JSON body")
        return Answer("ok", status, "", body)
    message = _message_of(status, body, text)
    if status == 400 and _EXISTS_MARKER in message.casefold():
        return Answer("exists", status, message, body)
    if status in _FATAL:
        return Answer("fatal", status, message, body)
    if 300 <= status < 400:
        # Redirects are never followed (they could carry the keys elsewhere); every row
        # would get the same answer, so the run cannot go on.
        return Answer("fatal", status, f"HTTP {status} redirect: check the base URL", body)
    if status in _TRANSIENT or status >= 500:
        return Answer("transient", status, message, body, parse_retry_after(retry_after))
    if status in _PERMANENT or 400 <= status < 500:
        return Answer("permanent", status, message, body)
    return Answer("permanent", status, message, body)


def _failure(exc: BaseException) -> Answer:
    """Classify a transport failure by whether the request can have reached the server."""
    name = type(exc).__name__
    detail = str(exc).strip()
    message = f"{name}: {detail}"[:_MESSAGE_LIMIT] if detail else name
    if isinstance(exc, (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)):
        return Answer("transient", None, message)
    return Answer("ambiguous", None, message)


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
            return _failure(exc)
        try:
            parsed: Any = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        # The text is needed only to describe an answer that is not the JSON envelope.
        text = "" if isinstance(parsed, dict) else raw.decode("utf-8", errors="replace")
        return classify(status, parsed, text, retry_after)

    async def create(self, payload: dict[str, Any] | bytes) -> Answer:
        """POST a label; `payload` may already be JSON bytes (the engine's Job.body)."""
        return await self._request("POST", LABELS_PATH, body=payload)

    async def update(self, label_id: str, changes: dict[str, Any]) -> Answer:
        answer = await self._request("PATCH", f"{LABELS_PATH}{label_id}/", body=changes)
        return _idempotent(answer)

    async def list_page(
        self,
        page: int,
        *,
        limit: int = LIST_PAGE_LIMIT,
        name: str | None = None,
        label_type: str | None = None,
        project: str | None = None,
    ) -> Answer:
        """One page of labels; `name` narrows by case-insensitive substring."""
        params = {"page": str(page), "limit": str(limit)}
        if name is not None:
            params["search"] = name
        if label_type is not None:
            params["type"] = label_type
        if project is not None:
            params["project_id"] = project
        return _idempotent(await self._request("GET", LABELS_PATH, params=params))


def _idempotent(answer: Answer) -> Answer:
    """A lost answer to GET or PATCH is harmless to repeat, so it is merely transient."""
    if answer.kind == "ambiguous":
        return Answer("transient", answer.status, answer.message, answer.body)
    return answer


def page_labels(answer: Answer) -> tuple[list[dict[str, Any]], bool]:
    """The labels on a list page and whether another page follows."""
    body = answer.body
    if not isinstance(body, dict):
        return [], False
    results = body.get("results")
    labels = (
        [item for item in results if isinstance(item, dict)] if isinstance(results, list) else []
    )
    return labels, bool(body.get("next"))
