"""The aiohttp.web application: the labels API, its auth, faults and the sandbox's own stats."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import math
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from pipeline.sandbox import rules
from pipeline.sandbox.config import SandboxConfig
from pipeline.sandbox.envelope import ApiError, error_response, json_response, success
from pipeline.sandbox.faults import PROXY_HTML, Fate, Faults
from pipeline.sandbox.store import Duplicate, LabelStore, org_uuid

LABELS_PATH = "/model-hub/annotations-labels/"
MAX_BODY = 1024 * 1024
DEFAULT_LIMIT = 10
MAX_LIMIT = 500
# No organisation has a billion pages; the bound keeps every page's offset inside SQLite's
# 64-bit integers instead of overflowing them into a 500.
MAX_PAGE = 1_000_000_000
# Django REST framework's IntegerField refuses longer strings before converting them.
MAX_INTEGER_TEXT = 1000
_INTEGER = re.compile(r"[+-]?[0-9]+")
DUPLICATE_MESSAGE = "A label with this name and type already exists in the selected project."

log = logging.getLogger(__name__)


@dataclass
class SandboxState:
    config: SandboxConfig
    store: LabelStore
    faults: Faults
    secrets: dict[str, str]
    requests: int = 0
    by_status: Counter[str] = field(default_factory=Counter)

    def stats(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "by_status": dict(self.by_status),
            "labels": self.store.active_count(),
            "created": self.store.created_count(),
        }

    def reset(self) -> None:
        self.store.reset()
        self.requests = 0
        self.by_status.clear()


STATE = web.AppKey("state", SandboxState)
_ORG = web.RequestKey("org", str)
_DROPPED = web.RequestKey("dropped", bool)
_GONE = web.RequestKey("gone", bool)


def _close_without_answer(request: web.Request) -> web.Response:
    """Close the connection so the client gets no answer at all, as a lost packet would."""
    request[_DROPPED] = True
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=499)


def _authenticate(request: web.Request, state: SandboxState) -> str:
    api_key = request.headers.get("X-Api-Key")
    secret_key = request.headers.get("X-Secret-Key")
    if not api_key or not secret_key:
        raise ApiError(401, "Authentication credentials were not provided.", "not_authenticated")
    expected = state.secrets.get(api_key)
    if expected is None or not hmac.compare_digest(expected.encode(), secret_key.encode()):
        raise ApiError(401, "Invalid API key or secret key", "authentication_failed")
    return api_key


@web.middleware
async def _count(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Outermost: count every API request and the status (or drop) of every answer."""
    if request.path.startswith("/_sandbox/"):
        return await handler(request)
    state = request.app[STATE]
    state.requests += 1
    try:
        response = await handler(request)
    except asyncio.CancelledError:
        _note_client_gone(request)
        state.by_status["disconnected"] += 1
        raise
    state.by_status[_outcome(request, response)] += 1
    return response


def _outcome(request: web.Request, response: web.StreamResponse) -> str:
    if request.get(_DROPPED):
        return "dropped"
    if request.get(_GONE):
        return "disconnected"
    return str(response.status)


def _note_client_gone(request: web.Request) -> None:
    """The client hung up before its answer: its own doing, so no error and no traceback."""
    request[_GONE] = True
    log.info("client went away before the answer to %s %s", request.method, request.path)


