"""Soak (issue 9): a 5,000-row import through a hostile sandbox, server restarts and kill -9.

    uv run --locked python -m benchmarks.bench_soak [--rows 5000] [--concurrency 32] [--seed 9]
        [--client-args "--max-wait 600"] [--keep]

The input is a CSV written into a fresh folder: unique valid rows of all five types (a few
share a name with another type, which the server allows), a few invalid rows and a few
rows repeating an earlier name and type in other letter case (the validator reports those
as in-file duplicates). The sandbox runs as `label-import sandbox` in its own process with
a SQLite file, one organisation with long random keys, and the faults: 10% 5xx, 10% 429
with `Retry-After: 1`, 5% connections dropped before the label is stored, 5% answers lost
after it is. The client is `python -m pipeline run FILE --base-url http://127.0.0.1:PORT
--rate 0 ...` with the keys in FI_API_KEY / FI_SECRET_KEY. Driven by the journal's growth,
the client is killed with SIGKILL three times and each time run again with `--resume`, and
the sandbox is restarted twice (SIGTERM, then started again on the same port and file).
A run that ends by itself before every row is done (say a circuit breaker) is resumed too.

Then it checks, prints the figures and exits 1 if any check fails:
- the labels in the sandbox's store are exactly the unique valid rows, none twice
  (name compared case-insensitively, with type and project), none archived;
- the last report has every input row once: valid rows created or existing with the
  server's label id, invalid rows invalid, nothing failed or not attempted (else which
  rows and why);
- the last run's summary counts equal its report's, and it exits 1 (some rows are invalid);
- no file the runs left in the folder (report, failed rows, journal, any lock or temporary
  file, whatever their names) and no stdout or stderr of a client run holds any 12
  characters of either key (the sandbox's own log, which names the organisations it
  serves, is kept apart and not scanned);
- every planned kill and restart happened.
Only 127.0.0.1 is ever contacted. `--keep` keeps the folder (run/, logs/, server/) to look at.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.rows import INTENT_DONE
from pipeline.sandbox.store import LabelStore, org_uuid
from pipeline.send.pace_memory import STATE_DIR_ENV

COLUMNS = ("name", "type", "description", "options", "min", "max", "no_of_stars")
TYPES = ("text", "categorical", "numeric", "star", "thumbs_up_down")
FAULTS = {
    "--error-rate": "0.10",
    "--throttle-rate": "0.10",
    "--retry-after": "1",
    "--drop-rate": "0.05",
    "--ambiguous-rate": "0.05",
}
# Cell values that each make a row invalid, in turn (the name is filled in per row).
INVALID: tuple[dict[str, str], ...] = (
    {"name": "", "type": "star"},
    {"type": "bogus"},
    {"type": "numeric", "min": "7", "max": "3"},
    {"type": "categorical", "options": "Only one"},
    {"type": "star", "no_of_stars": "many"},
)
# Shares of the unique valid rows done at which each client kill and server restart happens.
KILLS_AT = (0.15, 0.35, 0.55)
RESTARTS_AT = (0.25, 0.75)
WINDOW = 12
DONE = frozenset({"created", "existing"})


@dataclass
class Expected:
    """What the input should come to: the unique valid rows by key, and the other rows."""

    valid: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)
    invalid: set[int] = field(default_factory=set)
    duplicates: set[int] = field(default_factory=set)


def _valid_row(k: int) -> dict[str, str]:
    kind = TYPES[k % len(TYPES)]
    # Every 400th row reuses the name before it with another type: a different label.
    name = f"Soak Label {k - 1 if k % 400 == 399 else k:05d}"
    row = {"name": name, "type": kind, "description": f"soak row {k}"}
    row.update(
        {
            "text": {},
            "categorical": {"options": "Good; Okay; Bad"},
            "numeric": {"min": "0", "max": "10"},
            "star": {"no_of_stars": "5"},
            "thumbs_up_down": {},
        }[kind]
    )
    return row


def write_input(path: Path, rows: int) -> Expected:
    """`rows` data rows; every 125th is an invalid row or a duplicate, in turn."""
    expected = Expected()
    valid: list[dict[str, str]] = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS, restval="")
        writer.writeheader()
        for i in range(rows):
            number = i + 2  # the report's row number: the header is row 1
            if i % 125 == 62 and (i // 125) % 2 == 0:
                bad = INVALID[(i // 250) % len(INVALID)]
                writer.writerow({"name": f"Soak Invalid {i:05d}", **bad})
                expected.invalid.add(number)
            elif i % 125 == 62:
                source = valid[len(valid) // 2]
                writer.writerow({**source, "name": source["name"].upper()})
                expected.duplicates.add(number)
            else:
                row = _valid_row(len(valid))
                valid.append(row)
                writer.writerow(row)
                expected.valid[(row["name"].casefold(), row["type"])] = (number, row["name"])
    assert len(expected.valid) == len(valid), "the generated valid rows must be unique"
    return expected


@dataclass(frozen=True)
class Keys:
    api_key: str
    secret_key: str

    @classmethod
    def random(cls) -> Keys:
        return cls(f"soak-api-{secrets.token_hex(24)}", f"soak-secret-{secrets.token_hex(32)}")

    def windows(self) -> set[bytes]:
        """Every run of WINDOW characters of either key: a partial leak counts too."""
        found = set()
        for key in (self.api_key, self.secret_key):
            found |= {key[i : i + WINDOW].encode() for i in range(len(key) - WINDOW + 1)}
        return found


def _get_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        body: dict[str, Any] = json.load(answer)
    return body


class Sandbox:
    """`label-import sandbox` in its own process, restartable on the same port and file."""

    def __init__(self, db: Path, keys: Keys, log: Path, seed: int) -> None:
        self.db, self.keys, self.log, self.seed = db, keys, log, seed
        self.port = 0
        self.url = ""
        self.proc: subprocess.Popen[str] | None = None
        self.starts = 0
        self.stats: Counter[str] = Counter()

    def start(self) -> None:
        cmd = [sys.executable, "-m", "pipeline", "sandbox", "--host", "127.0.0.1"]
        cmd += ["--port", str(self.port), "--db", str(self.db), "--seed", str(self.seed)]
        cmd += ["--org", f"{self.keys.api_key}:{self.keys.secret_key}"]
        cmd += [item for pair in FAULTS.items() for item in pair]
        # A fresh seed per start, so a restarted server does not replay the same faults.
        self.seed += 1
        with self.log.open("a", encoding="utf-8") as log:
            self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True)
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            raise SystemExit(f"the sandbox did not start: {self.url!r} (see {self.log})")
        self.port = int(self.url.rsplit(":", 1)[1])
        self.starts += 1

    def stop(self) -> None:
        """Keep the answer counts of this run of the server, then stop it with SIGTERM."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            stats = _get_json(self.url + "/_sandbox/stats")
            self.stats.update({"requests": stats["requests"], **stats["by_status"]})
            self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()


