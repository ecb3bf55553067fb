"""A hostile server on loopback: the labels API as a broken or malicious deployment answers it.

It keeps labels in memory like a minimal honest server (create, "already exists", list
with search and type, PATCH), so a client can get through a run, and a `mode` makes it
misbehave in one way at a time:

- `garbage`: creates answer 200 with bytes that are not JSON (and create nothing);
- `no_label`: creates are carried out but answered 2xx without a label (a duplicate
  still gets "already exists"), cycling through
  `{"status": false, ...}`, `{}`, a list and a label without an id (updates, in both
  modes, are answered `{"status": false, ...}`);
- `echo`: creates fail echoing the request's headers (the keys) as sent, percent-encoded
  and JSON-escaped, in a 400 envelope, a 500 with `details`, an HTML 500 page, a plain
  text 400 and finally a 401, one after the other;
- `endless`: list pages never end: `repeat` the same page, `fresh` labels on every page
  with a huge `count`, or a small `count` with a next page anyway (`endless_kind`);
- `hang`: requests are never answered;
- `redirect`: every request is answered 302 to another host;
- `huge_length`, `huge_stream`, `huge_gzip`: answers over the client's cap, declared,
  streamed, or small on the wire and huge once unpacked;
- `deep_json`: a 200 of 100,000 nested lists;
- `big`: honest, but every create's label and every list page is padded to `big_size`
  bytes, written 64 KiB at a time (so the server never holds it whole) with a declared
  length, or chunked with `big_chunked`;
- `broken_http`: not HTTP at all, a status line quoting the API key (so the key is in
  the client's exception text);
- `throttle`: each create is answered 429 with `Retry-After` for its first `throttle_first`
  attempts (None: for ever);
- `unknown_project`: a create naming a project not in `projects` is refused as the live
  server refuses it (`Invalid pk "…" - object does not exist.`, in its exact envelope);
- `live_shapes`: every answer in the live server's shape (server-answers.md): creates in
  the `{status, result}` envelope (bare with `bare_create`), PATCH the bare label, DELETE
  204 with no body, list pages bare with `total_pages`, `current_page` and `output_type`,
  `page_size` labels at most, strict query parameters, errors in the live envelope.

With `secret` set, a request with another `X-Secret-Key` gets the live 401. `seen` counts
requests by method, `creates_by_project` creates by the project they name; `stop()`
takes the server away mid-run.
"""

from __future__ import annotations

import asyncio
import gzip
import itertools
import json
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

from aiohttp import web

from pipeline.send.client import LABELS_PATH, MAX_ANSWER_BYTES

Mode = Literal[
    "honest",
    "garbage",
    "no_label",
    "echo",
    "endless",
    "hang",
    "redirect",
    "huge_length",
    "huge_stream",
    "huge_gzip",
    "deep_json",
    "big",
    "broken_http",
    "throttle",
    "unknown_project",
    "live_shapes",
]
NO_LABEL_BODIES: tuple[Any, ...] = (
    {"status": False, "message": "Could not save the label", "result": None},
    {},
    [],
    {"status": True, "result": {"name": "no id"}},
    {"status": False, "message": "Not saved", "result": {"id": "ignored"}},
)
ECHOES = ("json_400", "details_500", "html_500", "text_400", "json_401")
DUPLICATE = "A label with this name and type already exists in the selected project."
WRONG_KEYS = "Invalid API key or secret key"
NO_LABEL_MATCHES = "No AnnotationsLabels matches the given query."
LIST_PARAMETERS = frozenset(
    {"page", "limit", "type", "search", "project_id", "include_archived", "archived"}
)
OUTPUT_TYPES = {"categorical": "choices", "text": "text", "thumbs_up_down": "Pass/Fail"}


def invalid_pk(project: str) -> str:
    """The live server's words for a well-formed project UUID of no project it has."""
    return f'Invalid pk "{project}" - object does not exist.'


