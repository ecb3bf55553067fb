"""The server's success and error envelopes, and the exceptions that carry an error answer.

The live server builds every error body the same way: `status`, `type`, `code` and the
message four times over, then `attr` and `details` only when it has them (never null).
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

# The `type` field of the error envelope, by HTTP status, as the live service sends it;
# a status it has no type for (405, 415) is an `api_error`.
ERROR_TYPES = {
    400: "validation_error",
    401: "authentication_error",
    402: "payment_required",
    403: "permission_error",
    404: "not_found",
    413: "request_too_large",
    429: "rate_limit",
    500: "server_error",
    503: "service_unavailable",
    504: "timeout",
}

# What Django sends when a view crashes outside every handler (DEBUG off): HTML, not JSON.
DJANGO_SERVER_ERROR_HTML = (
    '<!doctype html>\n<html lang="en">\n<head>\n  <title>Server Error (500)</title>\n'
    "</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n"
)

FieldDetails = dict[str, list[str]]


class ApiError(Exception):
    """An error answer; raised anywhere in a handler, turned into the envelope by middleware."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str,
        *,
        attr: str | None = None,
        details: FieldDetails | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.attr = attr
        self.details = details
        self.headers = headers or {}


class FieldError(ApiError):
    """A 400 naming fields, as the server words a serializer's errors: `field: message`,
    several messages of one field joined by ", ", several fields by "; "."""

    def __init__(self, details: FieldDetails, codes: dict[str, str]) -> None:
        first = next(iter(details))
        message = "; ".join(f"{field}: {', '.join(texts)}" for field, texts in details.items())
        super().__init__(400, message, codes[first], attr=first, details=details)


def non_field_error(message: str, code: str = "invalid") -> ApiError:
    """A serializer's error about the body as a whole: details, but no `attr`."""
    return ApiError(400, message, code, details={"non_field_errors": [message]})


def framework_error(
    status: int, message: str, code: str, headers: dict[str, str] | None = None
) -> ApiError:
    """An error the framework raises (auth, not found, parse, method, media type): its
    details hold the message under `detail`, and it has no `attr`."""
    return ApiError(status, message, code, details={"detail": [message]}, headers=headers)


class ServerCrash(Exception):
    """The server's view itself fails: HTTP 500 with Django's HTML page."""


def _encoded(body: object) -> bytes:
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    try:
        return text.encode()
    except UnicodeEncodeError:
        # A lone surrogate (stored settings, an echoed bad value) has no UTF-8 form; JSON's
        # \u escapes carry it, so the answer is still the same JSON rather than a 500.
        return json.dumps(body, separators=(",", ":")).encode()


def json_response(body: object, status: int = 200) -> web.Response:
    return web.Response(
        body=_encoded(body), status=status, content_type="application/json", charset="utf-8"
    )


def success(result: Any) -> web.Response:
    return json_response({"status": True, "result": result})


def crash_response() -> web.Response:
    return web.Response(status=500, text=DJANGO_SERVER_ERROR_HTML, content_type="text/html")


def error_response(err: ApiError) -> web.Response:
    body: dict[str, Any] = {
        "status": False,
        "type": ERROR_TYPES.get(err.status, "api_error"),
        "code": err.code,
        "detail": err.message,
        "message": err.message,
        "error": err.message,
        "result": err.message,
    }
    if err.attr is not None:
        body["attr"] = err.attr
    if err.details is not None:
        body["details"] = err.details
    response = json_response(body, status=err.status)
    response.headers.update(err.headers)
    return response
