"""SIGINT and SIGTERM end `run` and `validate` with exit 3 and one line at every stage:
while starting up, while reading, while listing, while sending (tests/cli/test_run.py)
and while the report is written, which a signal never cuts short. Real signals to real
processes; each test waits for a sign of its stage (a handler taken, the input open, a
request in flight, a temporary file) first."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from anyio.abc import Process
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.cli.interrupt import Interrupted
from pipeline.importer import import_labels
from pipeline.report.writers import write_report
from pipeline.sandbox import SandboxHandle
from tests.cli.test_run import cli_env, command, our_sandbox
from tests.conftest import SandboxFactory
from tests.import_helpers import read_report, write_labels_csv
from tests.paths import REPO

SIGNALS = [signal.SIGINT, signal.SIGTERM]
NAMES = ["SIGINT", "SIGTERM"]
# Enough rows that reading them takes a second or more even on a fast machine.
MANY = 60_000
# Enough invalid rows that writing their report (as xlsx, the slowest) takes a second too.
UNSENDABLE = 12_000


def _holds_open(pid: int, path: Path) -> bool:
    try:
        return any(Path(link.path).resolve() == path for link in os.scandir(f"/proc/{pid}/fd"))
    except OSError:  # a descriptor closed while we looked
        return False


async def wait_until(ready: Callable[[], bool], process: Process) -> None:
    with anyio.fail_after(60):
        while not ready():
            assert process.returncode is None, "the command ended before the test could signal"
            await anyio.sleep(0.005)


async def signalled(
    argv: list[str], cwd: Path, signum: signal.Signals, ready: Callable[[Process], bool]
) -> tuple[int, str, str]:
    """Start `argv`, send `signum` once `ready`, and return its exit code, stdout, stderr."""
    async with await anyio.open_process(argv, cwd=cwd, env=cli_env()) as process:
        await wait_until(lambda: ready(process), process)
        process.send_signal(signum)
        with anyio.fail_after(30):
            code = await process.wait()
        assert process.stdout is not None and process.stderr is not None
        out = b"".join([chunk async for chunk in process.stdout]).decode()
        err = b"".join([chunk async for chunk in process.stderr]).decode()
    return code, out, err


def files_in(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()}


def _catches_sigterm(pid: int) -> bool:
    """Whether the process has a handler for SIGTERM (its SigCgt mask in /proc)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)))


@pytest.mark.cli
@pytest.mark.parametrize("signum", SIGNALS, ids=NAMES)
async def test_a_signal_while_run_starts_up_exits_3_with_one_line(
    sandbox_factory: SandboxFactory, tmp_path: Path, signum: signal.Signals
) -> None:
    """As soon as the process can take SIGTERM: it is still loading its modules."""
    box = await our_sandbox(sandbox_factory)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 500)
    argv = command(str(source), "--base-url", box.url, "--json")

    code, out, err = await signalled(
        argv, tmp_path, signum, lambda process: _catches_sigterm(process.pid)
    )

    assert (code, out) == (3, "")
    assert err in (
        "label-import: interrupted while starting; nothing was done\n",
        "label-import: interrupted before anything was sent\n",
    )
    assert files_in(tmp_path) == {"labels.csv"}
    assert (await box.stats())["requests"] == 0


@pytest.mark.cli
@pytest.mark.parametrize("signum", SIGNALS, ids=NAMES)
async def test_a_signal_while_validate_reads_exits_3_with_one_line(
    tmp_path: Path, signum: signal.Signals
) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, MANY)
    argv = [*command()[:-1], "validate", str(source)]

    code, out, err = await signalled(
        argv, tmp_path, signum, lambda process: _holds_open(process.pid, source)
    )

    assert (code, out, err) == (3, "", "label-import validate: interrupted\n")


@pytest.mark.cli
@pytest.mark.parametrize("signum", SIGNALS, ids=NAMES)
async def test_a_signal_while_run_reads_sends_and_writes_nothing(
    sandbox_factory: SandboxFactory, tmp_path: Path, signum: signal.Signals
) -> None:
    box = await our_sandbox(sandbox_factory)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, MANY)
    argv = command(str(source), "--base-url", box.url, "--json")

    code, out, err = await signalled(
        argv, tmp_path, signum, lambda process: _holds_open(process.pid, source)
    )

    assert (code, out, err) == (3, "", "label-import: interrupted before anything was sent\n")
    assert files_in(tmp_path) == {"labels.csv"}  # the last run's report would be intact
    assert (await box.stats())["requests"] == 0


