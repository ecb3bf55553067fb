"""`--rate auto` against hidden limits (issue 12), every figure a ratio from the same run.

    uv run --locked python -m benchmarks.bench_pace [--only lnhs] [--seconds-at-limit 30]

Every client run is `import_labels()` with its defaults (`rate="auto"`, concurrency 256)
unless the case says otherwise, against a fresh `label-import sandbox --port 0 [dials]` in
its own process, with a fresh pace memory (`pipeline.send.pace_memory`, see
`bench_engine.sandbox`): a cold run, as a user's first. A "second run" first teaches the
memory with an import of a quarter as many labels to the same sandbox, then measures a
run of its own labels, as a user's next nightly import would. A thread polls the
sandbox's `/_sandbox/stats` every POLL_S, so rates and 429 shares are counted where the
server counts them, over time (from the measured run's first request).

l. hidden limit L ∈ {20, 100, 400}/s, `--latency-ms 30`, 30 s of labels within 2,000-6,000
   (2,000, 3,000, 6,000): labels created
   per second after the first 5 s / L (target ≥ 0.9), 429s / requests (≤ 2%), failed rows (0);
   beside it the same run told the limit (`--rate L`), for what the machine can do, and a
   second run
n. no limit, `--latency-ms 50`: auto / the best fixed (rate, concurrency) pair of a sweep
   (target ≥ 0.9), each the median of `--repeat` runs; auto cold and as a second run
h. a limit that halves mid-run (`--rate-limit-schedule`): seconds from the change until the
   requests the server receives per second are within 1.1 times the new limit (≤ 3 s),
   labels/s after that / the new limit, failed rows (0)
s. the fault soak (`--throttle-rate 0.1 --retry-after 1 --error-rate 0.15`, 30 ms): auto /
   the best of a few fixed rates (target ≥ 0.7), failed rows (0)
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.bench_engine import ours, sandbox, write_input

POLL_S = 0.2


@dataclass
class Sample:
    at: float
    requests: int
    throttled: int
    created: int


@dataclass
class Poller:
    """The sandbox's counters over time, from its first API request on."""

    url: str
    samples: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        # What an earlier run to the same sandbox left on its counters.
        base = self._poll()
        while not self._stop.wait(POLL_S):
            now = self._poll()
            sample = Sample(
                now.at,
                now.requests - base.requests,
                now.throttled - base.throttled,
                now.created - base.created,
            )
            if sample.requests:
                self.samples.append(sample)

    def _poll(self) -> Sample:
        with urllib.request.urlopen(self.url + "/_sandbox/stats", timeout=5) as answer:
            stats = json.load(answer)
        throttled = stats["by_status"].get("429", 0)
        return Sample(time.monotonic(), stats["requests"], throttled, stats["created"])

    def at(self, seconds: float) -> Sample:
        """The last sample taken at most `seconds` after the first."""
        start = self.samples[0].at
        return [s for s in self.samples if s.at - start <= seconds][-1]

    @property
    def last(self) -> Sample:
        return self.samples[-1]


@contextmanager
def polled(url: str) -> Iterator[Poller]:
    poller = Poller(url)
    thread = threading.Thread(target=poller.run, daemon=True)
    thread.start()
    try:
        yield poller
    finally:
        time.sleep(2 * POLL_S)
        poller._stop.set()
        thread.join()


