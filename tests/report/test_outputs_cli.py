"""What a run leaves behind when the world is hostile, as a user meets it: a second run
on the same report at the same time, and a disk that fills up (a real file size limit,
no root needed: RLIMIT_FSIZE with SIGXFSZ ignored makes writes fail with EFBIG)."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import anyio
import pytest

from pipeline.report.lock import lock_path
from pipeline.sandbox import Organisation, SandboxHandle
from tests.conftest import SandboxFactory
from tests.import_helpers import read_report, server_labels, write_labels_csv

KEY = "fi-key-outputs-3kq"
SECRET = "fi-secret-outputs-9zp"
# Runs `label-import run ARGS...` with every file it writes limited to LIMIT bytes.
LIMITED = (
    "import os, resource, signal, sys\n"
    "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
    "limit = int(sys.argv[1])\n"
    "resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))\n"
    "os.execv(sys.executable, [sys.executable, '-m', 'pipeline', 'run', *sys.argv[2:]])\n"
)


def env() -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FI_")}
    return {**clean, "FI_API_KEY": KEY, "FI_SECRET_KEY": SECRET}


def run_command(*args: str, file_limit: int | None = None) -> list[str]:
    if file_limit is None:
        return [sys.executable, "-m", "pipeline", "run", *args]
    return [sys.executable, "-c", LIMITED, str(file_limit), *args]


async def run_cli(*args: str, cwd: Path, file_limit: int | None = None) -> tuple[int, str, str]:
    command = run_command(*args, file_limit=file_limit)
    result = await anyio.run_process(command, cwd=cwd, env=env(), check=False)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


async def our_sandbox(factory: SandboxFactory, **dials: object) -> SandboxHandle:
    return await factory(orgs=(Organisation(KEY, SECRET),), **dials)


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.cli
async def test_a_second_run_on_the_same_report_is_refused_naming_the_first(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await our_sandbox(sandbox_factory, latency_ms=100)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 40)  # 4 s of sending: time for a second run to start, busy or not
    args = (str(source), "--base-url", box.url, "--concurrency", "1", "--rate", "0", "--json")
    lock = lock_path(tmp_path / "labels.report.csv")

    async with await anyio.open_process(run_command(*args), cwd=tmp_path, env=env()) as first:
        with anyio.fail_after(20):
            while not lock.exists():
                assert first.returncode is None, "the first run ended before taking its lock"
                await anyio.sleep(0.01)
        code, out, err = await run_cli(*args, cwd=tmp_path)
        assert first.returncode is None, "the first run ended before the second started"
        await first.wait()

    assert (code, out) == (2, "")
    assert re.fullmatch(
        rf"label-import: another label-import run \(pid {first.pid}, started \d\d:\d\d\) is "
        rf"writing {re.escape(str(tmp_path / 'labels.report.csv'))}; wait for it or use "
        r"--report\n",
        err,
    )
    assert first.returncode == 0 and not lock.exists()
    report = read_report(tmp_path / "labels.report.csv")
    assert [r["status"] for r in report] == ["created"] * 40
    assert len(await server_labels(box)) == 40


def labels_with_long_invalid_rows(path: Path, valid: int, invalid: int) -> None:
    """`valid` rows, then `invalid` rows with long names: big in the report and the
    failed-rows file, absent from the journal (they are never sent)."""
    write_labels_csv(path, valid)
    with path.open("a", encoding="utf-8") as handle:
        for i in range(invalid):
            handle.write(f"{'long name ' * 20}{i},nonsense,never sent\n")


@pytest.mark.cli
async def test_a_full_disk_at_the_report_names_it_and_points_at_the_journal(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await our_sandbox(sandbox_factory)
    source = tmp_path / "labels.csv"
    labels_with_long_invalid_rows(source, 10, 40)
    args = (str(source), "--base-url", box.url, "--rate", "0", "--json")

    code, out, err = await run_cli(*args, cwd=tmp_path, file_limit=4096)

    summary = json.loads(out)
    report, failed = tmp_path / "labels.report.csv", tmp_path / "labels.failed.csv"
    journal = tmp_path / "labels.report.journal.jsonl"
    assert (code, summary["created"], summary["stopped"]) == (3, 10, "fatal")
    assert f"cannot write {report} (File too large); the outcome of every row sent is in " in err
    assert f"the journal {journal}: --resume will not send created rows again" in err
    assert f"cannot write {failed} (File too large)" in err
    assert err.startswith("label-import: stopped: ") and err.count("\n") == 1
    assert summary["failed_rows"] is None and not report.exists() and not failed.exists()
    assert hidden(tmp_path) == [] and not lock_path(report).exists()

    code, out, _ = await run_cli(*args, "--resume", cwd=tmp_path)

    assert (code, json.loads(out)["invalid"]) == (1, 40)
    assert (await box.stats())["created"] == 10
    assert {r["status"] for r in read_report(report)} == {"created", "invalid"}


@pytest.mark.cli
async def test_a_full_disk_at_the_journal_stops_the_run_and_the_report_tells_all(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await our_sandbox(sandbox_factory)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 40)
    args = (str(source), "--base-url", box.url, "--rate", "0", "--concurrency", "1", "--json")

    code, out, err = await run_cli(*args, cwd=tmp_path, file_limit=4000)

    summary = json.loads(out)
    journal = tmp_path / "labels.report.journal.jsonl"
    assert (code, summary["stopped"]) == (3, "fatal")
    assert err == (
        f"label-import: stopped: cannot write the journal {journal} (File too large); stopped "
        "sending, since rows sent from now on could not be resumed\n"
    )
    report = read_report(tmp_path / "labels.report.csv")
    assert len(report) == 40 and 0 < summary["created"] < 40
    assert summary["not_attempted"] == 40 - summary["created"]
    assert (await box.stats())["created"] == summary["created"]
    assert hidden(tmp_path) == []

    code, out, _ = await run_cli(*args, "--resume", cwd=tmp_path)

    assert code == 0
    assert (await box.stats())["created"] == 40
    assert sorted(r["name"] for r in await server_labels(box)) == [r["name"] for r in report]


@pytest.mark.cli
async def test_the_lock_of_a_killed_run_is_taken_over_with_a_notice(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await our_sandbox(sandbox_factory, latency_ms=100)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 20)
    args = (str(source), "--base-url", box.url, "--concurrency", "1", "--rate", "0", "--json")
    lock = lock_path(tmp_path / "labels.report.csv")
    async with await anyio.open_process(run_command(*args), cwd=tmp_path, env=env()) as killed:
        with anyio.fail_after(20):
            while not lock.exists():
                assert killed.returncode is None, "the run ended before taking its lock"
                await anyio.sleep(0.01)
        killed.kill()
        await killed.wait()
    assert lock.exists()

    code, out, err = await run_cli(*args, "--resume", cwd=tmp_path)

    assert (code, json.loads(out)["total"]) == (0, 20)
    assert err.startswith(
        f"label-import: took over labels.report.lock, left by a run that is no longer running "
        f"(pid {killed.pid}, started "
    )
    assert not lock.exists() and len(await server_labels(box)) == 20