@dataclass
class ClientRun:
    number: int
    resume: bool
    seconds: float = 0.0
    exit_code: int | None = None
    killed_at: int | None = None
    summary: dict[str, Any] | None = None


@dataclass
class Soak:
    """The run folder, the sandbox and the schedule of kills and restarts."""

    folder: Path
    logs: Path
    source: Path
    sandbox: Sandbox
    keys: Keys
    concurrency: int
    client_args: list[str]
    kills: list[int]
    restarts: list[int]
    runs: list[ClientRun] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    @property
    def report(self) -> Path:
        return self.folder / "soak.report.json"

    def note(self, what: str) -> None:
        self.events.append(f"{time.monotonic() - self.started:7.1f} s  {what}")
        print(self.events[-1], flush=True)

    def journal_lines(self) -> int:
        """Rows finished so far: outcome lines of every journal in the folder, whatever it
        is named (not the intent lines written as each request goes out)."""
        return sum(_outcome_lines(path.read_bytes()) for path in self.folder.glob("*journal*"))

    def client_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FI_")}
        env.update(FI_API_KEY=self.keys.api_key, FI_SECRET_KEY=self.keys.secret_key)
        # The soak's pace memory is its own (the restarted sandbox keeps its port, so
        # the runs after a restart start from what the first one found), not the user's.
        env[STATE_DIR_ENV] = str(self.folder / "state")
        return env


def _outcome_lines(journal: bytes) -> int:
    intents = sum(journal.count(f'"status": "{intent}"'.encode()) for intent in INTENT_DONE)
    return journal.count(b"\n") - intents