def run_case(
    folder: Path, flags: tuple[str, ...], labels: int, *, second: bool = False, **options: Any
) -> tuple[Poller, Any]:
    source = folder / "labels.csv"
    write_input(source, labels)
    with sandbox(*flags) as url:
        if second:
            teach = folder / "teach.csv"
            write_input(teach, max(1, labels // 4), prefix="teach")
            ours(url, teach, **options)
        with polled(url) as poller:
            run, summary = ours(url, source, **options)
    return poller, (run, summary)


def bench_limit(folder: Path, limit: int, seconds: float) -> dict[str, Any]:
    labels = int(min(6000, max(2000, limit * seconds)))
    flags = ("--rate-limit", str(limit), "--latency-ms", "30")
    poller, (run, summary) = run_case(folder, flags, labels)
    rate = _after_5s(poller)
    # The reference: the same run told the limit (`--rate L`), as a person who knew it would.
    told, _ = run_case(folder, flags, labels, rate=limit)
    again, (_, again_summary) = run_case(folder, flags, labels, second=True)
    last = poller.last
    return {
        "limit": limit,
        "labels": labels,
        "seconds": round(run.seconds, 1),
        "after_5s_per_s": round(rate, 1),
        "ratio": round(rate / limit, 3),
        "told_the_limit_after_5s_per_s": round(_after_5s(told), 1),
        "ratio_to_told": round(rate / _after_5s(told), 3),
        "requests": last.requests,
        "answered_429": last.throttled,
        "share_429": round(last.throttled / last.requests, 4),
        "failed": summary.failed,
        "second_run": {
            "after_5s_per_s": round(_after_5s(again), 1),
            "ratio": round(_after_5s(again) / limit, 3),
            "share_429": round(again.last.throttled / again.last.requests, 4),
            "failed": again_summary.failed,
        },
    }


def _after_5s(poller: Poller) -> float:
    """Labels created per second from 5 s after the first request to the end."""
    after, last = poller.at(5.0), poller.last
    return (last.created - after.created) / (last.at - after.at)


def bench_no_limit(folder: Path, labels: int, repeat: int) -> dict[str, Any]:
    """The sweep and auto in turn, `repeat` rounds, so a drifting machine hits them alike."""
    flags = ("--latency-ms", "50")
    pairs: list[tuple[str, dict[str, Any]]] = [
        (f"rate {rate} concurrency {concurrency}", {"rate": rate, "concurrency": concurrency})
        for rate, concurrency in ((0, 32), (0, 64), (0, 128), (0, 256), (1000, 128))
    ]
    pairs += [("auto", {}), ("auto second run", {"second": True})]
    runs: dict[str, list[float]] = {name: [] for name, _ in pairs}
    for _ in range(repeat):
        for name, options in pairs:
            _, (run, _) = run_case(folder, flags, labels, **options)
            runs[name].append(run.per_second)
    medians = {name: statistics.median(values) for name, values in runs.items()}
    auto, again = medians.pop("auto"), medians.pop("auto second run")
    best = max(medians, key=lambda k: medians[k])
    return {
        "labels": labels,
        "sweep_per_s": {k: round(v, 1) for k, v in medians.items()},
        "best": best,
        "auto_per_s": round(auto, 1),
        "runs_per_s": {k: [round(v, 1) for v in values] for k, values in runs.items()},
        "ratio": round(auto / medians[best], 3),
        "second_run_per_s": round(again, 1),
        "second_run_ratio": round(again / medians[best], 3),
    }


def bench_halving(folder: Path, limit: int, change_s: float) -> dict[str, Any]:
    labels = int(limit * change_s + limit / 2 * 2 * change_s)
    schedule = f"{change_s:g}:{limit / 2:g}"
    flags = ("--rate-limit", str(limit), "--rate-limit-schedule", schedule, "--latency-ms", "30")
    poller, (run, summary) = run_case(folder, flags, labels)
    samples, start = poller.samples, poller.samples[0].at
    new = limit / 2
    followed = None
    for i, sample in enumerate(samples):
        if sample.at - start < change_s:
            continue
        later = [s for s in samples[i:] if s.at - sample.at >= 1.0]
        if not later:
            break
        sent = later[0].requests - sample.requests
        if sent / (later[0].at - sample.at) <= 1.1 * new:
            followed = sample.at - start - change_s
            break
    settled = poller.at(change_s + 3.0)
    last = poller.last
    after_change = poller.at(change_s)
    return {
        "limit": limit,
        "halved_at_s": change_s,
        "labels": labels,
        "followed_within_s": None if followed is None else round(followed, 1),
        "after_change_3s_ratio": round(
            (last.created - settled.created) / (last.at - settled.at) / new, 3
        ),
        "share_429_after_change": round(
            (last.throttled - after_change.throttled)
            / max(1, last.requests - after_change.requests),
            4,
        ),
        "share_429": round(last.throttled / last.requests, 4),
        "failed": summary.failed,
        "seconds": round(run.seconds, 1),
    }


def bench_soak(folder: Path, labels: int) -> dict[str, Any]:
    flags: tuple[str, ...] = ("--throttle-rate", "0.1", "--retry-after", "1")
    flags += ("--error-rate", "0.15", "--latency-ms", "30", "--seed", "12")
    fixed: dict[str, float] = {}
    failed: dict[str, int] = {}
    for rate in (0, 20, 50, 200):
        _, (run, summary) = run_case(folder, flags, labels, rate=rate)
        fixed[f"rate {rate}"] = run.per_second
        failed[f"rate {rate}"] = summary.failed
    _, (run, summary) = run_case(folder, flags, labels)
    best = max(fixed, key=lambda k: fixed[k])
    return {
        "labels": labels,
        "fixed_per_s": {k: round(v, 1) for k, v in fixed.items()},
        "fixed_failed": failed,
        "best": best,
        "auto_per_s": round(run.per_second, 1),
        "ratio": round(run.per_second / fixed[best], 3),
        "failed": summary.failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="lnhs")
    parser.add_argument("--limits", default="20,100,400")
    parser.add_argument("--seconds-at-limit", type=float, default=30.0)
    parser.add_argument("--no-limit-labels", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--halving-limit", type=int, default=200)
    parser.add_argument("--halving-at", type=float, default=10.0)
    parser.add_argument("--soak-labels", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if "l" in args.only:
            for limit in map(int, args.limits.split(",")):
                result = bench_limit(folder, limit, args.seconds_at_limit)
                print(json.dumps({"limit": result}), flush=True)
        if "n" in args.only:
            result = bench_no_limit(folder, args.no_limit_labels, args.repeat)
            print(json.dumps({"no_limit": result}), flush=True)
        if "h" in args.only:
            result = bench_halving(folder, args.halving_limit, args.halving_at)
            print(json.dumps({"halving": result}), flush=True)
        if "s" in args.only:
            print(json.dumps({"soak": bench_soak(folder, args.soak_labels)}), flush=True)


if __name__ == "__main__":
    main()
