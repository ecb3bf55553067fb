"""Reading a request body as the server's framework does: its media type, its JSON, and
what it makes of an empty or missing body."""

from __future__ import annotations

import json

from aiohttp import web

from pipeline.sandbox.envelope import ApiError, framework_error, non_field_error

MAX_BODY = 1024 * 1024
JSON_TYPE = "application/json"


def too_large() -> ApiError:
    return ApiError(413, "Request body exceeds the 1 MiB limit.", "request_too_large")


def _reject_constant(name: str) -> object:
    """NaN and Infinity are not JSON; the server's strict parser refuses them by name."""
    raise ValueError(f"Out of range float values are not JSON compliant: {name!r}")


def _parsed(raw: bytes) -> object:
    try:
        # Decoded first, as the server's parser reads the stream as UTF-8: bytes handed to
        # json.loads would also be taken as UTF-16 or UTF-32.
        return json.loads(raw.decode(), parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise framework_error(400, f"JSON parse error - {exc}", "parse_error") from None


async def request_data(request: web.Request) -> object:
    """The body's JSON value. No body, or no Content-Type at all, reads as `{}` (the
    server does not look at the body then); another media type is a 415."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise too_large()
    header = request.headers.get("Content-Type")
    raw = await request.read()
    if not raw or header is None:
        return {}
    if request.content_type != JSON_TYPE:
        message = f'Unsupported media type "{header}" in request.'
        raise framework_error(415, message, "unsupported_media_type")
    return _parsed(raw)


async def request_object(request: web.Request) -> dict[str, object]:
    """The body as a serializer takes it: a JSON object, nothing else."""
    data = await request_data(request)
    if data is None:
        raise non_field_error("No data provided", "null")
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise non_field_error(f"Invalid data. Expected a dictionary, but got {kind}.")
    return data


def is_empty(data: object) -> bool:
    """What the server's restore takes for no body: nothing, or an empty value."""
    if data is None or data == "":
        return True
    return isinstance(data, dict | list | str) and len(data) == 0
