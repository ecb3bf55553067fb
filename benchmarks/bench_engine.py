"""Import-engine benchmarks (issue 4), each a ratio against a reference measured in the same run.

The sandbox always runs in a separate process (`label-import sandbox --port 0 ...`); the
client under test runs here. A fresh sandbox serves every client run, so each run starts
from an empty organisation and ours pays for its one list call like a real run does.

    uv run python benchmarks/bench_engine.py [--only abcde] [--labels 3000] [--repeat 3]

a. rate adherence: --rate 200 → achieved rate / 200 (target ≥ 0.97)
b. latency 50 ms, concurrency 64, no rate limit: ours / minimal aiohttp+Semaphore script
   (target ≥ 0.95)
c. the same against the documentation's sequential `requests` loop (target ≥ 30 times)
d. client CPU (user+sys) per label: ours / the script (target ≤ 1.3)
e. sandbox --rate-limit 100, client --rate 300: labels/s (≥ 90) and 429 share (≤ 5%)
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import anyio
import requests

from pipeline.importer import import_labels
from pipeline.plan import index_labels, plan
from pipeline.report.summary import ImportSummary
from pipeline.send.client import LabelsClient
from pipeline.send.listing import existing_labels
from pipeline.send.pace_memory import STATE_DIR_ENV
from pipeline.send.pool import run_pool
from pipeline.send.rate import RateGate
from pipeline.send.retry import RetryPolicy, Sending
from pipeline.send.row_sender import RowSender
from pipeline.send.stop import Stop
from pipeline.validate import check_rows

LABELS = "/model-hub/annotations-labels/"
KEY, SECRET = "demo-key", "demo-secret"
HEADERS = {"X-Api-Key": KEY, "X-Secret-Key": SECRET, "Content-Type": "application/json"}


@contextmanager
def sandbox(*flags: str) -> Iterator[str]:
    """A sandbox in its own process; yields its base URL (the first line it prints).

    Runs against it in this process get a pace memory of their own
    (`pipeline.send.pace_memory`), so that a reused port does not start an `auto` run
    from another sandbox's pace, and no benchmark writes to the user's.
    """
    cmd = [sys.executable, "-m", "pipeline", "sandbox", "--port", "0", *flags]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    kept = os.environ.get(STATE_DIR_ENV)
    try:
        with tempfile.TemporaryDirectory() as memory:
            os.environ[STATE_DIR_ENV] = memory
            yield proc.stdout.readline().strip()
    finally:
        if kept is None:
            os.environ.pop(STATE_DIR_ENV, None)
        else:
            os.environ[STATE_DIR_ENV] = kept
        proc.terminate()
        proc.wait(timeout=10)


def sandbox_stats(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url + "/_sandbox/stats") as answer:
        stats: dict[str, Any] = json.load(answer)
    return stats


def write_input(path: Path, count: int, prefix: str = "label") -> list[dict[str, Any]]:
    """A CSV of `count` star labels, and the POST bodies the references send for it."""
    names = [f"{prefix} {i:05d}" for i in range(count)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "type"])
        writer.writerows([name, "star"] for name in names)
    return [
        {"name": name, "type": "star", "settings": {"no_of_stars": 5}, "allow_notes": False}
        for name in names
    ]


@dataclass
class Run:
    labels: int
    seconds: float  # from the first request to the last answer
    cpu_s: float  # user + sys of this process over the whole call

    @property
    def per_second(self) -> float:
        return self.labels / self.seconds


def ours(url: str, source: Path, **options: Any) -> tuple[Run, ImportSummary]:
    cpu = time.process_time()
    summary = anyio.run(
        lambda: import_labels(
            source,
            base_url=url,
            api_key=KEY,
            secret_key=SECRET,
            report=source.with_suffix(".report.csv"),
            **options,
        )
    )
    cpu = time.process_time() - cpu
    return Run(summary.created, summary.sending_s, cpu), summary


async def _engine_only(url: str, source: Path) -> Run:
    """Ours with the file already read and planned: the CPU of the sending alone."""
    rows = list(check_rows(source))
    stop = Stop()
    sending = Sending(RateGate(0), stop, RetryPolicy())
    async with LabelsClient(url, KEY, SECRET, concurrency=64) as client:
        existing = await existing_labels(client, sending) or []
        outcomes, jobs = plan(rows, index_labels(existing), on_existing="skip", journal={})
        sender = RowSender(
            client, sending, outcomes, on_existing="skip", finished=lambda job, outcome: None
        )
        cpu = time.process_time()
        await run_pool(sender.settle, jobs, concurrency=64, stop=stop)
        cpu = time.process_time() - cpu
    return Run(len(jobs), sending.stats.sending_s, cpu)


def engine_only(url: str, source: Path) -> Run:
    return anyio.run(_engine_only, url, source)


async def _script(url: str, payloads: list[dict[str, Any]], concurrency: int) -> float:
    """The minimal hand-written client: one session, a Semaphore, gather every POST."""
    semaphore = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(headers=HEADERS) as session:

        async def post(body: dict[str, Any]) -> None:
            async with semaphore, session.post(url + LABELS, json=body) as resp:
                await resp.read()

        start = time.perf_counter()
        await asyncio.gather(*(post(body) for body in payloads))
        return time.perf_counter() - start


def script(url: str, payloads: list[dict[str, Any]], concurrency: int) -> Run:
    cpu = time.process_time()
    seconds = asyncio.run(_script(url, payloads, concurrency))
    return Run(len(payloads), seconds, time.process_time() - cpu)


def sequential(url: str, payloads: list[dict[str, Any]]) -> Run:
    """The documentation's loop: one `requests.post` per label, one after another."""
    cpu = time.process_time()
    start = time.perf_counter()
    for body in payloads:
        requests.post(url + LABELS, json=body, headers=HEADERS, timeout=30)
    return Run(len(payloads), time.perf_counter() - start, time.process_time() - cpu)


