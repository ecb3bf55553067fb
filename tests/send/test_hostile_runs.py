"""Whole runs (`import_labels`) against a hostile server, or a sandbox that goes away:
every row is accounted for, `created` always has the server's id, and the run ends."""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import anyio
import pytest

from pipeline.importer import import_labels
from pipeline.report.summary import ImportSummary
from pipeline.rows import Progress
from pipeline.sandbox import running_sandbox
from pipeline.send.listing import MAX_LISTED
from pipeline.send.retry import shortened_waits
from tests.conftest import SandboxFactory
from tests.hostile import Hostile
from tests.import_helpers import FAST_WAITS, TYPES, read_report, run_import, write_labels_csv


async def run_against(url: str, tmp_path: Path, rows: int, **options: Any) -> ImportSummary:
    source = tmp_path / "labels.csv"
    if not source.exists():
        write_labels_csv(source, rows)
    settings: dict[str, Any] = {"rate": 0, "concurrency": 4, "api_key": "k", "secret_key": "s"}
    settings.update(options)
    with shortened_waits(**FAST_WAITS):
        return await import_labels(
            source, base_url=url, report=tmp_path / "labels.report.csv", **settings
        )


@pytest.mark.parametrize("max_retries", [6, 0])
async def test_a_2xx_without_a_label_is_created_only_with_the_id_the_lookup_finds(
    hostile: Hostile, tmp_path: Path, max_retries: int
) -> None:
    hostile.mode = "no_label"
    summary = await run_against(hostile.url, tmp_path, 8, max_retries=max_retries)

    assert (summary.created, summary.failed) == (8, 0)
    ids = {label["name"]: label["id"] for label in hostile.labels.values()}
    assert {o.name: o.label_id for o in summary.rows} == ids
    assert hostile.seen["POST"] == (16 if max_retries else 8)  # a retry met "already exists"


async def test_a_2xx_of_garbage_that_made_nothing_fails_the_row_after_the_lookup(
    hostile: Hostile, tmp_path: Path
) -> None:
    hostile.mode = "garbage"
    summary = await run_against(hostile.url, tmp_path, 2, max_retries=1)

    assert [(o.status, o.label_id) for o in summary.rows] == [("failed", None)] * 2
    assert summary.rows[0].error == "gave up after 2 attempts: HTTP 200 without a label"
    assert hostile.seen["POST"] == 4 and hostile.seen["GET"] == 3  # the listing, 2 lookups


