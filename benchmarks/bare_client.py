"""The reference for whole-process runs: the smallest aiohttp client a person would write.

One session, an `asyncio.Semaphore`, every POST gathered at once; no validation, no retries,
no journal, no report. Run as its own process so that its start-up counts like ours:

    python benchmarks/bare_client.py BASE_URL BODIES.json [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

import aiohttp

LABELS = "/model-hub/annotations-labels/"
HEADERS = {"X-Api-Key": "demo-key", "X-Secret-Key": "demo-secret"}


async def post_all(url: str, bodies: list[dict[str, Any]], concurrency: int) -> None:
    semaphore = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(headers=HEADERS) as session:

        async def post(body: dict[str, Any]) -> None:
            async with semaphore, session.post(url + LABELS, json=body) as answer:
                await answer.read()

        await asyncio.gather(*(post(body) for body in bodies))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("bodies", type=Path)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    bodies = json.loads(args.bodies.read_text(encoding="utf-8"))
    asyncio.run(post_all(args.url, bodies, args.concurrency))


if __name__ == "__main__":
    main()
