"""`import_labels` with a pandas DataFrame for input, against the sandbox over TCP: the
labels it creates, the outputs a frame's run writes, and its rows handed back as frames."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from pipeline import ImportSummary, UsageError, import_labels, validate_file
from pipeline.sandbox import SandboxHandle
from pipeline.send.retry import shortened_waits
from tests.import_helpers import FAST_WAITS, read_report, server_labels
from tests.report.test_outputs import files


async def run_frame(frame: Any, box: SandboxHandle, **options: Any) -> ImportSummary:
    with shortened_waits(**FAST_WAITS):
        return await import_labels(
            frame,
            base_url=box.url,
            api_key=box.api_key,
            secret_key=box.secret_key,
            rate=0,
            **options,
        )


def mixed_frame() -> pd.DataFrame:
    """Four labels as a notebook builds them: an int column with blanks (float64), a list
    of options, a settings dict holding a numpy int, booleans; the index is not 0..n."""
    return pd.DataFrame(
        {
            "name": ["Helpfulness", "Tone", "Accuracy", "Notes"],
            "type": ["star", "categorical", "numeric", "text"],
            "no_of_stars": [5, None, None, None],
            "options": [None, ["Formal", "Casual"], None, None],
            "settings": [None, None, {"min": 0, "max": np.int64(10), "step_size": 0.5}, None],
            "allow_notes": [True, False, True, False],
            "description": ["How helpful", None, "0 to 10", "Free text"],
        },
        index=[100, 101, 102, 103],
    )


def with_bad_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with two invalid rows: positions 1 (no name) and 3 (stars as a word)."""
    bad = frame.copy()
    bad.loc[101, "name"] = None
    bad["no_of_stars"] = bad["no_of_stars"].astype(object)
    bad.loc[103, ["type", "no_of_stars"]] = ["star", "five"]
    return bad


