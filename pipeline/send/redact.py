"""Keeping the keys out of everything the server says back.

A server or a proxy in front of it may echo the request's headers in an error (a 400 that
quotes the request, a debug 500 page, a gateway's plain-text dump), so the keys the client
sends can come back in any answer and in any transport error. The client runs every such
text through one `Redactor` before anything else sees it, in every form a key can take on
the way back: as sent, percent-encoded (a proxy quoting the URL or a header) and escaped
inside a JSON string. After that no message, report cell or journal line can hold a key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

REDACTED = "<redacted>"
# A value shorter than this is no secret (it is guessed in moments), and replacing every
# occurrence of it would mangle ordinary words of every answer: a key "s" would turn
# "results" into nonsense. Real keys are dozens of characters.
MIN_SECRET = 8
_PERCENT_ESCAPE = re.compile("%[0-9A-F]{2}")


def _forms(secret: str) -> set[str]:
    """The spellings of `secret` an echo can carry back."""
    percent = quote(secret, safe="")
    forms = {
        secret,
        percent,
        _PERCENT_ESCAPE.sub(lambda escape: escape.group().lower(), percent),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        json.dumps(secret)[1:-1].replace("/", "\\/"),
    }
    return {form for form in forms if form}


class Redactor:
    """Replaces every form of the given secrets with `<redacted>`, in text and in bytes."""

    def __init__(self, secrets: Iterable[str]) -> None:
        forms = set().union(*(_forms(s) for s in secrets if len(s) >= MIN_SECRET))
        # Longest first: a form that contains another is replaced whole.
        self._texts = sorted(forms, key=len, reverse=True)
        self._bytes = [form.encode() for form in self._texts]

    def text(self, value: str) -> str:
        for form in self._texts:
            if form in value:
                value = value.replace(form, REDACTED)
        return value

    def bytes(self, value: bytes) -> bytes:
        """The answer's body as it came, before it is parsed or decoded."""
        for form in self._bytes:
            if form in value:
                value = value.replace(form, REDACTED.encode())
        return value

    def parsed(self, value: Any) -> Any:
        """A parsed JSON body: its strings, keys included, redacted.

        Needed only when the raw body held escapes: `\\u0041` in JSON is the letter `A`,
        so a key spelled with such escapes is whole only after parsing.
        """
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.parsed(item) for item in value]
        if isinstance(value, dict):
            return {self.text(key): self.parsed(item) for key, item in value.items()}
        return value
