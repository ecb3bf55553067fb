"""What an answer means: every HTTP answer and transport failure, classified once.

This is the one place that decides what is retried (`Answer.retryable`) and whether the
server may have acted on a request (`Answer.may_have_acted`); the client only does HTTP,
and the retry loop (retry.py) only decides how many times and how long. The split between
`transient` and `ambiguous` matters for exactly-once: an ambiguous failure happened after
the request may have reached the server, so the label may exist. A 2xx is `ok` only
when it carries what was asked for (a label with its id, or a page): any other 2xx is
ambiguous too, so no row is ever `created` without the server's id. A 400 saying that
the request's project is not one of the organisation's is `unknown_project`: every row
naming that project would get it too.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Literal

import aiohttp

Kind = Literal["ok", "exists", "unknown_project", "permanent", "transient", "ambiguous", "fatal"]
# What a successful answer must carry: a create or update answers the label, a list
# request a page of them, a DELETE nothing (the live server answers 204 with no body).
Expects = Literal["label", "page", "nothing"]

_RETRIED: frozenset[Kind] = frozenset({"transient", "ambiguous"})
_FATAL = frozenset({401, 402, 403})
# Requests that are harmless to repeat: a lost answer to one is merely transient.
_IDEMPOTENT = frozenset({"GET", "PATCH"})
_EXISTS_MARKER = "already exists"
# Django REST framework's answer for a primary key that names no row: the live server
# gives it for a well-formed project UUID of no project of the organisation.
_NO_SUCH_PK = re.compile(r'Invalid pk ".*" - object does not exist\.')
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
        """The label a create/update answer carries, with its id (see `label_in`)."""
        return label_in(self.body)

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


def label_id(label: Any) -> str | None:
    """The server's id of `label`, or None when it has none a row could be reported with."""
    if not isinstance(label, Mapping):
        return None
    value = label.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return text or None


def label_in(body: Any) -> dict[str, Any] | None:
    """The label an answer carries: in the `{status, result}` envelope (create) or bare
    (the live server's GET one and PATCH), and only if it has an id and the envelope does
    not say it failed."""
    # `status: false` is the envelope saying it failed, whatever else it holds.
    if not isinstance(body, dict) or body.get("status") is False:
        return None
    label = body.get("result") if "result" in body else body
    if isinstance(label, dict) and label_id(label) is not None:
        return label
    return None


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    # isdigit alone admits "²", which float() refuses.
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def _envelope_words(body: Any) -> str:
    """The server's own words when the body is the error envelope, with the field details
    its message does not already say (the live server's message joins them itself)."""
    if not isinstance(body, dict):
        return ""
    for key in ("message", "detail", "error"):
        value = body.get(key)
        if isinstance(value, str) and value:
            details = body.get("details")
            said = details.items() if isinstance(details, dict) else ()
            fields = "; ".join(f"{k}: {_flat(v)}" for k, v in said if _flat(v) not in value)
            return (f"{value} ({fields})" if fields else value)[:_MESSAGE_LIMIT]
    return ""


def _flat(value: Any) -> str:
    return " ".join(map(str, value)) if isinstance(value, list) else str(value)


def _message_of(status: int, body: Any, text: str) -> str:
    """The envelope's words, else a short excerpt of the body after the status."""
    words = _envelope_words(body)
    if words:
        return words
    # Only the head is looked at: a huge body is not split whole for an 80-character excerpt.
    snippet = " ".join(text[:_MESSAGE_LIMIT].split())[:80]
    if snippet.startswith("<"):
        return f"HTTP {status} (non-JSON answer from a proxy)"
    return f"HTTP {status}" + (f": {snippet}" if snippet else "")


def _lost(method: str, status: int | None, message: str) -> Answer:
    """An answer that never arrived whole: the request may have been served."""
    return Answer("transient" if method in _IDEMPOTENT else "ambiguous", status, message)


