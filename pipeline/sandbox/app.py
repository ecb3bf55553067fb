"""The aiohttp.web application: the labels API, its auth, faults and the sandbox's own stats."""

from __future__ import annotations

import asyncio
import hmac
import logging
import math
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from pipeline.sandbox import rules
from pipeline.sandbox.body import MAX_BODY, is_empty, request_data, request_object, too_large
from pipeline.sandbox.config import SandboxConfig
from pipeline.sandbox.envelope import (
    ApiError,
    ServerCrash,
    crash_response,
    error_response,
    framework_error,
    json_response,
    non_field_error,
    success,
)
from pipeline.sandbox.faults import PROXY_HTML, Fate, Faults
from pipeline.sandbox.fields import parse_fields
from pipeline.sandbox.query import Query, parse_query
from pipeline.sandbox.store import OUTPUT_TYPES, LabelStore, org_uuid

__all__ = ["MAX_BODY", "STATE", "SandboxState", "create_app"]

LABELS_PATH = "/model-hub/annotations-labels/"
NO_SUCH_LABEL = "No AnnotationsLabels matches the given query."

log = logging.getLogger(__name__)


@dataclass
class SandboxState:
    config: SandboxConfig
    store: LabelStore
    faults: Faults
    secrets: dict[str, str]
    # None: no projects were declared, so every well-formed project id is taken.
    projects: frozenset[uuid.UUID] | None = None
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
        message = "Authentication credentials were not provided."
        raise framework_error(401, message, "not_authenticated")
    expected = state.secrets.get(api_key)
    if expected is None or not hmac.compare_digest(expected.encode(), secret_key.encode()):
        raise framework_error(401, "Invalid API key or secret key", "authentication_failed")
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
    except ServerCrash:
        return crash_response()
    except ConnectionResetError:
        _note_client_gone(request)
        return web.Response(status=499)
    except web.HTTPMethodNotAllowed:
        message = f'Method "{request.method}" not allowed.'
        return error_response(framework_error(405, message, "method_not_allowed"))
    except web.HTTPRequestEntityTooLarge:
        return error_response(too_large())
    except web.HTTPException as exc:
        if exc.status == 404:
            return error_response(ApiError(404, "Not found.", "not_found"))
        return error_response(ApiError(exc.status, exc.reason, "error"))
    except Exception:
        log.exception("sandbox handler failed")
        return error_response(ApiError(500, "A server error occurred.", "error"))