@web.middleware
async def _envelope(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every error leaves as the error envelope; no traceback ever reaches the client."""
    try:
        return await handler(request)
    except ApiError as err:
        return error_response(err)
    except ConnectionResetError:
        _note_client_gone(request)
        return web.Response(status=499)
    except web.HTTPMethodNotAllowed:
        return error_response(
            ApiError(405, f'Method "{request.method}" not allowed.', "method_not_allowed")
        )
    except web.HTTPRequestEntityTooLarge:
        return error_response(_too_large())
    except web.HTTPException as exc:
        if exc.status == 404:
            return error_response(ApiError(404, "Not found.", "not_found"))
        return error_response(ApiError(exc.status, exc.reason, "error"))
    except Exception:
        log.exception("sandbox handler failed")
        return error_response(ApiError(500, "A server error occurred.", "error"))


@web.middleware
async def _faults(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Latency, auth, throttling and injected faults, in the order a real deployment has them."""
    if request.match_info.http_exception is not None or request.path.startswith("/_sandbox/"):
        return await handler(request)
    state = request.app[STATE]
    delay = state.faults.delay_s()
    if delay:
        await asyncio.sleep(delay)
    org = _authenticate(request, state)
    retry_after = state.faults.retry_after(org)
    if retry_after is not None:
        raise _throttled(retry_after)
    fate, status = state.faults.fate()
    if fate is Fate.THROTTLE:
        raise _throttled(state.config.throttle_retry_after)
    if fate is Fate.ERROR:
        return _server_error(status)
    if fate is Fate.DROP:
        return _close_without_answer(request)
    request[_ORG] = org
    response = await handler(request)
    if fate is Fate.AMBIGUOUS:
        return _close_without_answer(request)
    return response


def _throttled(retry_after: int) -> ApiError:
    return ApiError(
        429,
        f"Request was throttled. Expected available in {retry_after} seconds.",
        "throttled",
        headers={"Retry-After": str(retry_after)},
    )


def _server_error(status: int) -> web.Response:
    if status in PROXY_HTML:
        return web.Response(status=status, text=PROXY_HTML[status], content_type="text/html")
    raise ApiError(status, _SERVER_ERROR_MESSAGES[status], "error")


_SERVER_ERROR_MESSAGES = {
    500: "A server error occurred.",
    503: "Service temporarily unavailable, try again later.",
}


def _too_large() -> ApiError:
    return ApiError(413, "Request body exceeds the 1 MiB limit.", "request_too_large")


def _reject_constant(name: str) -> object:
    """NaN and Infinity are not JSON; the server's strict parser refuses them."""
    raise ValueError("Out of range float values are not JSON compliant")


def _finite_float(text: str) -> float:
    """1e999 parses as infinity, which no JSON answer could carry back: refuse it too."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("Out of range float values are not JSON compliant")
    return value


async def _json_body(request: web.Request) -> dict[str, Any]:
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise _too_large()
    if request.content_type != "application/json":
        raise ApiError(
            415,
            f'Unsupported media type "{request.content_type}" in request.',
            "unsupported_media_type",
        )
    raw = await request.read()
    try:
        body = json.loads(raw, parse_constant=_reject_constant, parse_float=_finite_float)
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, f"JSON parse error - {exc}", "parse_error") from None
    if not isinstance(body, dict):
        kind = {list: "list", str: "str", int: "int", float: "float", bool: "bool"}.get(
            type(body), "null"
        )
        message = f"Invalid data. Expected a dictionary, but got {kind}."
        raise ApiError(
            400,
            message,
            "invalid",
            attr="non_field_errors",
            details={"non_field_errors": [message]},
        )
    return body


def _label_id(request: web.Request) -> str:
    try:
        return str(uuid.UUID(request.match_info["label_id"]))
    except ValueError:
        raise ApiError(404, "Not found.", "not_found") from None


def _org(request: web.Request) -> str:
    return org_uuid(request[_ORG])


def _existing(state: SandboxState, org: str, label_id: str) -> dict[str, Any]:
    label = state.store.get(org, label_id)
    if label is None:
        raise ApiError(404, "Not found.", "not_found")
    return label


def _duplicate() -> ApiError:
    return ApiError(400, DUPLICATE_MESSAGE, "invalid", attr="non_field_errors")


async def create_label(request: web.Request) -> web.Response:
    state = request.app[STATE]
    fields = rules.parse_create(await _json_body(request))
    assert fields.name is not None and fields.type is not None and fields.settings is not None
    try:
        label = state.store.create(
            _org(request),
            name=fields.name,
            label_type=fields.type,
            settings=fields.settings,
            description=fields.description,
            project=fields.project,
            allow_notes=bool(fields.allow_notes),
        )
    except Duplicate:
        raise _duplicate() from None
    # The live server's create answer has no updated_at; clients must not come to rely on it.
    del label["updated_at"]
    return success(label)


def _flag(request: web.Request, name: str) -> bool | None:
    value = request.query.get(name)
    if value is None or value == "":
        return None
    return value.strip().lower() in ("1", "true", "yes", "on")


def _query_error(name: str, message: str, code: str) -> ApiError:
    return ApiError(400, f"{name}: {message}", code, attr=name, details={name: [message]})


def _bounded_int(request: web.Request, name: str, default: int, high: int) -> int:
    """A query integer from 1 to `high`, checked as the server's IntegerField checks it.

    The text is bounded before it is converted, and only ASCII digits count: Python's
    int() would also take "1_000" and other scripts' digits.
    """
    text = request.query.get(name, "").strip()
    if not text:
        return default
    if len(text) > MAX_INTEGER_TEXT:
        raise _query_error(name, "String value too large.", "max_string_length")
    if not _INTEGER.fullmatch(text):
        raise _query_error(name, "A valid integer is required.", "invalid")
    number = int(text)
    if number < 1:
        raise _query_error(name, "Ensure this value is greater than or equal to 1.", "min_value")
    if number > high:
        message = f"Ensure this value is less than or equal to {high}."
        raise _query_error(name, message, "max_value")
    return number


def _type_filter(label_type: str | None) -> str | None:
    if label_type is not None and label_type not in rules.LABEL_TYPES:
        message = f"Select a valid choice. {label_type} is not one of the available choices."
        raise ApiError(400, message, "invalid_choice", attr="type", details={"type": [message]})
    return label_type


def _project_filter(project: str | None) -> str | None:
    if project is None:
        return None
    try:
        return str(uuid.UUID(project))
    except ValueError:
        message = "Enter a valid UUID."
        raise ApiError(
            400, message, "invalid", attr="project_id", details={"project_id": [message]}
        ) from None


def _archived_filter(request: web.Request) -> bool | None:
    """Active labels only, unless `archived` picks a side or `include_archived` asks for both."""
    archived = _flag(request, "archived")
    if archived is None:
        return None if _flag(request, "include_archived") else False
    return archived


def _page_links(request: web.Request, page: int, total_pages: int) -> tuple[str | None, str | None]:
    """The next and previous page URLs, as DRF builds them (page 1 has no `page` parameter)."""
    url = request.url
    next_url = str(url.update_query(page=page + 1)) if page < total_pages else None
    if page == 1:
        return next_url, None
    if page == 2:
        return next_url, str(url.without_query_params("page"))
    return next_url, str(url.update_query(page=page - 1))


async def list_labels(request: web.Request) -> web.Response:
    state = request.app[STATE]
    query = request.query
    limit = _bounded_int(request, "limit", DEFAULT_LIMIT, MAX_LIMIT)
    page = _bounded_int(request, "page", 1, MAX_PAGE)
    label_type = _type_filter(query.get("type") or None)
    project = _project_filter(query.get("project_id") or None)
    archived = _archived_filter(request)
    result = state.store.list(
        _org(request),
        offset=(page - 1) * limit,
        limit=limit,
        label_type=label_type,
        search=query.get("search") or None,
        project=project,
        archived=archived,
    )
    total_pages = max(1, math.ceil(result.count / limit))
    if page > total_pages:
        raise ApiError(404, "Invalid page.", "not_found")
    next_url, previous_url = _page_links(request, page, total_pages)
    return json_response(
        {
            "count": result.count,
            "next": next_url,
            "previous": previous_url,
            "results": result.labels,
            "total_pages": total_pages,
            "current_page": page,
        }
    )


async def get_label(request: web.Request) -> web.Response:
    return success(_existing(request.app[STATE], _org(request), _label_id(request)))


async def patch_label(request: web.Request) -> web.Response:
    state = request.app[STATE]
    org, label_id = _org(request), _label_id(request)
    label = _existing(state, org, label_id)
    fields = rules.parse_patch(await _json_body(request), label["type"])
    changes: dict[str, Any] = {}
    if fields.name is not None:
        changes["name"] = fields.name
    if fields.description_given:
        changes["description"] = fields.description
    if fields.settings is not None:
        changes["settings"] = fields.settings
    if fields.allow_notes is not None:
        changes["allow_notes"] = fields.allow_notes
    try:
        return success(state.store.update(org, label_id, changes))
    except Duplicate:
        raise _duplicate() from None


async def archive_label(request: web.Request) -> web.Response:
    state = request.app[STATE]
    org, label_id = _org(request), _label_id(request)
    if _existing(state, org, label_id)["archived"]:
        raise ApiError(404, "Not found.", "not_found")
    return success(state.store.set_archived(org, label_id, True))


async def restore_label(request: web.Request) -> web.Response:
    state = request.app[STATE]
    org, label_id = _org(request), _label_id(request)
    if not _existing(state, org, label_id)["archived"]:
        raise ApiError(404, "Label is not archived.", "not_found")
    try:
        return success(state.store.set_archived(org, label_id, False))
    except Duplicate:
        raise _duplicate() from None


async def sandbox_stats(request: web.Request) -> web.Response:
    return json_response(request.app[STATE].stats())


async def sandbox_reset(request: web.Request) -> web.Response:
    request.app[STATE].reset()
    return json_response({"status": True})


def create_app(config: SandboxConfig) -> web.Application:
    """Build the emulator; its store lives as long as the application."""
    app = web.Application(middlewares=[_count, _envelope, _faults], client_max_size=MAX_BODY)
    state = SandboxState(
        config=config,
        store=LabelStore(config.db_path),
        faults=Faults(config),
        secrets={org.api_key: org.secret_key for org in config.orgs},
    )
    app[STATE] = state
    one = LABELS_PATH + "{label_id}/"
    app.router.add_get(LABELS_PATH, list_labels, allow_head=False)
    app.router.add_post(LABELS_PATH, create_label)
    app.router.add_get(one, get_label, allow_head=False)
    app.router.add_patch(one, patch_label)
    app.router.add_delete(one, archive_label)
    app.router.add_post(one + "restore/", restore_label)
    app.router.add_get("/_sandbox/stats", sandbox_stats, allow_head=False)
    app.router.add_post("/_sandbox/reset", sandbox_reset)

    async def close_store(_: web.Application) -> None:
        state.store.close()

    app.on_cleanup.append(close_store)
    return app
