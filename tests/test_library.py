"""The library surface a script or an Airflow task uses, without an event loop of its own."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import anyio
import pandas as pd
import pytest

import pipeline
from pipeline.sandbox import SandboxHandle, running_sandbox
from tests.import_helpers import write_labels_csv


@pytest.fixture
def threaded_sandbox() -> Iterator[SandboxHandle]:
    """A sandbox on its own thread and loop, so the test itself can call blocking code."""
    ready = threading.Event()
    done = threading.Event()
    handles: list[SandboxHandle] = []

    async def serve() -> None:
        async with running_sandbox() as box:
            handles.append(box)
            ready.set()
            await anyio.to_thread.run_sync(done.wait)

    thread = threading.Thread(target=anyio.run, args=(serve,))
    thread.start()
    ready.wait(10)
    yield handles[0]
    done.set()
    thread.join(10)


def test_import_labels_sync_returns_a_typed_summary(
    threaded_sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 5)

    summary = pipeline.import_labels_sync(
        source,
        report=tmp_path / "out.json",
        rate=0,
        base_url=threaded_sandbox.url,
        api_key=threaded_sandbox.api_key,
        secret_key=threaded_sandbox.secret_key,
    )

    assert isinstance(summary, pipeline.ImportSummary)
    assert (summary.created, summary.exit_code) == (5, 0)
    assert all(isinstance(row, pipeline.RowOutcome) for row in summary.rows)
    assert summary.to_dict()["report"] == str(tmp_path / "out.json")


def test_import_labels_sync_takes_a_dataframe_and_gives_frames_back(
    threaded_sandbox: SandboxHandle, tmp_path: Path
) -> None:
    frame = pd.DataFrame(
        {
            "name": ["Helpfulness", "Tone", ""],
            "type": ["star", "categorical", "text"],
            "no_of_stars": [5, None, None],
            "options": [None, ["Formal", "Casual"], None],
        }
    )

    summary = pipeline.import_labels_sync(
        frame,
        report=tmp_path / "frame.report.csv",
        rate=0,
        base_url=threaded_sandbox.url,
        api_key=threaded_sandbox.api_key,
        secret_key=threaded_sandbox.secret_key,
    )

    assert (summary.created, summary.invalid, summary.exit_code) == (2, 1, 1)
    assert summary.to_frame()[["row", "name", "status"]].values.tolist() == [
        [2, "Helpfulness", "created"],
        [3, "Tone", "created"],
        [4, "", "invalid"],
    ]
    assert summary.failed_frame is not None
    assert summary.failed_frame.source_row.tolist() == [4]
    assert summary.failed_rows == str(tmp_path / "dataframe.failed.csv")


async def test_import_labels_sync_runs_inside_an_event_loop_as_a_notebook_cell_does(
    threaded_sandbox: SandboxHandle, tmp_path: Path
) -> None:
    # A Jupyter cell is plain code run while the kernel's event loop is running.
    summary = pipeline.import_labels_sync(
        pd.DataFrame({"name": ["Up"], "type": ["thumbs_up_down"]}),
        report=tmp_path / "frame.report.csv",
        rate=0,
        base_url=threaded_sandbox.url,
        api_key=threaded_sandbox.api_key,
        secret_key=threaded_sandbox.secret_key,
    )

    assert (summary.created, summary.exit_code) == (1, 0)
