"""The import engine end to end through `import_labels`, against real sandboxes over TCP."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import anyio
import pytest

from pipeline.errors import UsageError
from pipeline.report.journal import read_journal
from pipeline.rows import Progress
from pipeline.sandbox import SandboxHandle
from pipeline.sandbox.app import STATE
from pipeline.send import pace_memory
from tests.conftest import SandboxFactory
from tests.import_helpers import proxy, read_report, run_import, server_labels, write_labels_csv


async def test_every_valid_row_is_created_once_and_every_row_reported(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = tmp_path / "labels.csv"
    valid = write_labels_csv(source, 40, invalid_every=10)

    summary = await run_import(source, sandbox)

    assert (summary.created, summary.invalid, summary.failed) == (valid, 4, 0)
    assert summary.exit_code == 1
    report = read_report(Path(summary.report))
    assert [int(r["row"]) for r in report] == list(range(2, 42))
    assert Counter(r["status"] for r in report) == {"created": 36, "invalid": 4}
    labels = await server_labels(sandbox)
    assert sorted(label["name"] for label in labels) == sorted(
        r["name"] for r in report if r["status"] == "created"
    )
    assert {r["label_id"] for r in report if r["status"] == "created"} == {
        label["id"] for label in labels
    }


async def test_fault_soak_leaves_exactly_the_valid_rows_on_the_server(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await sandbox_factory(error_rate=0.15, drop_rate=0.05, ambiguous_rate=0.05, seed=11)
    source = tmp_path / "soak.csv"
    valid = write_labels_csv(source, 2000, invalid_every=20)

    async with proxy(box.url, throttle_rate=0.10, seed=5) as gateway:
        summary = await run_import(source, box, url=gateway.url, concurrency=48)

    assert (summary.created, summary.invalid, summary.failed, summary.not_attempted) == (
        valid,
        100,
        0,
        0,
    )
    labels = await server_labels(box)
    names = Counter(label["name"] for label in labels)
    assert len(labels) == valid and max(names.values()) == 1
    report = read_report(Path(summary.report))
    assert len(report) == 2000
    assert {r["name"] for r in report if r["status"] == "created"} == set(names)
    stats = await box.stats()
    # The faults really happened: server errors, drops, ambiguous answers and retries.
    assert stats["by_status"].get("dropped", 0) > 100
    assert sum(stats["by_status"].get(str(s), 0) for s in (500, 502, 503, 504)) > 200
    assert summary.retries > 500


async def test_a_lost_answer_followed_by_already_exists_is_recorded_as_created(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = tmp_path / "one.csv"
    write_labels_csv(source, 1)

    async with proxy(sandbox.url, lose_first_posts=1) as gateway:
        summary = await run_import(source, sandbox, url=gateway.url)

    (row,) = read_report(Path(summary.report))
    (label,) = await server_labels(sandbox)
    assert (row["status"], row["label_id"], row["attempts"]) == ("created", label["id"], "2")


async def test_a_second_run_creates_nothing_and_reports_existing(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 30)
    first = await run_import(source, sandbox)
    second = await run_import(source, sandbox)

    assert (first.created, second.created, second.existing) == (30, 0, 30)
    assert second.exit_code == 0
    assert len(await server_labels(sandbox)) == 30
    assert (await sandbox.stats())["created"] == 30


def _rewrite_descriptions(source: Path, rows: set[int]) -> None:
    lines = list(csv.reader(source.open(encoding="utf-8")))
    for i in rows:
        lines[i][2] = "changed"
    with source.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(lines)


async def test_on_existing_update_patches_only_rows_that_differ(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 10)
    await run_import(source, sandbox)
    _rewrite_descriptions(source, {1, 2, 3})

    summary = await run_import(source, sandbox, on_existing="update")

    assert (summary.updated, summary.existing, summary.created) == (3, 7, 0)
    changed = [label for label in await server_labels(sandbox) if label["description"] == "changed"]
    assert len(changed) == 3


async def test_on_existing_fail_fails_rows_whose_label_exists(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 5)
    await run_import(source, sandbox)

    summary = await run_import(source, sandbox, on_existing="fail")

    assert (summary.failed, summary.exit_code) == (5, 1)
    assert "already exists" in summary.rows[0].error


async def test_resume_skips_journalled_rows_and_sends_changed_ones(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 12)
    await run_import(source, sandbox)
    requests_before = (await sandbox.stats())["requests"]
    _rewrite_descriptions(source, {5})

    summary = await run_import(source, sandbox, resume=True, on_existing="update")

    assert (summary.created, summary.updated) == (11, 1)
    # One list call for the plan and one PATCH for the changed row; nothing else.
    assert (await sandbox.stats())["requests"] - requests_before == 2


async def test_a_key_revoked_mid_run_stops_within_a_few_requests(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 400)
    concurrency = 4

    async def revoke_after(created: int) -> None:
        # Polling the server's own count: the revocation must race real traffic.
        while (await sandbox.stats())["created"] < created:  # noqa: ASYNC110
            await anyio.sleep(0.001)
        sandbox.app[STATE].secrets.clear()

    async with anyio.create_task_group() as group:
        group.start_soon(revoke_after, 50)
        summary = await run_import(source, sandbox, concurrency=concurrency)

    assert summary.stopped == "fatal" and summary.exit_code == 3
    assert "FI_API_KEY" in summary.stop_message
    assert (await sandbox.stats())["by_status"]["401"] <= concurrency
    assert summary.not_attempted > 300
    assert summary.created + summary.failed + summary.not_attempted == 400


@pytest.mark.parametrize(("budget", "limit"), [("5", 5), ("2%", 4)])
async def test_the_error_budget_stops_the_run(
    sandbox: SandboxHandle, tmp_path: Path, budget: str, limit: int
) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 200)
    concurrency = 2

    async with proxy(sandbox.url, reject_posts=True) as gateway:
        summary = await run_import(
            source, sandbox, url=gateway.url, concurrency=concurrency, max_failures=budget
        )

    assert (summary.stopped, summary.exit_code) == ("max_failures", 3)
    assert limit <= summary.failed < limit + concurrency
    assert summary.not_attempted == 200 - summary.failed
    assert "rejected by the gateway" in summary.top_errors[0][0]


async def test_no_one_second_window_holds_more_than_rate_plus_one_requests(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 50)
    rate = 20

    async with proxy(sandbox.url) as gateway:
        summary = await run_import(source, sandbox, url=gateway.url, rate=rate, concurrency=8)

    arrivals = gateway.arrivals
    assert summary.created == 50 and len(arrivals) == 51
    busiest = max(sum(1 for t in arrivals if start <= t < start + 1.0) for start in arrivals)
    assert busiest <= rate + 1
    achieved = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    assert achieved >= 0.9 * rate


async def test_dry_run_lists_but_creates_nothing(sandbox: SandboxHandle, tmp_path: Path) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 10, invalid_every=5)

    summary = await run_import(source, sandbox, dry_run=True)

    stats = await sandbox.stats()
    assert (stats["requests"], stats["labels"]) == (1, 0)
    assert (summary.create, summary.invalid, summary.exit_code) == (8, 2, 1)
    assert (summary.rows[0].status, summary.rows[0].error) == ("create", "")


@pytest.mark.parametrize("report_name", ["out.xlsx", "out.json", "out.jsonl"])
async def test_report_format_follows_the_extension(
    sandbox: SandboxHandle, tmp_path: Path, report_name: str
) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 3)

    summary = await run_import(source, sandbox, report=tmp_path / report_name)

    assert _size(Path(summary.report)) > 0
    journalled = read_journal(tmp_path / "out.journal.jsonl").values()
    assert [entry.status for entry in journalled] == ["created"] * 3


def _size(path: Path) -> int:
    return path.stat().st_size


async def test_a_real_rate_limit_slows_the_pool_instead_of_hammering_it(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await sandbox_factory(rate_limit=20)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 70)
    # Real Retry-After pauses here: the point is how the pool behaves against the limit.
    waits = {"base": 0.01, "cap": 0.1, "retry_after_cap": 120.0}

    summary = await run_import(source, box, rate=60, concurrency=4, max_retries=6, waits=waits)

    stats = await box.stats()
    throttled = stats["by_status"].get("429", 0)
    assert summary.created == 70 and summary.failed == 0
    assert 0 < throttled <= 0.15 * stats["requests"]


@pytest.mark.parametrize(
    ("report_name", "words"),
    [
        ("labels.csv", "the report would overwrite the input file"),
        ("labels.failed.csv", "the failed-rows file would overwrite the report"),
        ("folder.csv", "is a folder"),
        ("labels.report.txt", "use a .csv, .xlsx, .json, .jsonl file name"),
    ],
)
async def test_unsafe_report_paths_are_refused_before_anything_is_sent(
    sandbox: SandboxHandle, tmp_path: Path, report_name: str, words: str
) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 5)
    (tmp_path / "folder.csv").mkdir()
    before = source.read_bytes()

    with pytest.raises(UsageError, match=re.escape(words)):
        await run_import(source, sandbox, report=tmp_path / report_name)

    assert source.read_bytes() == before
    assert (await sandbox.stats())["requests"] == 0


async def test_the_progress_callback_hears_the_start_and_every_row(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 6)
    heard: list[Progress] = []

    summary = await run_import(source, sandbox, progress=heard.append)

    assert summary.created == 6
    assert heard[0] == Progress(0, 6, 0)
    assert [p.done for p in heard[1:]] == [1, 2, 3, 4, 5, 6]
    assert {p.total for p in heard} == {6} and heard[-1].failed == 0
    assert all(p.outcome is not None and p.outcome.status == "created" for p in heard[1:])


async def test_auto_finds_a_hidden_limit_with_no_failed_row_and_few_429s(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await sandbox_factory(rate_limit=40, latency_ms=5)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 200)
    paces: list[float] = []
    # Real Retry-After pauses: the point is how the pace meets the limit.
    waits = {"base": 0.01, "cap": 0.1, "retry_after_cap": 120.0}

    summary = await run_import(
        source,
        box,
        rate="auto",
        concurrency=64,
        waits=waits,
        progress=lambda progress: paces.append(progress.pace),
    )

    stats = await box.stats()
    throttled = stats["by_status"].get("429", 0)
    assert (summary.created, summary.failed) == (200, 0)
    assert throttled <= 0.05 * stats["requests"]
    assert summary.sending_s < 200 / 40 + 3  # about the limit, not the start's 50/s cut down
    assert max(paces) > 40 and paces[-1] < 60  # it went over, and came back under


async def test_random_429s_do_not_collapse_the_pace(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await sandbox_factory(throttle_rate=0.1, seed=3)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 600)
    paces: list[float] = []

    summary = await run_import(
        source,
        box,
        rate="auto",
        concurrency=64,
        progress=lambda progress: paces.append(progress.pace),
    )

    stats = await box.stats()
    assert (summary.created, summary.failed) == (600, 0)
    assert stats["by_status"]["429"] > 40  # a tenth of the requests, whatever the rate
    assert paces[-1] >= 200  # the earlier AIMD decayed to about one request a second
    found = pace_memory.recall(
        box.url, box.api_key
    )  # the random 429s are not the server's pace either
    assert found is not None and not found.limited and found.rate > 200


async def test_a_rate_that_is_not_auto_or_a_number_is_refused_before_anything_is_sent(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 2)
    with pytest.raises(UsageError, match="give auto"):
        await run_import(source, sandbox, rate="fast")
    assert (await sandbox.stats())["requests"] == 0