def _carries(body: Any, expects: Expects) -> bool:
    if expects == "label":
        return label_in(body) is not None
    if expects == "nothing":
        return True
    return isinstance(body, dict) and isinstance(body.get("results"), list)


def _names_no_project(body: Any) -> bool:
    """Whether a 400's field details say the request's project does not exist."""
    details = body.get("details") if isinstance(body, dict) else None
    said = details.get("project") if isinstance(details, dict) else None
    messages = said if isinstance(said, list) else [said]
    return any(isinstance(m, str) and _NO_SUCH_PK.fullmatch(m) for m in messages)


def classify(
    status: int,
    body: Any,
    text: str,
    retry_after: str | None,
    method: str = "POST",
    expects: Expects = "label",
) -> Answer:
    """Map one HTTP answer to the kind of thing the sender must do about it.

    A 2xx is `ok` only when it carries what the request `expects`: a label with an id, or
    a page; a request that expects nothing is done by any 2xx, a 204 with no body too.
    Any other 2xx (`{"status": false, ...}`, `{}`, a list, HTML) may still have been
    served, so it is treated like a lost answer: retried, and a create that may have
    landed is looked up. A row is never `created` without the server's id.
    """
    if 200 <= status < 300:
        if not _carries(body, expects):
            words = _envelope_words(body)
            missing = f"HTTP {status} without a {expects}"
            return _lost(method, status, f"{missing}: {words}" if words else missing)
        return Answer("ok", status, "", body)
    return _refusal(status, body, _message_of(status, body, text), retry_after)


def _refusal(status: int, body: Any, message: str, retry_after: str | None) -> Answer:
    """What an answer that is not a 2xx means."""
    if status == 400 and _EXISTS_MARKER in message.casefold():
        return Answer("exists", status, message, body)
    if status == 400 and _names_no_project(body):
        return Answer("unknown_project", status, message, body)
    if status in _FATAL:
        return Answer("fatal", status, message, body)
    if 300 <= status < 400:
        # Redirects are never followed (they could carry the keys elsewhere); every row
        # would get the same answer, so the run cannot go on.
        return Answer("fatal", status, f"HTTP {status} redirect: check the base URL", body)
    if status == 429 or status >= 500:
        return Answer("transient", status, message, body, parse_retry_after(retry_after))
    return Answer("permanent", status, message, body)


def unreadable(status: int, retry_after: str | None, method: str, why: str) -> Answer:
    """An answer whose body the client would not or could not read (`why` says which).

    A 2xx of it may have been served, so it counts as lost; any other status means what
    it always means, described by `why`.
    """
    if 200 <= status < 300:
        return _lost(method, status, f"HTTP {status}, {why}")
    return classify(status, None, why, retry_after, method)


def transport_failure(
    exc: BaseException, method: str, redact: Callable[[str], str] = str
) -> Answer:
    """Classify a failure to get any answer by whether the request can have reached the server.

    The exception's text can quote what the server sent (a malformed status line, a
    header), so it goes through `redact` before it becomes the message.
    """
    name = type(exc).__name__
    detail = redact(str(exc).strip())
    message = f"{name}: {detail}"[:_MESSAGE_LIMIT] if detail else name
    if isinstance(exc, (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)):
        return Answer("transient", None, message)
    return _lost(method, None, message)


@dataclass(frozen=True, slots=True)
class Page:
    """One list page: its labels, whether the server says another follows, and the total
    it claims (None when it gives none)."""

    labels: list[dict[str, Any]]
    more: bool
    count: int | None


def page_labels(answer: Answer) -> Page:
    """The labels on a list page, whether another page follows and the claimed total."""
    body = answer.body
    if not isinstance(body, dict):
        return Page([], False, None)
    results = body.get("results")
    labels = (
        [item for item in results if isinstance(item, dict)] if isinstance(results, list) else []
    )
    count = body.get("count")
    claimed = count if isinstance(count, int) and not isinstance(count, bool) else None
    return Page(labels, bool(body.get("next")), claimed)