@pytest.mark.cli
@pytest.mark.parametrize("signum", SIGNALS, ids=NAMES)
async def test_a_signal_while_listing_sends_nothing_and_writes_the_report(
    sandbox_factory: SandboxFactory, tmp_path: Path, signum: signal.Signals
) -> None:
    box = await our_sandbox(sandbox_factory, latency_ms=1500)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 20)
    argv = command(str(source), "--base-url", box.url, "--json", "--no-progress")
    requests: list[int] = []

    async def watch_requests() -> None:
        while True:
            requests.append((await box.stats())["requests"])
            await anyio.sleep(0.01)

    async with anyio.create_task_group() as group:
        group.start_soon(watch_requests)
        code, out, err = await signalled(argv, tmp_path, signum, lambda _: any(requests))
        group.cancel_scope.cancel()

    assert code == 3 and json.loads(out)["stopped"] == "interrupted"
    assert "Traceback" not in err and err.startswith("label-import: stopping;")
    report = read_report(tmp_path / "labels.report.csv")
    assert len(report) == 20 and {r["status"] for r in report} == {"not_attempted"}
    assert (await box.stats())["requests"] == 1  # the listing's page, no label


def _temporary_files(folder: Path, finals: set[str]) -> set[str]:
    """Files being written: any but the final outputs (and a lock beside them)."""
    return {name for name in files_in(folder) - finals if not name.endswith(".lock")}


@pytest.mark.cli
@pytest.mark.parametrize("signum", SIGNALS, ids=NAMES)
async def test_a_signal_while_the_report_is_written_waits_for_it_then_exits_3(
    sandbox_factory: SandboxFactory, tmp_path: Path, signum: signal.Signals
) -> None:
    box = await our_sandbox(sandbox_factory)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, UNSENDABLE, invalid_every=1)  # nothing to send: all is writing
    finals = {"labels.csv", "r.xlsx", "r.journal.jsonl", "labels.failed.csv"}
    argv = command(str(source), "--base-url", box.url, "--report", "r.xlsx", "--json")

    code, out, err = await signalled(
        argv, tmp_path, signum, lambda _: bool(_temporary_files(tmp_path, finals))
    )

    summary = json.loads(out)
    assert (code, summary["stopped"], summary["invalid"]) == (3, "interrupted", UNSENDABLE)
    assert "report is complete" in summary["stop_message"] and "Traceback" not in err
    assert _temporary_files(tmp_path, finals) == set()
    assert (tmp_path / "r.xlsx").stat().st_size > 0 and (tmp_path / "labels.failed.csv").exists()


async def test_a_signal_during_the_report_is_held_until_it_is_written(
    sandbox: SandboxHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deferral itself, in this process: SIGTERM arrives inside the report writer."""
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 12)

    def write_while_signalled(*args: Any, **kwargs: Any) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        os.kill(os.getpid(), signal.SIGINT)
        write_report(*args, **kwargs)

    monkeypatch.setattr("pipeline.importer.write_report", write_while_signalled)
    before = {signum: signal.getsignal(signum) for signum in SIGNALS}

    summary = await import_labels(
        source,
        base_url=sandbox.url,
        api_key=sandbox.api_key,
        secret_key=sandbox.secret_key,
        report=tmp_path / "labels.report.csv",
        rate=0,
        handle_signals=True,
    )

    assert (summary.created, summary.stopped, summary.exit_code) == (12, "interrupted", 3)
    assert Counter(r["status"] for r in read_report(Path(summary.report))) == {"created": 12}
    assert {signum: signal.getsignal(signum) for signum in SIGNALS} == before


EXEC_LOOP = """
import os, signal, sys, threading
from pipeline.cli.interrupt import end_on_signals
end_on_signals()
threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM)).start()
try:
    exec("while True: pass")  # how dataclasses and pydantic build their methods
except KeyboardInterrupt:
    sys.exit(3)
"""


@pytest.mark.cli
def test_a_signal_inside_exec_code_keeps_the_exit_code_under_python_m(tmp_path: Path) -> None:
    """CPython kills a `python -m` process with SIGINT at exit when a bare KeyboardInterrupt
    left exec() code, whatever the exit code; the signal's exception is a subclass."""
    package = tmp_path / "interrupted_in_exec"
    package.mkdir()
    (package / "__main__.py").write_text(EXEC_LOOP)
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    done = subprocess.run(
        [sys.executable, "-m", package.name], cwd=tmp_path, env=env, timeout=30, check=False
    )

    assert done.returncode == 3


def _interrupted(*args: Any, **kwargs: Any) -> Any:
    raise Interrupted


@pytest.mark.parametrize(
    ("args", "stage", "line"),
    [
        (["validate", "in.csv"], "pipeline.validate.validate_file", "validate: interrupted"),
        (
            ["template", "t.xlsx"],
            "pipeline.validate.template.write_template",
            "template: interrupted; t.xlsx may be incomplete",
        ),
    ],
)
def test_a_command_a_signal_ends_says_so_in_one_line_and_exits_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], stage: str, line: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(stage, _interrupted)  # the signal arrives while the stage works
    handlers = {signum: signal.getsignal(signum) for signum in SIGNALS}
    try:
        result = CliRunner().invoke(app, args)
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)

    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == f"label-import {line}\n"
