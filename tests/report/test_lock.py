"""One run at a time on a report: the second is refused naming the first; a dead run's
lock is taken over with a notice; the lock goes when the run ends, however it ends."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
from pathlib import Path

import pytest

from pipeline.errors import UsageError
from pipeline.report.lock import lock_path, output_lock


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped) on this host."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def write_lock(report: Path, pid: int, host: str | None = None) -> Path:
    path = lock_path(report)
    holder = {"pid": pid, "host": host or socket.gethostname(), "started": "2026-01-02T14:02:00"}
    path.write_text(json.dumps(holder))
    return path


def test_the_lock_sits_beside_the_report_one_per_stem() -> None:
    assert lock_path(Path("out/labels.report.csv")) == Path("out/labels.report.lock")
    assert lock_path(Path("out/labels.report.xlsx")) == Path("out/labels.report.lock")


def test_a_second_run_is_refused_naming_the_first(tmp_path: Path) -> None:
    report = tmp_path / "labels.report.csv"
    with output_lock(report) as notices:
        assert notices == [] and lock_path(report).exists()
        with pytest.raises(UsageError) as refused, output_lock(report):
            pass
    message = str(refused.value)
    assert re.fullmatch(
        rf"another label-import run \(pid {os.getpid()}, started \d\d:\d\d\) is writing "
        rf"{re.escape(str(report))}; wait for it or use --report",
        message,
    )
    assert not lock_path(report).exists()


def test_the_lock_is_removed_when_the_run_fails(tmp_path: Path) -> None:
    report = tmp_path / "labels.report.csv"
    with pytest.raises(RuntimeError), output_lock(report):
        raise RuntimeError("boom")
    assert not lock_path(report).exists()


def test_a_dead_runs_lock_is_taken_over_with_a_notice(tmp_path: Path) -> None:
    report = tmp_path / "labels.report.csv"
    pid = dead_pid()
    write_lock(report, pid)
    with output_lock(report) as notices:
        assert len(notices) == 1
        assert f"no longer running (pid {pid}, started 2026-01-02 14:02)" in notices[0]
        assert json.loads(lock_path(report).read_text())["pid"] == os.getpid()
    assert not lock_path(report).exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_a_lock_from_another_host_is_never_taken_over(tmp_path: Path) -> None:
    report = tmp_path / "labels.report.csv"
    write_lock(report, dead_pid(), host="build-7")
    with pytest.raises(UsageError, match=r"\(pid \d+ on build-7, started"), output_lock(report):
        pass
    assert lock_path(report).exists()


def test_a_lock_that_names_no_run_is_refused_naming_the_lock_file(tmp_path: Path) -> None:
    report = tmp_path / "labels.report.csv"
    lock_path(report).write_text("garbage")
    with pytest.raises(UsageError, match=r"labels\.report\.lock says another"), output_lock(report):
        pass


def test_a_symlink_at_the_lock_is_not_followed(tmp_path: Path) -> None:
    report = tmp_path / "labels.report.csv"
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    lock_path(report).symlink_to(precious)
    with pytest.raises(OSError), output_lock(report):
        pass
    assert precious.read_text() == "keep me"
