"""Outputs are written whole or not at all, each run through its own temporary file."""

from __future__ import annotations

import errno
import gc
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import pipeline.validate.template
from pipeline.cli import app
from pipeline.report.files import replacing
from pipeline.report.writers import write_report
from pipeline.rows import RowOutcome


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_the_new_content_replaces_the_file_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "labels.report.csv"
    target.write_text("old")
    with replacing(target) as temporary:
        temporary.write_text("new")
    assert target.read_text() == "new" and leftovers(tmp_path) == []


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "labels.report.csv"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt), replacing(target) as temporary:
        temporary.write_text("half")
        raise KeyboardInterrupt
    assert target.read_text() == "old" and leftovers(tmp_path) == []


def test_two_writers_of_one_file_get_their_own_hidden_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "labels.report.xlsx"
    with replacing(target) as first, replacing(target) as second:
        assert first != second and first.name == second.name == target.name
        assert first.parent.parent == second.parent.parent == tmp_path
        assert first.parent.name.startswith(".") and second.parent.name.startswith(".")
        first.write_text("first")
        second.write_text("second")
    assert target.read_text() == "first"  # the last rename wins, whole


def test_a_symlink_at_the_target_is_replaced_not_written_through(tmp_path: Path) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    target = tmp_path / "r.csv"
    target.symlink_to(precious)
    write_report(target, [RowOutcome(2, None, "A", "text", "created", "id-1")])
    assert precious.read_text() == "keep me"
    assert not target.is_symlink() and "created" in target.read_text()


@pytest.mark.usefixtures("umask_022")
def test_a_new_report_gets_the_permissions_of_any_new_file(tmp_path: Path) -> None:
    target = tmp_path / "r.csv"
    write_report(target, [])
    assert target.stat().st_mode & 0o777 == 0o644


def test_a_template_that_cannot_be_written_keeps_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "labels.csv"
    out.write_text("name,type\nMine,star\n")

    def disk_fills_up(path: Path) -> None:
        path.write_text("name,ty")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pipeline.validate.template, "write_template", disk_fills_up)
    result = CliRunner().invoke(app, ["template", str(out), "--force"])

    assert result.exit_code == 2
    assert result.stderr == f"label-import template: cannot write {out}: No space left on device\n"
    assert out.read_text() == "name,type\nMine,star\n" and leftovers(tmp_path) == []


# Writes a big report under a 4 KiB file size limit (no root needed) and says what it met.
FULL_DISK_REPORT = """
import resource, secrets, signal, sys
from pathlib import Path
from pipeline.report.writers import write_report
from pipeline.rows import RowOutcome
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
rows = [RowOutcome(i, None, secrets.token_hex(40), "text", "created") for i in range(500)]
try:
    write_report(Path(sys.argv[1]), rows)
except OSError as exc:
    print(type(exc).__name__, exc.errno)
"""


@pytest.mark.cli
@pytest.mark.parametrize("name", ["r.csv", "r.xlsx", "r.json", "r.jsonl"])
def test_a_report_that_fills_the_disk_fails_with_os_error_and_leaves_nothing(
    tmp_path: Path, name: str
) -> None:
    target = tmp_path / name
    target.write_text("old")
    command = [sys.executable, "-c", FULL_DISK_REPORT, str(target)]

    result = subprocess.run(command, capture_output=True, text=True, check=False)

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"OSError {errno.EFBIG}\n"
    assert target.read_text() == "old" and leftovers(tmp_path) == []


@pytest.mark.parametrize("name", ["r.csv", "r.xlsx", "r.json", "r.jsonl"])
def test_a_report_is_on_disk_before_its_rename_and_the_rename_after(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A power cut between an unsynced write and its rename can leave the new name on an
    empty file: the content is synced before the rename, the folder after it."""
    target = tmp_path / name
    target.write_text("old")
    events: list[tuple[str, Path]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", Path(os.readlink(f"/proc/self/fd/{fd}"))))
        real_fsync(fd)

    def replace(source: str | os.PathLike[str], destination: str | os.PathLike[str]) -> None:
        events.append(("replace", Path(destination)))
        real_replace(source, destination)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_report(target, [RowOutcome(2, None, "A", "text", "created", "id-1")])

    kinds = [kind for kind, _ in events]
    assert kinds == ["fsync", "replace", "fsync"]
    synced, renamed, folder = (path for _, path in events)
    assert synced.name == name and synced.parent.parent == tmp_path  # the temporary file
    assert renamed == target and folder == tmp_path
    assert target.read_bytes() != b"old"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("name", ["r.csv", "r.xlsx", "r.json", "r.jsonl"])
def test_a_full_disk_raises_os_error_once_and_prints_nothing_later(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The temporary file is /dev/full, where every write fails with ENOSPC as on a full
    disk; nothing the failed writer left open may fail again when collected (Python
    prints "Exception ignored in: ..." and a traceback on stderr then)."""
    real_mkdtemp = tempfile.mkdtemp

    def full_folder(prefix: str, suffix: str, dir: Path) -> str:
        folder = real_mkdtemp(prefix=prefix, suffix=suffix, dir=dir)
        (Path(folder) / name).symlink_to("/dev/full")
        return folder

    unraisable: list[BaseException | None] = []
    monkeypatch.setattr(tempfile, "mkdtemp", full_folder)
    monkeypatch.setattr(sys, "unraisablehook", lambda caught: unraisable.append(caught.exc_value))
    target = tmp_path / name

    with pytest.raises(OSError, match="No space left on device"):
        write_report(target, [RowOutcome(2, None, "A", "text", "created", "id-1")])
    gc.collect()  # what the failed writer left open is collected now, not at exit

    assert unraisable == [] and not target.exists() and leftovers(tmp_path) == []