def _client_command(soak: Soak, resume: bool) -> list[str]:
    cmd = [sys.executable, "-m", "pipeline", "run", str(soak.source)]
    cmd += ["--base-url", soak.sandbox.url, "--report", str(soak.report)]
    cmd += ["--rate", "0", "--concurrency", str(soak.concurrency), "--no-progress", "--json"]
    cmd += soak.client_args
    return [*cmd, "--resume"] if resume else cmd


def _watch(soak: Soak, proc: subprocess.Popen[bytes], run: ClientRun) -> None:
    """Until the client ends: restart the server and kill the client when their turn comes."""
    while proc.poll() is None:
        time.sleep(0.2)
        done = soak.journal_lines()
        if soak.restarts and done >= soak.restarts[0]:
            soak.restarts.pop(0)
            soak.note(f"server restart (SIGTERM) at {done} journal lines")
            soak.sandbox.restart()
            soak.note(f"server back on port {soak.sandbox.port}")
        if soak.kills and done >= soak.kills[0]:
            soak.kills.pop(0)
            proc.kill()
            run.killed_at = done
            soak.note(f"kill -9 of client run {run.number} at {done} journal lines")


def client_run(soak: Soak, resume: bool) -> ClientRun:
    run = ClientRun(len(soak.runs) + 1, resume)
    out = soak.logs / f"run-{run.number}.stdout"
    err = soak.logs / f"run-{run.number}.stderr"
    soak.note(f"client run {run.number}{' --resume' if resume else ''}")
    start = time.monotonic()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen(
            _client_command(soak, resume),
            cwd=soak.folder,
            env=soak.client_env(),
            stdout=stdout,
            stderr=stderr,
        )
        try:
            _watch(soak, proc, run)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
    run.seconds = time.monotonic() - start
    run.exit_code = proc.returncode
    lines = out.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    if run.killed_at is None and lines:
        try:
            run.summary = json.loads(lines[-1])
        except ValueError:
            run.summary = None
    soak.note(f"client run {run.number} ended: exit {run.exit_code}")
    soak.runs.append(run)
    return run


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def drive(soak: Soak, max_runs: int) -> None:
    """Run and resume the client until a run ends by itself with every row settled."""
    run = client_run(soak, resume=False)
    while len(soak.runs) < max_runs:
        if run.exit_code == 2:
            # An input or usage error (say an output another run holds): resuming cannot help.
            soak.note(f"client run {run.number} refused to run: {_last_line(soak, run)}")
            return
        settled = run.summary is not None and not run.summary.get("stopped")
        if run.killed_at is None and settled and not soak.kills:
            return
        run = client_run(soak, resume=True)
    soak.note(f"gave up after {max_runs} client runs")


def _last_line(soak: Soak, run: ClientRun) -> str:
    text = (soak.logs / f"run-{run.number}.stderr").read_text(encoding="utf-8", errors="replace")
    return (text.strip().splitlines() or ["(nothing on stderr)"])[-1]


def check_last_run(soak: Soak) -> Check:
    """The last run's summary agrees with its report, and its exit code with README's."""
    name = "the last run's summary = its report, exit 1 (some rows invalid)"
    last = soak.runs[-1]
    records = _report_records(soak.report) or []
    counts = Counter(str(r.get("status")) for r in records)
    summary = last.summary or {}
    differ = {s: (summary.get(s), n) for s, n in counts.items() if summary.get(s) != n}
    ok = last.summary is not None and not differ and last.exit_code == 1
    return Check(name, ok, f"exit {last.exit_code}; summary vs report where they differ: {differ}")


def check_store(db: Path, keys: Keys, expected: Expected) -> tuple[list[Check], dict[str, str]]:
    """The store against the unique valid rows; also the server's id for each label key."""
    store = LabelStore(str(db))
    try:
        org = org_uuid(keys.api_key)
        count = store.list(org, offset=0, limit=1, archived=None).count
        labels = store.list(org, offset=0, limit=max(count, 1), archived=None).labels
        created = store.created_count()
    finally:
        store.close()
    keys_seen = Counter((lb["name"].casefold(), lb["type"], lb["project"]) for lb in labels)
    twice = [key for key, n in keys_seen.items() if n > 1]
    stored = {(lb["name"], lb["type"]) for lb in labels if not lb["archived"]}
    wanted = {(name, kind) for (_, kind), (_, name) in expected.valid.items()}
    missing, extra = sorted(wanted - stored), sorted(stored - wanted)
    archived = sum(1 for lb in labels if lb["archived"])
    checks = [
        Check(
            "labels on the server = unique valid rows",
            not missing and not extra and len(stored) == len(wanted),
            f"{len(stored):,} stored, {len(wanted):,} expected; missing {missing[:5]},"
            f" unexpected {extra[:5]}; {created:,} creates counted by the store",
        ),
        Check(
            "0 duplicates (name case-insensitively + type + project)",
            not twice and archived == 0,
            f"{len(twice)} keys stored more than once {twice[:5]}; {archived} archived",
        ),
    ]
    ids = {f"{lb['name'].casefold()}\t{lb['type']}": str(lb["id"]) for lb in labels}
    return checks, ids