async def test_a_frames_labels_are_created_as_the_cells_say(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    summary = await run_frame(mixed_frame(), sandbox, report=tmp_path / "frame.report.csv")

    assert (summary.created, summary.exit_code) == (4, 0)
    labels = {label["name"]: label for label in await server_labels(sandbox)}
    assert labels["Helpfulness"]["settings"]["no_of_stars"] == 5
    assert labels["Helpfulness"]["allow_notes"] is True
    assert [o["label"] for o in labels["Tone"]["settings"]["options"]] == ["Formal", "Casual"]
    accuracy = labels["Accuracy"]["settings"]
    assert (accuracy["min"], accuracy["max"], accuracy["step_size"]) == (0, 10, 0.5)
    assert labels["Tone"]["description"] in ("", None)


async def test_a_frames_outputs_are_named_dataframe_in_the_working_folder(
    sandbox: SandboxHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    summary = await run_frame(with_bad_rows(mixed_frame()), sandbox)

    assert summary.report == str(tmp_path / "dataframe.report.csv")
    assert summary.failed_rows == str(tmp_path / "dataframe.failed.csv")
    assert (tmp_path / "dataframe.report.journal.jsonl").exists()
    # The failed-rows file is a sheet `run` takes back: the same two rows, as typed.
    again = validate_file(tmp_path / "dataframe.failed.csv")
    assert (again.rows_read, again.invalid) == (2, 2)
    failed = read_report(tmp_path / "dataframe.failed.csv")
    assert [(r["source_row"], r["name"], r["no_of_stars"]) for r in failed] == [
        ("3", "", ""),
        ("5", "Notes", "five"),
    ]


async def test_the_failed_frame_is_the_inputs_rows_to_fix_and_import_again(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    frame = with_bad_rows(mixed_frame())
    summary = await run_frame(frame, sandbox, report=tmp_path / "r.csv")
    assert (summary.created, summary.invalid) == (2, 2)

    failed = summary.failed_frame
    assert failed is not None
    assert failed.index.tolist() == [101, 103]
    assert list(failed.columns) == [*frame.columns, "error", "source_row"]
    assert failed.source_row.tolist() == [3, 5]
    assert "name" in failed.error.iloc[0] and "no_of_stars" in failed.error.iloc[1]
    assert failed.options.iloc[0] == ["Formal", "Casual"]  # the cell itself, not its text

    failed.loc[101, "name"] = "Tone"
    failed.loc[103, "no_of_stars"] = 5
    fixed = await run_frame(failed, sandbox, report=tmp_path / "fixed.csv")

    assert (fixed.created, fixed.invalid, fixed.exit_code) == (2, 0, 0)
    assert fixed.failed_frame is not None and fixed.failed_frame.empty
    names = sorted(label["name"] for label in await server_labels(sandbox))
    assert names == ["Accuracy", "Helpfulness", "Notes", "Tone"]


async def test_to_frame_gives_the_report_lines_with_typed_columns(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    summary = await run_frame(with_bad_rows(mixed_frame()), sandbox, report=tmp_path / "r.csv")

    rows = summary.to_frame()

    assert list(rows.columns[:9]) == [
        "row",
        "sheet",
        "name",
        "type",
        "status",
        "label_id",
        "attempts",
        "http_status",
        "error",
    ]
    assert rows.row.tolist() == [2, 3, 4, 5]
    assert rows.status.tolist() == ["created", "invalid", "created", "invalid"]
    assert str(rows.http_status.dtype) == "Int64"
    # An answered row's status code stays an int (a float column would show 200.0).
    assert rows.http_status.iloc[0] == summary.rows[0].http_status == 200
    assert rows.http_status.isna().iloc[1]
    assert rows.label_id.iloc[0] == summary.rows[0].label_id


async def test_a_dry_runs_plan_comes_back_as_a_frame_and_writes_only_the_plan(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    summary = await run_frame(
        with_bad_rows(mixed_frame()), sandbox, report=tmp_path / "r.csv", dry_run=True
    )

    plan = summary.to_frame()
    assert plan.status.tolist() == ["create", "invalid", "create", "invalid"]
    assert (summary.create, summary.invalid) == (2, 2)
    assert summary.report == str(tmp_path / "dataframe.plan.csv")
    assert summary.failed_frame is None
    assert files(tmp_path) == ["dataframe.plan.csv"]
    assert await server_labels(sandbox) == []


async def test_a_frame_resumes_from_the_journal_beside_its_report(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    report = tmp_path / "r.csv"
    await run_frame(mixed_frame(), sandbox, report=report)

    resumed = await run_frame(mixed_frame(), sandbox, report=report, resume=True)

    # Done rows are settled by the journal (status created, no request); without the
    # journal they would be found on the server as existing.
    assert resumed.to_frame().status.tolist() == ["created"] * 4
    assert resumed.requests == 1  # the listing alone


@pytest.mark.parametrize(
    ("value", "options", "message"),
    [
        (42, {}, "give the input as a file path or a pandas DataFrame, not int"),
        (pd.Series(["a"]), {}, "not Series"),
        (pd.DataFrame({"name": ["a"]}), {"sheet": "x"}, "sheet apply to a file"),
    ],
    ids=["int", "series", "sheet"],
)
async def test_what_is_not_a_frame_or_a_path_is_refused_before_sending(
    sandbox: SandboxHandle, tmp_path: Path, value: Any, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        await run_frame(value, sandbox, report=tmp_path / "r.csv", **options)
    assert not (tmp_path / "r.csv").exists()


async def test_a_column_name_with_a_lone_surrogate_keeps_its_escape_in_the_outputs(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    # Every report writes the column names, and UTF-8 cannot hold a lone surrogate.
    frame = pd.DataFrame({"name": ["Ok", "Bad"], "type": ["text", "nope"], "x\ud800": [1, 2]})

    summary = await run_frame(frame, sandbox, report=tmp_path / "r.csv")

    assert (summary.created, summary.invalid) == (1, 1)
    assert summary.failed_rows is not None
    [failed] = read_report(Path(summary.failed_rows))
    assert list(failed) == ["name", "type", "x\\ud800", "error", "source_row"]


async def test_without_pandas_a_dataframe_call_names_the_extra(
    sandbox: SandboxHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "labels.csv"
    source.write_text("name,type\nTone,text\n", encoding="utf-8")
    checked = validate_file(source)
    summary = await run_frame(source, sandbox, report=tmp_path / "r.csv")
    monkeypatch.setitem(sys.modules, "pandas", None)  # what an environment without it gives

    for call in (checked.to_frame, summary.to_frame):
        with pytest.raises(UsageError, match=r"pip install 'label-import\[pandas\]'"):
            call()
