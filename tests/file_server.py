"""A file server on loopback for remote-input tests: each path answers as a test sets it
(a file, a redirect, an error, or one of the hostile answers of tests/hostile.py: hanging,
huge declared, streamed or unpacked, a web page), over http or over https with a
certificate of a throwaway CA (trustme). It records every request's path and headers.
"""

from __future__ import annotations

import asyncio
import gzip
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import trustme
from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Seen:
    path: str
    query: str
    headers: dict[str, str]


@dataclass
class FileServer:
    """The running server: `url` (http:// or https://127.0.0.1:port), the
    answers by path, and every request it saw."""

    url: str = ""
    answers: dict[str, Handler] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)

    def serve(self, path: str, body: bytes, content_type: str | None = None, **headers: str) -> str:
        """Answer `path` with `body`; the full URL of it."""

        async def answer(request: web.Request) -> web.StreamResponse:
            response = web.Response(body=body, headers=headers)
            # No Content-Type at all unless one is given: aiohttp would add its own.
            if content_type is None:
                response.headers.pop("Content-Type", None)
            else:
                response.headers["Content-Type"] = content_type
            return response

        return self.on(path, answer)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        async def answer(request: web.Request) -> web.StreamResponse:
            return web.Response(status=status, headers={"Location": location})

        return self.on(path, answer)

    def status(self, path: str, status: int) -> str:
        async def answer(request: web.Request) -> web.StreamResponse:
            return web.Response(status=status, text="no")

        return self.on(path, answer)

    def on(self, path: str, handler: Handler) -> str:
        self.answers[path] = handler
        return self.url + path

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.rel_url.raw_path
        self.seen.append(Seen(path, request.rel_url.raw_query_string, dict(request.headers)))
        handler = self.answers.get(path)
        if handler is None:
            return web.Response(status=404, text="not here")
        return await handler(request)


async def hang(request: web.Request) -> web.StreamResponse:
    await asyncio.sleep(3600)
    return web.Response()


def drip(every_s: float) -> Handler:
    """A header at once, then one byte of a CSV every `every_s` seconds, for ever."""

    async def answer(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/csv"})
        await response.prepare(request)
        await response.write(b"name,type\n")
        while True:
            await asyncio.sleep(every_s)
            await response.write(b"x")

    return answer


def declared(length: int) -> Handler:
    """A Content-Length of `length`, and one byte."""

    async def answer(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/csv"})
        response.content_length = length
        await response.prepare(request)
        await response.write(b"n")
        return response

    return answer


def streamed(size: int) -> Handler:
    """`size` bytes of CSV, chunked, with no declared length."""

    async def answer(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/csv"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        await response.write(b"name,type\n")
        chunk = b"a,text\n" * 10_000
        try:
            for _ in range(size // len(chunk) + 1):
                await response.write(chunk)
        except ConnectionError:
            pass  # the client refused the rest, as it should
        return response

    return answer


def gzip_bomb(size: int) -> Handler:
    """`size` bytes of CSV once unpacked, a few KiB on the wire."""
    packed = gzip.compress(b"name,type\n" + b"a,text\n" * (size // 7 + 1))

    async def answer(request: web.Request) -> web.StreamResponse:
        headers = {"Content-Encoding": "gzip", "Content-Type": "text/csv"}
        return web.Response(body=packed, headers=headers)

    return answer


@dataclass(frozen=True)
class Authority:
    """A throwaway certificate authority: its certificate as a file a client can trust
    (SSL_CERT_FILE), and the server's TLS context with a certificate it signed for
    localhost and 127.0.0.1."""

    ca_file: Path
    server_tls: ssl.SSLContext


def authority(folder: Path) -> Authority:
    ca = trustme.CA()
    ca_file = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(server_tls)
    return Authority(ca_file, server_tls)


@asynccontextmanager
async def file_server(tls: ssl.SSLContext | None = None) -> AsyncIterator[FileServer]:
    """Serve a `FileServer` on a free loopback port, over https when `tls` is given.
    Paths are matched as sent, undecoded."""
    state = FileServer()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", state.handle)
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=tls)
    await site.start()
    port = runner.addresses[0][1]
    state.url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    try:
        yield state
    finally:
        await runner.cleanup()
