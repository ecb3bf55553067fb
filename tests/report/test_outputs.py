"""What a run leaves behind, end to end against the sandbox: a dry run's own plan file,
outputs that are never symlinks, a journal a full disk tore, sheets XLSX cannot name."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Sequence
from pathlib import Path

import anyio
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import UsageError
from pipeline.report.lock import output_lock
from pipeline.sandbox import SandboxHandle
from tests.import_helpers import read_report, run_import, server_labels, write_labels_csv
from tests.sheets import Cell, write_ods


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


async def test_a_dry_run_writes_its_plan_and_leaves_the_real_runs_files_alone(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 10, invalid_every=5)
    await run_import(source, sandbox)
    before = snapshot(tmp_path)
    assert {"labels.report.csv", "labels.failed.csv", "labels.report.journal.jsonl"} <= set(before)
    write_labels_csv(source, 12, invalid_every=5)  # two rows more to plan

    summary = await run_import(source, sandbox, dry_run=True)

    after = snapshot(tmp_path)
    plan = tmp_path / "labels.plan.csv"
    assert {k: v for k, v in after.items() if k not in ("labels.csv", plan.name)} == {
        k: v for k, v in before.items() if k != "labels.csv"
    }
    assert (summary.report, summary.failed_rows) == (str(plan), None)
    planned = {r["name"]: r for r in read_report(plan)}
    assert planned["label-00010"]["status"] == "create"
    assert planned["label-00000"]["status"] == "unchanged"


def test_the_cli_summary_of_a_dry_run_names_the_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 3)

    result = CliRunner().invoke(app, ["run", str(source), "--sandbox", "--dry-run"])

    assert result.exit_code == 0, result.output
    unwrapped = result.stdout.replace("\n", "")  # rich wraps a long path
    assert f"plan: {tmp_path / 'labels.plan.csv'}" in unwrapped
    assert "report:" not in result.stdout
    assert not (tmp_path / "labels.report.csv").exists()


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("labels.report.csv", "the report"),
        ("labels.failed.csv", "the failed-rows file"),
        ("labels.report.journal.jsonl", "the journal"),
        ("labels.plan.csv", "the dry run's plan"),
    ],
)
async def test_an_output_that_is_a_symlink_is_refused_before_anything_is_sent(
    sandbox: SandboxHandle, tmp_path: Path, name: str, what: str
) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 3)
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n")
    (tmp_path / name).symlink_to(precious)

    with pytest.raises(UsageError, match=f"{what} .*{name} is a symlink"):
        await run_import(source, sandbox)

    assert precious.read_text() == "keep me\n"
    assert (await sandbox.stats())["requests"] == 0


async def test_resume_goes_on_after_a_journal_line_cut_inside_a_character(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 4)
    await run_import(source, sandbox)
    journal = tmp_path / "labels.report.journal.jsonl"
    with journal.open("ab") as handle:
        handle.write(b'{"row": 9, "sheet": "Qualit\xc3')

    summary = await run_import(source, sandbox, resume=True)

    assert summary.exit_code == 0 and summary.total == 4
    assert len(await server_labels(sandbox)) == 4
    assert (await sandbox.stats())["created"] == 4


async def test_a_second_run_on_the_same_outputs_is_refused_before_sending(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 3)
    refused = pytest.raises(UsageError, match=rf"another label-import run \(pid {os.getpid()}")
    with output_lock(tmp_path / "labels.report.csv"), refused:
        await run_import(source, sandbox)
    assert (await sandbox.stats())["requests"] == 0
    assert files(tmp_path) == ["labels.csv"]


async def test_ods_sheets_xlsx_cannot_name_get_their_failed_rows_file(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    header: list[Cell] = ["name", "type"]
    sheets: dict[str, Sequence[Sequence[Cell]]] = {
        "Q1/Q2 labels": [header, ["Tone", "text"], ["Bad", "nonsense"]],
        "x" * 31 + "A": [header, ["Worse", "nonsense"]],
        "x" * 31 + "B": [header, ["Worst", "nonsense"]],
    }
    source = write_ods(tmp_path / "labels.ods", sheets)

    summary = await run_import(source, sandbox)

    assert (summary.created, summary.invalid, summary.exit_code) == (1, 3, 1)
    assert summary.failed_rows == str(tmp_path / "labels.failed.xlsx")
    assert [name for name in files(tmp_path) if name.startswith(".")] == []
    again = await run_import(Path(summary.failed_rows), sandbox, report=tmp_path / "again.csv")
    by_name = {r.name: r for r in again.rows}
    assert set(by_name) == {"Bad", "Worse", "Worst"}
    assert len({r.sheet for r in again.rows}) == 3


async def test_a_dead_runs_lock_is_taken_over_and_the_summary_says_so(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 3)
    dead = await anyio.run_process(["sh", "-c", "echo $$"])
    holder = {"pid": int(dead.stdout), "host": socket.gethostname(), "started": "2026-01-02T03:04"}
    lock = tmp_path / "labels.report.lock"
    lock.write_text(json.dumps(holder))

    summary = await run_import(source, sandbox)

    assert summary.exit_code == 0 and summary.created == 3
    assert summary.file_warnings == [
        f"took over labels.report.lock, left by a run that is no longer running "
        f"(pid {holder['pid']}, started 2026-01-02 03:04)"
    ]
    assert not lock.exists()
