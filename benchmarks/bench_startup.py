"""Start-up benchmarks (issue 8): whole processes, each the median of --repeat runs.

    uv run python -m benchmarks.bench_startup [--only abcd] [--repeat 7] [--labels 2000]

a. `label-import --help` against `python -c "import typer"`: ratio (target ≤ 1.5)
b. `label-import validate sample_data/labels.csv`: wall seconds (target ≤ 0.5 on a quiet machine)
c. `python -c "import aiohttp"`: wall seconds, a reference for the others
d. `label-import run FILE --base-url URL --concurrency 32 --rate 0 --no-progress` (2,000 star
   labels, keys from FI_API_KEY / FI_SECRET_KEY) against benchmarks/bare_client.py posting the
   same bodies with an asyncio.Semaphore(32), each run against a fresh
   `label-import sandbox --port 0 --latency-ms 40` in its own process: ratio script wall /
   ours wall (target ≥ 1.0)

Every process runs with bytecode caching on, as an installed tool does: PYTHONDONTWRITEBYTECODE
is dropped and PYTHONPYCACHEPREFIX points at a fresh temporary folder that one warm-up run of
each command fills (pass --no-bytecode to measure compiling every module on every start).
Ours is the virtual environment's console script, `label-import`, beside `sys.executable`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.bench_engine import sandbox, write_input

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "labels.csv"
BARE_CLIENT = ROOT / "benchmarks" / "bare_client.py"
OURS = Path(sys.executable).with_name("label-import")


def wall(command: Sequence[str | Path], cwd: Path | None = None) -> float:
    """Seconds from spawning `command` to its exit; it must succeed."""
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_wall(command: Sequence[str | Path], repeat: int) -> float:
    wall(command)  # warm-up: fills the bytecode cache and the page cache
    return statistics.median(wall(command) for _ in range(repeat))


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def bench_a(repeat: int) -> dict[str, float]:
    typer_s = median_wall(python("import typer"), repeat)
    help_s = median_wall([OURS, "--help"], repeat)
    return {"import_typer_s": typer_s, "help_s": help_s, "ratio": help_s / typer_s}


def bench_b(repeat: int) -> dict[str, float]:
    return {"validate_s": median_wall([OURS, "validate", SAMPLE], repeat)}


def bench_c(repeat: int) -> dict[str, float]:
    return {"import_aiohttp_s": median_wall(python("import aiohttp"), repeat)}


def _against_fresh_sandbox(folder: Path, command: Callable[[str], list[str | Path]]) -> float:
    with sandbox("--latency-ms", "40") as url:
        return wall(command(url), cwd=folder)


def bench_d(folder: Path, labels: int, repeat: int) -> dict[str, Any]:
    source = folder / "labels.csv"
    bodies = folder / "bodies.json"
    bodies.write_text(json.dumps(write_input(source, labels)), encoding="utf-8")

    def ours(url: str) -> list[str | Path]:
        options = ["--concurrency", "32", "--rate", "0", "--no-progress"]
        return [OURS, "run", source, "--base-url", url, *options]

    def script(url: str) -> list[str | Path]:
        return [sys.executable, BARE_CLIENT, url, bodies, "--concurrency", "32"]

    _against_fresh_sandbox(folder, ours)  # warm-up for both, as in median_wall
    _against_fresh_sandbox(folder, script)
    pairs = []
    for turn in range(repeat):
        # Alternate who goes first, so a slow spell on the machine hits both alike.
        first, second = (ours, script) if turn % 2 == 0 else (script, ours)
        times = {first: _against_fresh_sandbox(folder, first)}
        times[second] = _against_fresh_sandbox(folder, second)
        pairs.append((times[ours], times[script]))
    ratios = [theirs / mine for mine, theirs in pairs]
    return {
        "ours_s": [round(mine, 3) for mine, _ in pairs],
        "script_s": [round(theirs, 3) for _, theirs in pairs],
        "ratios": [round(r, 3) for r in ratios],
        "ratio_median": statistics.median(ratios),
    }


def use_bytecode_cache(folder: Path) -> None:
    """Children inherit this: compiled modules are cached, as in an installed tool."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="abcd")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--labels", type=int, default=2000)
    parser.add_argument("--no-bytecode", action="store_true")
    args = parser.parse_args()
    os.environ.update(FI_API_KEY="demo-key", FI_SECRET_KEY="demo-secret")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if not args.no_bytecode:
            use_bytecode_cache(folder)
        steps: dict[str, Callable[[], dict[str, Any]]] = {
            "a": lambda: bench_a(args.repeat),
            "b": lambda: bench_b(args.repeat),
            "c": lambda: bench_c(args.repeat),
            "d": lambda: bench_d(folder, args.labels, args.repeat),
        }
        for key, step in steps.items():
            if key in args.only:
                print(json.dumps({key: step()}), flush=True)


if __name__ == "__main__":
    main()