@web.middleware
async def _faults(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Latency, auth, throttling and injected faults, in the order a real deployment has them.

    A path that matches no route is refused before any of it; a method the path does not
    take is refused after the auth, as the server's views do.
    """
    unrouted = request.match_info.http_exception
    if (unrouted is not None and unrouted.status != 405) or request.path.startswith("/_sandbox/"):
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
    return framework_error(
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


def _org(request: web.Request) -> str:
    return org_uuid(request[_ORG])


def _selected(request: web.Request, query: Query) -> dict[str, Any]:
    """The label the path names among those the query lets the caller see, or the 404.

    The server reports a malformed id in Django's generic words and an unknown one in
    its own; an archived label is unknown unless the query includes archived labels.
    """
    try:
        label_id = str(uuid.UUID(request.match_info["label_id"]))
    except ValueError:
        raise framework_error(404, "Not found.", "error") from None
    label = request.app[STATE].store.get(_org(request), label_id)
    wanted = query.archived_filter
    if label is None or (wanted is not None and label["archived"] is not wanted):
        raise framework_error(404, NO_SUCH_LABEL, "error")
    return label


async def create_label(request: web.Request) -> web.Response:
    state = request.app[STATE]
    org = _org(request)

    def exists(fields: rules.LabelFields) -> bool:
        return state.store.has_duplicate(org, fields.name, fields.type, fields.project)

    fields = rules.parse_create(await request_object(request), state.projects, exists)
    label = state.store.create(
        org,
        name=fields.name,
        label_type=fields.type,
        settings=fields.settings,
        description=fields.description,
        project=fields.project,
        allow_notes=fields.allow_notes,
    )
    return success(label)


def _page_links(request: web.Request, page: int, total_pages: int) -> tuple[str | None, str | None]:
    """The next and previous page URLs, as DRF builds them (page 1 has no `page` parameter)."""
    url = request.url
    next_url = str(url.update_query(page=page + 1)) if page < total_pages else None
    if page == 1:
        return next_url, None
    if page == 2:
        return next_url, str(url.without_query_params("page"))
    return next_url, str(url.update_query(page=page - 1))


def _listed(label: dict[str, Any], query: Query) -> dict[str, Any]:
    """A label as the list shows it: with its output type, and its usage counts when
    asked for (the sandbox records no annotations, so they are 0)."""
    if query.include_usage_count:
        label["trace_annotations_count"] = 0
        label["annotation_count"] = 0
    label["output_type"] = OUTPUT_TYPES[label["type"]]
    return label


async def list_labels(request: web.Request) -> web.Response:
    query = parse_query(request.query)
    result = request.app[STATE].store.list(
        _org(request),
        offset=(query.page - 1) * query.limit,
        limit=query.limit,
        label_type=query.type,
        search=query.search or None,
        project=query.project_id,
        archived=query.archived_filter,
    )
    total_pages = max(1, math.ceil(result.count / query.limit))
    if query.page > total_pages:
        # The server's paginator refuses the page, and its list view turns that into a 500.
        raise ApiError(500, "Failed to list annotation labels", "server_error")
    next_url, previous_url = _page_links(request, query.page, total_pages)
    return json_response(
        {
            "count": result.count,
            "next": next_url,
            "previous": previous_url,
            "results": [_listed(label, query) for label in result.labels],
            "total_pages": total_pages,
            "current_page": query.page,
        }
    )


async def get_label(request: web.Request) -> web.Response:
    return json_response(_selected(request, parse_query(request.query)))


async def _update(request: web.Request, *, whole: bool) -> web.Response:
    """PATCH (`whole` False) or PUT: the fields, uniqueness, then the settings rules of
    the label as it would become, which may have another type."""
    state = request.app[STATE]
    org = _org(request)
    label = _selected(request, parse_query(request.query))
    body = await request_object(request)
    given = parse_fields(body, required=whole, projects=state.projects)
    after = {**label, **given}
    if state.store.has_duplicate(
        org, after["name"], after["type"], after["project"], besides=label["id"]
    ):
        raise non_field_error(rules.DUPLICATE_MESSAGE)
    try:
        problem = rules.settings_problem(after["type"], after["settings"])
    except ServerCrash:
        # The server's save fails inside its update view, which ignores that and answers
        # the label as changed in memory: 200, and nothing saved.
        return json_response(after)
    if problem is not None:
        raise non_field_error(rules.settings_text(problem))
    return json_response(state.store.update(org, label["id"], given))


async def patch_label(request: web.Request) -> web.Response:
    return await _update(request, whole=False)


async def put_label(request: web.Request) -> web.Response:
    return await _update(request, whole=True)


async def archive_label(request: web.Request) -> web.Response:
    label = _selected(request, parse_query(request.query))
    request.app[STATE].store.set_archived(_org(request), label["id"], True)
    return web.Response(status=204)


async def restore_label(request: web.Request) -> web.Response:
    """Only an archived label comes back, and with no check that its name is still free."""
    if not is_empty(await request_data(request)):
        raise non_field_error("This endpoint does not accept a request body.")
    store, org = request.app[STATE].store, _org(request)
    try:
        label = store.get(org, str(uuid.UUID(request.match_info["label_id"])))
    except ValueError:
        label = None
    if label is None or not label["archived"]:
        raise ApiError(404, "Label not found or not archived.", "not_found")
    return success(store.set_archived(org, label["id"], False))


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
        projects=frozenset(map(uuid.UUID, config.projects)) if config.projects else None,
    )
    app[STATE] = state
    one = LABELS_PATH + "{label_id}/"
    app.router.add_get(LABELS_PATH, list_labels, allow_head=False)
    app.router.add_post(LABELS_PATH, create_label)
    app.router.add_get(one, get_label, allow_head=False)
    app.router.add_patch(one, patch_label)
    app.router.add_put(one, put_label)
    app.router.add_delete(one, archive_label)
    app.router.add_post(one + "restore/", restore_label)
    app.router.add_get("/_sandbox/stats", sandbox_stats, allow_head=False)
    app.router.add_post("/_sandbox/reset", sandbox_reset)

    async def close_store(_: web.Application) -> None:
        state.store.close()

    app.on_cleanup.append(close_store)
    return app