def _report_records(path: Path) -> list[dict[str, Any]] | None:
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return records if isinstance(records, list) else None


def _wrong_rows(
    records: list[dict[str, Any]], expected: Expected, ids: dict[str, str]
) -> list[dict[str, Any]]:
    """Report lines whose status (or label id) is not what the row should have come to."""
    wrong = []
    for record in records:
        row = record.get("row")
        if row in expected.invalid or row in expected.duplicates:
            if record.get("status") != "invalid":
                wrong.append(record)
            continue
        key = f"{str(record.get('name', '')).casefold()}\t{record.get('type')}"
        if record.get("status") not in DONE or record.get("label_id") != ids.get(key):
            wrong.append(record)
    return wrong


def check_report(path: Path, rows: int, expected: Expected, ids: dict[str, str]) -> Check:
    name = "0 rows unaccounted (every row once, with its final status)"
    records = _report_records(path)
    if records is None:
        return Check(name, False, f"no readable report at {path.name}")
    seen = Counter(int(record.get("row") or 0) for record in records)
    missing = sorted(set(range(2, rows + 2)) - set(seen))
    repeated = sorted(row for row, n in seen.items() if n > 1)
    wrong = _wrong_rows(records, expected, ids)
    why = Counter(f"{r.get('status')}: {r.get('error') or 'label id differs'}" for r in wrong)
    examples = [(r.get("row"), r.get("status"), r.get("http_status")) for r in wrong[:8]]
    detail = (
        f"{len(records):,} report lines for {rows:,} rows; missing {missing[:5]},"
        f" repeated {repeated[:5]}; {len(wrong)} with the wrong outcome {examples}"
    )
    if why:
        detail += "; why: " + "; ".join(f"{n} x {text}" for text, n in why.most_common(4))
    return Check(name, not missing and not repeated and not wrong, detail)


def _files(*folders: Path) -> Iterator[Path]:
    for folder in folders:
        yield from sorted(path for path in folder.rglob("*") if path.is_file())


def check_secrets(keys: Keys, folders: tuple[Path, ...]) -> Check:
    windows = keys.windows()
    files = list(_files(*folders))
    leaks = []
    for path in files:
        data = path.read_bytes()
        if any(window in data for window in windows):
            leaks.append(path.name)
    return Check(
        f"0 key bytes (any {WINDOW} characters of either key)",
        not leaks,
        f"{len(files)} files scanned ({', '.join(p.name for p in files)}); leaks in {leaks}",
    )


@contextmanager
def _folder(keep: bool) -> Iterator[Path]:
    if keep:
        yield Path(tempfile.mkdtemp(prefix="soak-"))
        return
    with tempfile.TemporaryDirectory(prefix="soak-") as name:
        yield Path(name)


def _server_figures(stats: Counter[str]) -> str:
    errors = sum(n for status, n in stats.items() if status.startswith("5"))
    shown = {"200": stats["200"], "429": stats["429"], "5xx": errors}
    shown.update(
        {
            "dropped or answer lost": stats["dropped"],
            "400": stats["400"],
            "404": stats["404"],
            "client hung up": stats["disconnected"],
        }
    )
    requests = stats["requests"]
    parts = [f"{k} {n:,} ({n / max(requests, 1):.1%})" for k, n in shown.items()]
    retry = stats["429"] + errors + stats["dropped"]
    return f"{requests:,}: " + ", ".join(parts) + f"; {retry:,} of them asked for a retry"


