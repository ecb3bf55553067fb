"""Export speed (issue 13): `export_labels` against hand-written aiohttp paging loops, in one run.

One sandbox (`label-import sandbox --port 0`, its own process) is filled with `--labels`
labels of every type; then, in turns, this process exports them all:

- ours: `export_labels(OUT.csv)`, the whole export: paged 500 at a time through the
  client, rate gate and retries, every label turned into validate's columns, sorted and
  written atomically. Once with `--rate 0` (like the references, unpaced) and once with
  the command's defaults (`--rate auto`);
- the reference a hand-written export would be: an aiohttp loop over `?page=N&limit=500`
  until `next` is null, writing each label's fields to a CSV with `csv.DictWriter`;
- the bare paging loop alone, which writes nothing, as the floor.

Each figure is the median of `--repeat` turns (the paced export: three, as the pace alone
decides it); the contenders take turns, and each speed ratio is the median of the ratios
of ours and a reference run right after it, so that a busy spell of a shared machine
slows both of a pair. The client's CPU time (the sandbox has its own process) is shown
beside, a figure a busy machine moves far less.

    uv run python benchmarks/bench_export.py [--labels 10000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.bench_engine import sandbox
from pipeline.exporter import export_labels
from pipeline.send.rate import AUTO, RateSetting

LABELS = "/model-hub/annotations-labels/"
KEY, SECRET = "demo-key", "demo-secret"
HEADERS = {"X-Api-Key": KEY, "X-Secret-Key": SECRET}
COLUMNS = ("id", "name", "type", "description", "project", "allow_notes", "settings")


def body(i: int) -> dict[str, Any]:
    """The i-th label: the five types in turn, with their settings filled."""
    kinds: list[dict[str, Any]] = [
        {"type": "star", "settings": {"no_of_stars": 1 + i % 9}},
        {"type": "text", "settings": {"placeholder": "Why?", "min_length": 0, "max_length": 500}},
        {
            "type": "numeric",
            "settings": {"min": 0, "max": 10, "step_size": 0.5, "display_type": "slider"},
        },
        {
            "type": "categorical",
            "settings": {
                "options": [{"label": w, "value": w.lower()} for w in ("Good", "Okay", "Bad")],
                "multi_choice": False,
                "rule_prompt": "",
                "auto_annotate": False,
                "strategy": None,
            },
        },
        {"type": "thumbs_up_down", "settings": {}},
    ]
    return {"name": f"label {i:05d}", "description": f"label number {i}", **kinds[i % 5]}


async def fill(url: str, count: int) -> None:
    """Create `count` labels, 64 at a time."""
    numbers = iter(range(count))

    async def worker(session: aiohttp.ClientSession) -> None:
        for i in numbers:
            async with session.post(url + LABELS, json=body(i)) as resp:
                if resp.status != 200:
                    raise SystemExit(f"create answered {resp.status}: {await resp.text()}")

    async with aiohttp.ClientSession(headers=HEADERS) as session:
        await asyncio.gather(*(worker(session) for _ in range(64)))


async def pages(url: str) -> list[dict[str, Any]]:
    """The hand-written paging loop: every label, 500 a page, until `next` is null."""
    labels: list[dict[str, Any]] = []
    async with aiohttp.ClientSession(headers=HEADERS) as session:
        page = 1
        while True:
            params = {"page": str(page), "limit": "500"}
            async with session.get(url + LABELS, params=params) as resp:
                resp.raise_for_status()
                answer = await resp.json()
            labels.extend(answer["results"])
            if not answer["next"]:
                return labels
            page += 1


async def hand_written_export(url: str, out: Path) -> int:
    """The paging loop, then each label's fields to a CSV, settings as JSON."""
    labels = await pages(url)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for label in labels:
            writer.writerow({**label, "settings": json.dumps(label["settings"])})
    return len(labels)


async def bare_paging(url: str, out: Path) -> int:
    return len(await pages(url))


def ours(rate: RateSetting) -> Export:
    async def run(url: str, out: Path) -> int:
        summary = await export_labels(out, rate=rate, base_url=url, api_key=KEY, secret_key=SECRET)
        if summary.stopped:
            raise SystemExit(f"the export stopped: {summary.stop_message}")
        return summary.labels

    return run


Export = Callable[[str, Path], Coroutine[Any, Any, int]]


def timed(run: Export, url: str, out: Path, count: int) -> tuple[float, float]:
    """Seconds one export took, and the CPU seconds this process spent on it (the
    sandbox has its own process); it must have read every label."""
    start, cpu = time.perf_counter(), time.process_time()
    exported = asyncio.run(run(url, out))
    elapsed, spent = time.perf_counter() - start, time.process_time() - cpu
    if exported != count:
        raise SystemExit(f"exported {exported} of {count} labels")
    return elapsed, spent


def report(name: str, turns: list[tuple[float, float]], count: int) -> None:
    wall = statistics.median(t for t, _ in turns)
    cpu = statistics.median(c for _, c in turns)
    best = min(t for t, _ in turns)
    print(
        f"{name:42} {wall:6.3f} s (best {best:.3f})  {count / wall:7.0f} labels/s  "
        f"client CPU {cpu:.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--labels", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    contenders = {
        "export_labels, --rate 0": ours(0.0),
        "hand-written export (aiohttp loop + csv)": hand_written_export,
        "bare aiohttp paging loop": bare_paging,
    }
    paced = "export_labels, defaults (--rate auto)"
    turns: dict[str, list[tuple[float, float]]] = {name: [] for name in [*contenders, paced]}
    with sandbox() as url, tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.csv"
        asyncio.run(fill(url, args.labels))
        for turn in range(args.repeat):
            for name, run in contenders.items():
                turns[name].append(timed(run, url, out, args.labels))
            if turn < 3:  # a few turns: the pace found, not the code, decides it
                turns[paced].append(timed(ours(AUTO), url, out, args.labels))
    for name, spent in turns.items():
        report(name, spent, args.labels)
    ours_turns = turns["export_labels, --rate 0"]
    for reference in list(contenders)[1:]:
        # Per turn, ours against the reference run right after it: a busy spell of the
        # shared machine slows both of a pair, so the ratios spread less than the times.
        pairs = zip(ours_turns, turns[reference], strict=True)
        ratios = sorted(theirs[0] / mine[0] for mine, theirs in pairs)
        cpu = statistics.median(t[1] for t in turns[reference]) / statistics.median(
            t[1] for t in ours_turns
        )
        print(
            f"speed of export_labels / {reference}: median of {len(ratios)} pairs "
            f"{statistics.median(ratios):.2f} (quartiles {ratios[len(ratios) // 4]:.2f} to "
            f"{ratios[3 * len(ratios) // 4]:.2f}); client CPU ratio {cpu:.2f}"
        )
    unpaced = statistics.median(t for t, _ in ours_turns)
    paced_wall = statistics.median(t for t, _ in turns[paced])
    print(f"speed at the defaults / at --rate 0: {unpaced / paced_wall:.2f}")


if __name__ == "__main__":
    main()
