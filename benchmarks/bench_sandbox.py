"""Sandbox capacity: creates per second with faults off, the load from a separate process.

The sandbox runs as `label-import sandbox --port 0` in a child process (one core); this
process drives it with aiohttp at a fixed concurrency (the other core). As a reference the
same load is measured against a bare aiohttp.web server answering a constant 200 in the
same way, so the figure says how much of the ceiling the emulator's own work costs.

    uv run python benchmarks/bench_sandbox.py [--creates 20000] [--concurrency 64]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import aiohttp

LABELS = "/model-hub/annotations-labels/"
HEADERS = {"X-Api-Key": "demo-key", "X-Secret-Key": "demo-secret"}


async def drive(url: str, creates: int, concurrency: int, prefix: str) -> float:
    """POST `creates` distinct labels with `concurrency` workers; answer: creates per second."""
    connector = aiohttp.TCPConnector(limit=concurrency)
    next_index = iter(range(creates))
    ok = 0

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal ok
        for i in next_index:
            body = {"name": f"{prefix} {i}", "type": "star", "settings": {"no_of_stars": 5}}
            async with session.post(url + LABELS, json=body) as resp:
                await resp.read()
                ok += resp.status == 200

    async with aiohttp.ClientSession(connector=connector, headers=HEADERS) as session:
        start = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    if ok != creates:
        raise SystemExit(f"only {ok} of {creates} creates answered 200")
    return creates / elapsed


def start(cmd: list[str]) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def measure(cmd: list[str], creates: int, concurrency: int) -> float:
    proc, url = start(cmd)
    try:
        asyncio.run(drive(url, 2000, concurrency, "warm-up"))
        return asyncio.run(drive(url, creates, concurrency, "label"))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--creates", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    sandbox_cmd = [sys.executable, "-m", "pipeline", "sandbox", "--port", "0"]
    reference_cmd = [sys.executable, str(Path(__file__).with_name("bare_server.py"))]
    sandbox_rate = measure(sandbox_cmd, args.creates, args.concurrency)
    with tempfile.TemporaryDirectory() as folder:
        db_cmd = [*sandbox_cmd, "--db", str(Path(folder) / "bench.db")]
        db_rate = measure(db_cmd, args.creates, args.concurrency)
    reference_rate = measure(reference_cmd, args.creates, args.concurrency)
    proc, url = start(sandbox_cmd)
    try:
        asyncio.run(drive(url, 1000, args.concurrency, "check"))
        with urllib.request.urlopen(url + "/_sandbox/stats") as resp:
            stats = json.loads(resp.read())
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"sandbox creates/s:            {sandbox_rate:8.0f}")
    print(f"sandbox --db FILE creates/s:  {db_rate:8.0f}")
    print(f"bare aiohttp 200s/s:          {reference_rate:8.0f}")
    print(f"sandbox / bare aiohttp:       {sandbox_rate / reference_rate:8.2f}")
    print(f"check run stored {stats['labels']} of 1000 labels")


if __name__ == "__main__":
    main()