@pytest.mark.parametrize(
    ("kind", "most_gets", "why"),
    [
        ("repeat", 2, "but page 2 brought no label not seen before"),
        ("count", 3, "but 3 pages already hold the 3 labels it says it has"),
        ("fresh", MAX_LISTED // 500, f"past {MAX_LISTED} labels"),
    ],
)
async def test_a_listing_that_never_ends_stops_the_run(
    hostile: Hostile, tmp_path: Path, kind: Any, most_gets: int, why: str
) -> None:
    hostile.mode, hostile.endless_kind = "endless", kind
    with anyio.fail_after(60):
        summary = await run_against(hostile.url, tmp_path, 3)

    assert (summary.stopped, summary.exit_code, summary.not_attempted) == ("fatal", 3, 3)
    assert summary.stop_message == (
        f"could not list existing labels: the server kept announcing more pages, {why}; "
        "the listing stopped"
    )
    assert hostile.seen["GET"] == most_gets and hostile.seen["POST"] == 0


@pytest.mark.parametrize(
    ("mode", "why"),
    [
        ("deep_json", "HTTP 200, JSON nested too deep to read"),
        ("huge_stream", "HTTP 200, answer over 32 MiB, refused unread"),
    ],
)
async def test_a_listing_answer_that_cannot_be_read_stops_the_run_saying_why(
    hostile: Hostile, tmp_path: Path, mode: Any, why: str
) -> None:
    hostile.mode = mode
    summary = await run_against(hostile.url, tmp_path, 2, max_retries=1)

    assert (summary.stopped, summary.exit_code) == ("fatal", 3)
    assert summary.stop_message == f"could not list existing labels: {why}"


async def test_429s_with_retry_after_never_spend_the_retries(
    hostile: Hostile, tmp_path: Path
) -> None:
    hostile.mode, hostile.throttle_first = "throttle", 10
    summary = await run_against(hostile.url, tmp_path, 12, max_retries=2)

    assert (summary.created, summary.failed) == (12, 0)
    assert {o.attempts for o in summary.rows} == {11}


async def test_a_server_that_always_throttles_fails_rows_when_the_wait_budget_is_spent(
    hostile: Hostile, tmp_path: Path
) -> None:
    hostile.mode, hostile.throttle_first = "throttle", None
    summary = await run_against(hostile.url, tmp_path, 3, max_retries=2, max_wait=0.05)

    assert (summary.failed, summary.exit_code) == (3, 1)
    for outcome in summary.rows:
        assert outcome.http_status == 429 and outcome.attempts > 3
        assert "the --max-wait budget of 0.05s ran out: Request was throttled." in outcome.error


async def test_a_pause_the_server_asks_for_is_told_to_the_progress(
    hostile: Hostile, tmp_path: Path
) -> None:
    hostile.mode, hostile.throttle_first, hostile.retry_after = "throttle", 1, "90"
    heard: list[Progress] = []
    summary = await run_against(hostile.url, tmp_path, 2, progress=heard.append)

    assert summary.created == 2
    pauses = [p for p in heard if p.waiting_s]
    # Shortened waits cap the pause, as they cap the sleeping; a real run is told 90 s.
    assert pauses and all(p.outcome is None for p in pauses)
    assert pauses[0].waiting_s == FAST_WAITS["retry_after_cap"]


async def test_a_server_gone_mid_run_stops_it_quickly_leaving_the_rest_to_resume(
    tmp_path: Path,
) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 400)
    async with AsyncExitStack() as stack:
        box = await stack.enter_async_context(running_sandbox())
        ended: list[ImportSummary] = []

        async def run() -> None:
            keys = {"api_key": box.api_key, "secret_key": box.secret_key}
            ended.append(await run_against(box.url, tmp_path, 0, max_retries=15, **keys))

        started = time.monotonic()
        async with anyio.create_task_group() as group:
            group.start_soon(run)
            while (await box.stats())["requests"] < 30:  # noqa: ASYNC110
                await anyio.sleep(0.001)
            await stack.aclose()
    (summary,) = ended

    assert time.monotonic() - started < 20
    assert (summary.stopped, summary.exit_code, summary.failed) == ("unreachable", 3, 0)
    assert summary.created >= 20 and summary.not_attempted > 0
    assert summary.stop_message.startswith("no answer from the server to 20 requests in a row")
    assert "re-run with --resume" in summary.stop_message
    report = read_report(tmp_path / "labels.report.csv")
    assert [int(line["row"]) for line in report] == list(range(2, 402))


async def test_no_pacing_against_a_rate_limited_server_fails_no_row(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await sandbox_factory(rate_limit=20)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 60)
    # Real Retry-After pauses: a whole pool pressing on the limit, with no retry to spare.
    waits = {"base": 0.01, "cap": 0.1, "retry_after_cap": 120.0}

    summary = await run_import(source, box, rate=0, concurrency=32, max_retries=0, waits=waits)

    assert (summary.created, summary.failed) == (60, 0)
    assert (await box.stats())["by_status"].get("429", 0) > 0


@pytest.mark.cli
async def test_the_run_command_takes_the_wait_budget(hostile: Hostile, tmp_path: Path) -> None:
    hostile.mode, hostile.throttle_first = "throttle", None
    write_labels_csv(tmp_path / "labels.csv", 2)
    command = [sys.executable, "-m", "pipeline", "run", "labels.csv", "--base-url", hostile.url]
    options = ["--max-wait", "0", "--rate", "0", "--json"]
    env = {**os.environ, "FI_API_KEY": "key-for-the-test", "FI_SECRET_KEY": "secret-for-it"}

    done = await anyio.run_process(command + options, cwd=tmp_path, env=env, check=False)

    assert done.returncode == 1
    summary = json.loads(done.stdout)
    assert summary["failed"] == 2 and hostile.seen["POST"] == 2
    assert "the --max-wait budget of 0s ran out" in summary["top_errors"][0]["error"]


@pytest.mark.parametrize("bare_create", [False, True])
async def test_a_run_against_the_live_shapes_lists_creates_and_updates(
    hostile: Hostile, tmp_path: Path, bare_create: bool
) -> None:
    hostile.mode, hostile.bare_create, hostile.page_size = "live_shapes", bare_create, 7
    # The first 20 rows' labels are on the server already, with another description.
    made = [hostile.add(f"label-{i:05d}", TYPES[i % 4], description="old") for i in range(0, 80, 4)]

    summary = await run_against(hostile.url, tmp_path, 80, on_existing="update")

    assert (summary.created, summary.updated, summary.failed) == (60, 20, 0)
    assert hostile.seen["GET"] == 3  # 20 labels listed 7 to a page
    assert {o.label_id for o in summary.rows if o.status == "updated"} == {m["id"] for m in made}
    ids = {label["id"] for label in hostile.labels.values()}
    assert {o.label_id for o in summary.rows} == ids and len(ids) == 80