def _how_it_ended(run: ClientRun) -> str:
    resumed = "--resume, " if run.resume else ""
    if run.killed_at is not None:
        return f"{resumed}kill -9 at {run.killed_at:,} journal lines after {run.seconds:.0f} s"
    return f"{resumed}exit {run.exit_code} after {run.seconds:.0f} s"


def _client_figures(runs: list[ClientRun]) -> tuple[str, str]:
    finished = [run.summary for run in runs if run.summary is not None]
    requests = sum(int(s.get("requests", 0)) for s in finished)
    retries = sum(int(s.get("retries", 0)) for s in finished)
    runs_text = ", ".join(f"{run.number}: {_how_it_ended(run)}" for run in runs)
    sent = f"{requests:,} requests, {retries:,} retries in the {len(finished)} runs that finished"
    return runs_text, sent + " (a killed run prints no summary)"


def print_results(soak: Soak, expected: Expected, rows: int, checks: list[Check]) -> None:
    elapsed = time.monotonic() - soak.started
    records = _report_records(soak.report) or []
    statuses = Counter(str(r.get("status")) for r in records)
    runs_text, sent = _client_figures(soak.runs)
    known = {soak.source.name, soak.report.name}
    others = [p.name for p in _files(soak.folder) if p.name not in known]
    killed = sum(1 for run in soak.runs if run.killed_at is not None)
    figures = [
        (
            "rows in the file",
            f"{rows:,}: {len(expected.valid):,} unique valid,"
            f" {len(expected.invalid)} invalid, {len(expected.duplicates)} in-file duplicates",
        ),
        ("elapsed", f"{elapsed:.0f} s"),
        (
            "client options",
            " ".join(_client_command(soak, resume=False)[4:]).replace(
                str(soak.folder) + os.sep, ""
            ),
        ),
        ("client runs", f"{len(soak.runs)} ({killed} killed with SIGKILL): {runs_text}"),
        ("client requests", sent),
        ("server restarts", f"{soak.sandbox.starts - 1} (SIGTERM, same port and SQLite file)"),
        ("requests the sandbox answered", _server_figures(soak.sandbox.stats)),
        ("final report", ", ".join(f"{s} {n:,}" for s, n in statuses.most_common())),
        ("other files left in the folder", ", ".join(others) or "none"),
    ]
    print("\n| figure | value |\n|---|---|")
    for name, value in figures:
        print(f"| {name} | {value} |")
    print("\n| check | result | detail |\n|---|---|---|")
    for check in checks:
        print(f"| {check.name} | {'ok' if check.ok else 'FAILED'} | {check.detail} |")
    print("\nevents:\n" + "\n".join(soak.events))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--max-runs", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="Keep the folder and print it.")
    parser.add_argument(
        "--client-args",
        default="",
        help='More options for every client run, e.g. "--max-wait 600".',
    )
    args = parser.parse_args()
    keys = Keys.random()
    with _folder(args.keep) as root:
        run_folder, logs, server = root / "run", root / "logs", root / "server"
        for folder in (run_folder, logs, server):
            folder.mkdir()
        source = run_folder / "soak.csv"
        expected = write_input(source, args.rows)
        to_send = len(expected.valid)
        sandbox = Sandbox(server / "labels.db", keys, server / "sandbox.log", args.seed)
        soak = Soak(
            run_folder,
            logs,
            source,
            sandbox,
            keys,
            args.concurrency,
            shlex.split(args.client_args),
            kills=[int(share * to_send) for share in KILLS_AT],
            restarts=[int(share * to_send) for share in RESTARTS_AT],
        )
        sandbox.start()
        try:
            drive(soak, args.max_runs)
        finally:
            sandbox.stop()
        checks, ids = check_store(sandbox.db, keys, expected)
        checks.append(check_report(soak.report, args.rows, expected, ids))
        checks.append(check_secrets(keys, (run_folder, logs)))
        checks.append(check_last_run(soak))
        checks.append(
            Check(
                f"{len(KILLS_AT)} kills and {len(RESTARTS_AT)} restarts happened",
                not soak.kills and not soak.restarts,
                f"kills left {soak.kills}, restarts left {soak.restarts}",
            )
        )
        print_results(soak, expected, args.rows, checks)
        if args.keep:
            print(f"\nfolder kept: {root}")
    sys.exit(0 if all(check.ok for check in checks) else 1)


if __name__ == "__main__":
    main()
