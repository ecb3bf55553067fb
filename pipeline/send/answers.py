"""What an answer means: every HTTP answer and transport failure, classified once.

This is the one place that decides what is retried (`Answer.retryable`) and whether the
server may have acted on a request (`Answer.may_have_acted`); the client only does HTTP,
and the retry loop (retry.py) only decides how many times and how long. The split between
`transient` and `ambiguous` matters for exactly-once: an ambiguous failure happened after
the request may have reached the server, so the label may exist.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Literal

import aiohttp

Kind = Literal["ok", "exists", "permanent", "transient", "ambiguous", "fatal"]

_RETRIED: frozenset[Kind] = frozenset({"transient", "ambiguous"})
_FATAL = frozenset({401, 402, 403})
# Requests that are harmless to repeat: a lost answer to one is merely transient.
_IDEMPOTENT = frozenset({"GET", "PATCH"})
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

    @property
    def retryable(self) -> bool:
        """Whether sending the same request again may get a better answer."""
        return self.kind in _RETRIED

    @property
    def may_have_acted(self) -> bool:
        """Whether the server may have carried the request out.

        A success did; a lost answer or a 5xx (which can come after the work) may have.
        A 429, a refused connection and every 4xx prove it did nothing. A lost answer to
        an idempotent request is classified transient with no status, so it counts as
        not acted: a repeat does the same again, and there is nothing to reconcile.
        """
        if self.kind == "transient":
            return (self.status or 0) >= 500
        return self.kind in ("ok", "ambiguous")

    @property
    def throttled(self) -> bool:
        """The server asks the whole pool to slow down."""
        return self.status == 429


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


def _lost(method: str, status: int | None, message: str) -> Answer:
    """An answer that never arrived whole: the request may have been served."""
    return Answer("transient" if method in _IDEMPOTENT else "ambiguous", status, message)


def classify(
    status: int, body: Any, text: str, retry_after: str | None, method: str = "POST"
) -> Answer:
    """Map one HTTP answer to the kind of thing the sender must do about it."""
    if 200 <= status < 300:
        if not isinstance(body, dict):
            # Something answered 2xx without the API's JSON: the request may have been
            # served, but we cannot tell by what, so treat it like a lost answer.
            return _lost(method, status, f"HTTP {status} without a JSON body")
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
    if status == 429 or status >= 500:
        return Answer("transient", status, message, body, parse_retry_after(retry_after))
    return Answer("permanent", status, message, body)


def transport_failure(exc: BaseException, method: str) -> Answer:
    """Classify a failure to get any answer by whether the request can have reached the server."""
    name = type(exc).__name__
    detail = str(exc).strip()
    message = f"{name}: {detail}"[:_MESSAGE_LIMIT] if detail else name
    if isinstance(exc, (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)):
        return Answer("transient", None, message)
    return _lost(method, None, message)


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
