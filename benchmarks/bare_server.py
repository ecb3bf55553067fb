"""A bare aiohttp server that parses a create body and answers a constant 200.

The reference for the sandbox's capacity: the same HTTP stack doing none of the
emulator's work (auth, validation, SQLite, envelopes). Prints its URL first, like the sandbox.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

LABELS = "/model-hub/annotations-labels/"


async def create(request: web.Request) -> web.Response:
    await request.json()
    return web.json_response({"status": True, "result": {}})


async def main() -> None:
    app = web.Application()
    app.router.add_post(LABELS, create)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    print(f"http://127.0.0.1:{runner.addresses[0][1]}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
