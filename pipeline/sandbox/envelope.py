"""The server's success and error envelopes, and the exception that carries an error answer."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

# The `type` field of the error envelope, by HTTP status, as the live service sends it.
ERROR_TYPES = {
    400: "validation_error",
    401: "authentication_error",
    402: "payment_required",
    403: "permission_error",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "rate_limit",
    500: "server_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "timeout",
}

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
    """A 400 naming fields, the way the server's serializers report them."""

    def __init__(self, details: FieldDetails, codes: dict[str, str]) -> None:
        first = next(iter(details))
        message = details[first][0]
        super().__init__(400, message, codes[first], attr=first, details=details)


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


def error_response(err: ApiError) -> web.Response:
    body = {
        "status": False,
        "type": ERROR_TYPES.get(err.status, "client_error" if err.status < 500 else "server_error"),
        "code": err.code,
        "detail": err.message,
        "message": err.message,
        "error": err.message,
        "result": err.message,
        "attr": err.attr,
        "details": err.details,
    }
    response = json_response(body, status=err.status)
    response.headers.update(err.headers)
    return response
