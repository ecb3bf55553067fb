"""A fault of our own in the middle of the sending (a bug): the run still writes its report,
with every input row, then ends with one line (the CLI, exit 3) or raises (the library)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import pipeline.send.answers
import pipeline.send.row_sender
from pipeline.cli import app
from pipeline.report.journal import read_journal
from pipeline.report.summary import RunEndedEarly
from pipeline.sandbox import SandboxHandle
from tests.import_helpers import read_report, run_import, write_labels_csv

ROWS = 12
# The row whose handling meets the bug: the rows before it are settled, one at a time.
BROKEN_ROW = 4


def break_the_fourth_create(monkeypatch: pytest.MonkeyPatch, secret: str = "") -> None:
    """Our own code raises while it handles the fourth created label's answer."""
    real = pipeline.send.answers.label_id
    calls = Counter[str]()

    def label_id(label: Any) -> Any:
        calls["label_id"] += 1
        if calls["label_id"] == BROKEN_ROW:
            raise RuntimeError(f"a bug in our code\n  on a second line {secret}")
        return real(label)

    monkeypatch.setattr(pipeline.send.row_sender, "label_id", label_id)


async def test_a_bug_while_sending_still_writes_every_row_then_raises(
    sandbox: SandboxHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, ROWS)
    break_the_fourth_create(monkeypatch, secret=sandbox.secret_key)

    with pytest.raises(RunEndedEarly) as raised:
        await run_import(source, sandbox, concurrency=1)

    summary = raised.value.summary
    report_path = tmp_path / "labels.report.csv"
    assert summary.report == str(report_path) and str(report_path) in str(raised.value)
    assert isinstance(raised.value.__cause__, BaseException)
    assert (summary.stopped, summary.exit_code) == ("unexpected", 3)
    report = read_report(report_path)
    assert [int(r["row"]) for r in report] == list(range(2, ROWS + 2))
    statuses = [r["status"] for r in report]
    assert statuses == ["created"] * (BROKEN_ROW - 1) + ["not_attempted"] * (ROWS - 3)
    for row in report[BROKEN_ROW - 1 :]:
        error = row["error"]
        assert error.startswith("the run ended early") and "RuntimeError: a bug" in error
        assert "\n" not in error and "Traceback" not in error
        assert sandbox.secret_key not in error and "<redacted>" in error
    assert "\n" not in summary.stop_message and sandbox.secret_key not in summary.stop_message
    done = read_journal(tmp_path / "labels.report.journal.jsonl")
    assert sorted(row for _, row in done if done[(None, row)].status == "created") == [2, 3, 4]

    # The fourth label was made before the bug struck: resuming counts it as this import's.
    monkeypatch.undo()
    resumed = await run_import(source, sandbox, concurrency=1, resume=True)
    assert (resumed.created, resumed.existing, resumed.exit_code) == (ROWS, 0, 0)
    assert "interrupted" in resumed.rows[BROKEN_ROW - 1].error


def test_the_cli_ends_a_run_cut_short_by_a_bug_with_one_line_and_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, ROWS)
    break_the_fourth_create(monkeypatch)

    result = CliRunner().invoke(
        app, ["run", str(source), "--sandbox", "--concurrency", "1", "--rate", "0", "--json"]
    )

    assert result.exit_code == 3 and result.stdout == ""
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    line = lines[0]
    assert line.startswith("label-import: the run ended early: unexpected error (RuntimeError")
    assert str(tmp_path / "labels.report.csv") in line and "--resume" in line
    report = read_report(tmp_path / "labels.report.csv")
    assert len(report) == ROWS
    assert Counter(r["status"] for r in report) == {"created": 3, "not_attempted": ROWS - 3}
    # The journal holds what was done: a resumed run sends only the rest.
    done = read_journal(tmp_path / "labels.report.journal.jsonl").values()
    assert sum(entry.status == "created" for entry in done) == 3
