"""Validation throughput and memory, each beside a reference measured in the same run.

Run: uv run python benchmarks/bench_validate.py [--rows 100000] [--rss-rows 1000000]

- CSV: `validate_file` against a bare `csv.DictReader` loop over the same file (the floor
  any Python CSV validator sits on). Target: 100,000 rows validated in at most 2 s.
- XLSX: `validate_file` (python-calamine) against pandas `read_excel(engine="openpyxl")`,
  which only reads the cells. Target: at least 5x faster.
- Times are the best of two runs of each, ours and the reference alike.
- Peak RSS: validating 1,000,000 CSV rows in a child process, beside a bare DictReader
  loop in another child. Target: under 300 MB.
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import xlsxwriter

HEADER = [
    "name", "type", "description", "allow_notes", "options", "multi_choice", "rule_prompt",
    "auto_annotate", "strategy", "min", "max", "step_size", "display_type", "no_of_stars",
    "placeholder", "min_length", "max_length",
]  # fmt: skip

# One realistic row per type, every setting filled so no row raises a "defaults" warning.
TEMPLATES: list[dict[str, str]] = [
    {"type": "text", "placeholder": "Explain", "min_length": "0", "max_length": "500"},
    {
        "type": "categorical", "options": "Good; Okay; Bad", "multi_choice": "false",
        "rule_prompt": "Judge the tone", "auto_annotate": "false", "strategy": "Rag",
    },
    {"type": "numeric", "min": "0", "max": "10", "step_size": "0.5", "display_type": "slider"},
    {"type": "star", "no_of_stars": "5"},
    {"type": "thumbs_up_down"},
]  # fmt: skip


def rows(count: int) -> Iterator[list[str]]:
    for index in range(count):
        cells = {
            "name": f"Label {index:07d}",
            "description": "How well the answer follows the prompt",
            "allow_notes": "true" if index % 3 else "false",
            **TEMPLATES[index % len(TEMPLATES)],
        }
        yield [cells.get(column, "") for column in HEADER]


def write_csv(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        writer.writerows(rows(count))
    return path


def write_xlsx(path: Path, count: int) -> Path:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Labels")
    sheet.write_row(0, 0, HEADER)
    for number, cells in enumerate(rows(count), start=1):
        for col, text in enumerate(cells):
            if text:
                sheet.write_string(number, col, text)
    workbook.close()
    return path


def timed(work: Callable[[], int], repeat: int = 2) -> tuple[float, int]:
    """Best of `repeat` runs: the other work on a shared 2-core machine only adds time."""
    best, count = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = work()
        best = min(best, time.perf_counter() - start)
    return best, count


def validate(path: Path) -> int:
    from pipeline.validate import validate_file

    result = validate_file(path)
    assert result.invalid == 0 and result.warnings == 0, result.problems[:3]
    return result.rows_read


def dict_reader(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as file:
        return sum(1 for _ in csv.DictReader(file))


def openpyxl_read(path: Path) -> int:
    import pandas as pd

    return len(pd.read_excel(path, engine="openpyxl", dtype=str, sheet_name=0))


CHILD = {
    "validate": "from pipeline.validate import validate_file; validate_file({path!r})",
    "dictreader": (
        "import csv\nwith open({path!r}, newline='') as f:\n    for _ in csv.DictReader(f): pass"
    ),
}


def peak_rss_mb(kind: str, path: Path) -> float:
    """Peak RSS of a child doing `kind`, measured by a fresh intermediate process so each
    reading covers exactly one child (RUSAGE_CHILDREN keeps the maximum of all children)."""
    output = subprocess.run(
        [sys.executable, __file__, "--peak-child", kind, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(output) / 1024


def peak_child(kind: str, path: str) -> None:
    subprocess.run([sys.executable, "-c", CHILD[kind].format(path=path)], check=True)
    print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def report(name: str, ours: tuple[float, int], reference: tuple[float, int], ref: str) -> None:
    (seconds, count), (ref_seconds, _) = ours, reference
    print(
        f"{name}: {count:,} rows validated in {seconds:.2f} s = {count / seconds:,.0f} rows/s; "
        f"{ref}: {ref_seconds:.2f} s = {count / ref_seconds:,.0f} rows/s; "
        f"ratio ours/reference time = {seconds / ref_seconds:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rss-rows", type=int, default=1_000_000)
    parser.add_argument("--peak-child", nargs=2, metavar=("KIND", "PATH"))
    args = parser.parse_args()
    if args.peak_child:
        peak_child(*args.peak_child)
        return
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        csv_path = write_csv(tmp / "labels.csv", args.rows)
        xlsx_path = write_xlsx(tmp / "labels.xlsx", args.rows)
        validate(csv_path)  # warm imports and caches so the timing is the steady state
        report("CSV", timed(lambda: validate(csv_path)), timed(lambda: dict_reader(csv_path)),
               "csv.DictReader loop")  # fmt: skip
        ours, reference = (
            timed(lambda: validate(xlsx_path)),
            timed(lambda: openpyxl_read(xlsx_path)),
        )
        report("XLSX", ours, reference, "pandas read_excel(openpyxl)")
        print(f"XLSX speed-up over openpyxl: {reference[0] / ours[0]:.1f}x")
        big = write_csv(tmp / "big.csv", args.rss_rows)
        ours_mb, reference_mb = peak_rss_mb("validate", big), peak_rss_mb("dictreader", big)
        print(
            f"Peak RSS, {args.rss_rows:,} CSV rows: validate {ours_mb:.0f} MB; "
            f"csv.DictReader loop {reference_mb:.0f} MB"
        )


if __name__ == "__main__":
    main()
