"""Outputs are written whole or not at all, each run through its own temporary file."""

from __future__ import annotations

import errno
import os
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