def bench_a(folder: Path, labels: int) -> dict[str, float]:
    source = folder / "a.csv"
    write_input(source, labels)
    with sandbox() as url:
        _, summary = ours(url, source, rate=200, concurrency=8)
    achieved = summary.requests / summary.sending_s
    return {
        "requests": summary.requests,
        "seconds": summary.sending_s,
        "achieved_per_s": achieved,
        "ratio": achieved / 200,
    }


def bench_bcd(folder: Path, labels: int, repeat: int, sequential_labels: int) -> dict[str, Any]:
    source = folder / "b.csv"
    payloads = write_input(source, labels)
    pairs: list[tuple[Run, Run]] = []
    sending: list[Run] = []
    for _ in range(repeat):
        with sandbox("--latency-ms", "50") as url:
            mine, _ = ours(url, source, rate=0, concurrency=64)
        with sandbox("--latency-ms", "50") as url:
            reference = script(url, payloads, 64)
        with sandbox("--latency-ms", "50") as url:
            sending.append(engine_only(url, source))
        pairs.append((mine, reference))
    with sandbox("--latency-ms", "50") as url:
        slow = sequential(url, payloads[:sequential_labels])
    throughput = [m.per_second / r.per_second for m, r in pairs]
    cpu = [(m.cpu_s / m.labels) / (r.cpu_s / r.labels) for m, r in pairs]
    send_cpu = [
        (e.cpu_s / e.labels) / (r.cpu_s / r.labels)
        for e, (_, r) in zip(sending, pairs, strict=True)
    ]
    median_ours = statistics.median(m.per_second for m, _ in pairs)
    return {
        "ours_per_s": [round(m.per_second, 1) for m, _ in pairs],
        "script_per_s": [round(r.per_second, 1) for _, r in pairs],
        "b_ratio_median": statistics.median(throughput),
        "b_ratios": [round(x, 3) for x in throughput],
        "sequential_per_s": slow.per_second,
        "c_ratio": median_ours / slow.per_second,
        "ours_cpu_us_per_label": [round(m.cpu_s / m.labels * 1e6) for m, _ in pairs],
        "script_cpu_us_per_label": [round(r.cpu_s / r.labels * 1e6) for _, r in pairs],
        "d_ratio_median": statistics.median(cpu),
        "d_ratios": [round(x, 3) for x in cpu],
        "send_only_cpu_us_per_label": [round(e.cpu_s / e.labels * 1e6) for e in sending],
        "d_send_only_ratio_median": statistics.median(send_cpu),
    }


def bench_e(folder: Path, labels: int) -> dict[str, float]:
    source = folder / "e.csv"
    write_input(source, labels)
    with sandbox("--rate-limit", "100") as url:
        run, summary = ours(url, source, rate=300, concurrency=8)
        stats = sandbox_stats(url)
    throttled = stats["by_status"].get("429", 0)
    return {
        "created": summary.created,
        "labels_per_s": run.per_second,
        "requests": stats["requests"],
        "answered_429": throttled,
        "share_429": throttled / stats["requests"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="abcde")
    parser.add_argument("--labels", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sequential-labels", type=int, default=300)
    parser.add_argument("--e-labels", type=int, default=2000)
    args = parser.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if "a" in args.only:
            results["a"] = bench_a(folder, args.labels)
            print(json.dumps({"a": results["a"]}), flush=True)
        if set("bcd") & set(args.only):
            results["bcd"] = bench_bcd(folder, args.labels, args.repeat, args.sequential_labels)
            print(json.dumps({"bcd": results["bcd"]}), flush=True)
        if "e" in args.only:
            results["e"] = bench_e(folder, args.e_labels)
            print(json.dumps({"e": results["e"]}), flush=True)


if __name__ == "__main__":
    main()