def live_error(
    status: int,
    code: str,
    detail: str,
    *,
    attr: str | None = None,
    details: dict[str, list[str]] | None = None,
) -> web.Response:
    """An error in the live server's envelope: `attr` and `details` only when it sends them."""
    kind = {400: "validation_error", 401: "authentication_error", 404: "not_found"}
    body: dict[str, Any] = {
        "status": False,
        "type": kind.get(status, "server_error"),
        "code": code,
        "detail": detail,
        "message": detail,
        "error": detail,
        "result": detail,
    }
    if attr is not None:
        body["attr"] = attr
    if details is not None:
        body["details"] = details
    return web.json_response(body, status=status)


def field_error(field: str, code: str, message: str) -> web.Response:
    """A 400 naming one field, as the live server's serializer reports it."""
    return live_error(400, code, f"{field}: {message}", attr=field, details={field: [message]})


@dataclass
class Hostile:
    """The running server: how it misbehaves (change `mode` at any time) and what it saw."""

    url: str = ""
    mode: Mode = "honest"
    endless_kind: Literal["repeat", "fresh", "count"] = "repeat"
    throttle_first: int | None = 10
    retry_after: str = "1"
    projects: set[str] = field(default_factory=set)
    bare_create: bool = False
    page_size: int = 500
    big_size: int = 0
    big_chunked: bool = False
    secret: str | None = None
    seen: Counter[str] = field(default_factory=Counter)
    labels: dict[tuple[str, str, str | None], dict[str, Any]] = field(default_factory=dict)
    creates_by_name: Counter[str] = field(default_factory=Counter)
    creates_by_project: Counter[str | None] = field(default_factory=Counter)
    _ids: itertools.count[int] = field(default_factory=itertools.count)
    _runner: web.AppRunner | None = None

    async def stop(self) -> None:
        """Take the server away: from now on every connection is refused."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.seen[request.method] += 1
        if self.secret is not None and request.headers.get("X-Secret-Key") != self.secret:
            return live_error(
                401, "authentication_failed", WRONG_KEYS, details={"detail": [WRONG_KEYS]}
            )
        wild = await self._misbehave(request)
        if wild is not None:
            return wild
        if request.method == "POST":
            answer = self._create(await request.json())
        elif request.method == "GET":
            answer = self._page(request)
        else:
            return web.json_response({"id": request.match_info["tail"].strip("/")})
        if self.mode == "big" and answer.status == 200:
            return await _padded(request, answer, self.big_size, chunked=self.big_chunked)
        return answer

    def add(
        self, name: str, kind: str, project: str | None = None, **fields: Any
    ) -> dict[str, Any]:
        """A label already on the server, as a create would have stored it."""
        label = {"name": name, "type": kind, "project": project, "settings": {}, **fields}
        label["id"] = f"id-{next(self._ids)}"
        self.labels[(name.strip().casefold(), kind, project)] = label
        return label

    async def _misbehave(self, request: web.Request) -> web.StreamResponse | None:
        everywhere = {
            "hang": _hang,
            "redirect": _redirect,
            "huge_length": _huge_length,
            "huge_stream": _huge_stream,
            "huge_gzip": _huge_gzip,
            "deep_json": _deep_json,
            "broken_http": _broken_http,
        }
        if self.mode in everywhere:
            return await everywhere[self.mode](request)
        if self.mode == "live_shapes":
            return await self._live(request)
        if self.mode == "endless" and request.method == "GET":
            return self._endless(int(request.query.get("page", "1")))
        if request.method == "PATCH" and self.mode in ("garbage", "no_label"):
            return web.json_response(NO_LABEL_BODIES[0])
        if request.method != "POST":
            return None
        return await self._misbehave_on_create(request)

    async def _misbehave_on_create(self, request: web.Request) -> web.StreamResponse | None:
        if self.mode == "garbage":
            return web.Response(body=b"\x00\xff<<not json at all", content_type="text/plain")
        if self.mode == "echo":
            return _echo(request, ECHOES[min(self.seen["POST"], len(ECHOES)) - 1])
        if self.mode == "throttle":
            name = str((await request.json()).get("name"))
            self.creates_by_name[name] += 1
            if self.throttle_first is None or self.creates_by_name[name] <= self.throttle_first:
                body = {"status": False, "message": "Request was throttled."}
                return web.json_response(
                    body, status=429, headers={"Retry-After": self.retry_after}
                )
        if self.mode == "no_label":
            created = self._create(await request.json())
            if created.status != 200:
                return created
            answer = NO_LABEL_BODIES[(self.seen["POST"] - 1) % len(NO_LABEL_BODIES)]
            return web.json_response(answer)
        return None

    def _create(self, body: dict[str, Any]) -> web.Response:
        project = body.get("project")
        self.creates_by_project[project] += 1
        if self.mode == "unknown_project" and project is not None and project not in self.projects:
            return field_error("project", "does_not_exist", invalid_pk(project))
        key = (str(body.get("name", "")).strip().casefold(), str(body.get("type")), project)
        if key in self.labels:
            if self.mode == "live_shapes":
                return live_error(
                    400, "invalid", DUPLICATE, details={"non_field_errors": [DUPLICATE]}
                )
            return web.json_response({"status": False, "message": DUPLICATE}, status=400)
        label = {**body, "id": f"id-{next(self._ids)}", "project": project}
        self.labels[key] = label
        if self.mode == "live_shapes" and self.bare_create:
            return web.json_response(label)
        return web.json_response({"status": True, "result": label})

    def _found(self, request: web.Request) -> list[dict[str, Any]]:
        """The labels a list request asks for: by name substring, type and project."""
        search = request.query.get("search", "").casefold()
        kind = request.query.get("type")
        project = request.query.get("project_id")
        return [
            label
            for (name, label_type, in_project), label in self.labels.items()
            if search in name
            and kind in (None, label_type)
            and project in (None, in_project)
            and not label.get("archived")
        ]

    def _page(self, request: web.Request) -> web.Response:
        found = self._found(request)
        return web.json_response(
            {"count": len(found), "next": None, "previous": None, "results": found}
        )

    async def _live(self, request: web.Request) -> web.StreamResponse:
        """The honest server's work, answered in the live server's shapes."""
        if request.method == "POST":
            return self._create(await request.json())
        if request.method == "GET":
            return self._live_page(request)
        label_id = request.match_info["tail"].strip("/")
        label = next((kept for kept in self.labels.values() if kept["id"] == label_id), None)
        if label is None or label.get("archived"):
            return live_error(404, "error", NO_LABEL_MATCHES)
        if request.method == "DELETE":
            label["archived"] = True
            return web.Response(status=204)
        label.update(await request.json())
        return web.json_response(label)

    def _live_page(self, request: web.Request) -> web.Response:
        """A bare page as Django REST framework's paginator gives it, items with
        `output_type`; a page past the end is the live server's 500."""
        unknown = set(request.query) - LIST_PARAMETERS
        if unknown:
            return field_error(sorted(unknown)[0], "invalid", "Unknown field.")
        page = int(request.query.get("page", "1"))
        size = min(int(request.query.get("limit", "10")), self.page_size)
        found = self._found(request)
        total_pages = max(1, -(-len(found) // size))
        if page > total_pages:
            return live_error(500, "server_error", "Failed to list annotation labels")
        url = request.url.with_query({**request.query, "page": str(page + 1)})
        results = [
            {**label, "output_type": OUTPUT_TYPES.get(label["type"], "score")}
            for label in found[(page - 1) * size : page * size]
        ]
        body = {
            "count": len(found),
            "next": str(url) if page < total_pages else None,
            "previous": None if page == 1 else str(url.update_query(page=page - 1)),
            "results": results,
            "total_pages": total_pages,
            "current_page": page,
        }
        return web.json_response(body)

    def _endless(self, page: int) -> web.Response:
        if self.endless_kind == "repeat":
            results, count = [{"id": "same", "name": "same", "type": "star"}], 10**9
        elif self.endless_kind == "fresh":
            results = [{"id": f"p{page}-{i}", "name": "x", "type": "star"} for i in range(500)]
            count = 10**9
        else:
            results, count = [{"id": f"p{page}", "name": "x", "type": "star"}], 3
        body = {"count": count, "next": f"?page={page + 1}", "results": results}
        return web.json_response(body)


def _headers_echo(request: web.Request) -> str:
    """The request's headers as a debugging proxy would dump them, in three spellings."""
    pairs = [(name, value) for name, value in request.headers.items()]
    plain = "; ".join(f"{name}: {value}" for name, value in pairs)
    encoded = "&".join(f"{name}={quote(value, safe='')}" for name, value in pairs)
    return f"{plain} | {encoded} | {json.dumps(dict(pairs))}"


def _echo(request: web.Request, how: str) -> web.Response:
    echo = _headers_echo(request)
    if how == "json_400":
        return web.json_response({"status": False, "message": f"Bad request: {echo}"}, status=400)
    if how == "details_500":
        body = {"message": "Server error", "details": {"headers": [echo], "raw": echo}}
        return web.json_response(body, status=500)
    if how == "html_500":
        page = f"<html><body><h1>Error</h1><pre>{echo}</pre></body></html>"
        return web.Response(status=500, text=page, content_type="text/html")
    if how == "text_400":
        return web.Response(status=400, text=f"{echo} rejected", content_type="text/plain")
    return web.json_response({"status": False, "message": f"Who are you? {echo}"}, status=401)


async def _hang(request: web.Request) -> web.StreamResponse:
    await asyncio.sleep(3600)
    return web.Response()


async def _redirect(request: web.Request) -> web.StreamResponse:
    return web.Response(status=302, headers={"Location": "http://attacker.invalid/steal"})


async def _huge_length(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    response.content_length = MAX_ANSWER_BYTES + 1
    await response.prepare(request)
    await response.write(b"[")
    return response


async def _huge_stream(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    chunk = b" " * (1024 * 1024)
    try:
        for _ in range(MAX_ANSWER_BYTES // len(chunk) + 8):
            await response.write(chunk)
    except ConnectionError:
        pass  # the client refused the rest, as it should
    return response


async def _huge_gzip(request: web.Request) -> web.StreamResponse:
    packed = gzip.compress(b" " * (MAX_ANSWER_BYTES + 1024 * 1024))
    headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
    return web.Response(body=packed, headers=headers)


PADDING = b" " * (64 * 1024)


async def _padded(
    request: web.Request, answer: web.Response, size: int, *, chunked: bool
) -> web.StreamResponse:
    """`answer`'s JSON object with a `padding` key of spaces making it `size` bytes."""
    assert isinstance(answer.body, bytes)
    head, tail = answer.body[:-1] + b', "padding": "', b'"}'
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    if chunked:
        response.enable_chunked_encoding()
    else:
        response.content_length = size
    await response.prepare(request)
    await response.write(head)
    left = size - len(head) - len(tail)
    try:
        while left > 0:
            await response.write(PADDING[:left])
            left -= len(PADDING)
        await response.write(tail)
    except ConnectionError:
        pass  # the client refused the rest, as it may
    return response


async def _broken_http(request: web.Request) -> web.StreamResponse:
    if request.transport is not None:
        key = request.headers.get("X-Api-Key", "")
        request.transport.write(f"HTTP/1.1 2OO {key}\r\n\r\n".encode())
        request.transport.close()
    return web.Response()


async def _deep_json(request: web.Request) -> web.StreamResponse:
    return web.Response(body=b"[" * 100_000 + b"]" * 100_000, content_type="application/json")


@asynccontextmanager
async def hostile_server() -> AsyncIterator[Hostile]:
    """Serve a `Hostile` on a free loopback port for as long as the block runs."""
    state = Hostile()
    app = web.Application()
    app.router.add_route("*", LABELS_PATH + "{tail:.*}", state.handle)
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    state.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    state._runner = runner
    try:
        yield state
    finally:
        await state.stop()
