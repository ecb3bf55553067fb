"""What earlier runs found of a server's pace: kept per origin, merged, forgotten, never in
the way; and a second run against the same server starting where the first ended."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from pipeline.rows import Progress
from pipeline.send import pace_memory
from pipeline.send.pace_memory import (
    FILE_NAME,
    KEEP_S,
    MAX_SERVERS,
    STATE_DIR_ENV,
    origin,
    recall,
    remember,
)
from pipeline.send.rate import START_RATE, Found
from tests.conftest import SandboxFactory
from tests.import_helpers import run_import, write_labels_csv

URL = "http://127.0.0.1:8123"
KEY = "a-key-of-an-organisation-4b1d9e"


def state() -> Path:
    return Path(os.environ[STATE_DIR_ENV])


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://API.example.com/model-hub/?key=x", "https://api.example.com:443"),
        ("http://127.0.0.1:8123/", "http://127.0.0.1:8123"),
        ("http://localhost", "http://localhost:80"),
        ("https://user:secret@api.example.com:8443/x#y", "https://api.example.com:8443"),
        ("http://example.com:99999999/", "http://example.com:80"),
    ],
)
def test_a_memory_belongs_to_an_origin_never_a_path_or_query(url: str, key: str) -> None:
    assert origin(url) == key


def test_two_organisations_on_one_server_keep_their_own_pace() -> None:
    remember(URL, KEY, Found(20, limited=True))
    remember(URL, "another-organisation-key-77c0", Found(400, limited=True))
    assert recall(URL, KEY) == Found(20, limited=True)
    assert recall(URL, "another-organisation-key-77c0") == Found(400, limited=True)
    assert recall(URL, "a third one") is None


def test_the_memory_holds_no_part_of_a_key() -> None:
    remember(URL, KEY, Found(20, limited=True))
    held = (state() / FILE_NAME).read_bytes()
    assert all(KEY[i : i + 6].encode() not in held for i in range(len(KEY) - 5))


def test_the_state_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STATE_DIR_ENV)
    monkeypatch.setenv("XDG_STATE_HOME", "/x/state")
    assert pace_memory.state_dir() == Path("/x/state/label-import")
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", "/home/someone")
    assert pace_memory.state_dir() == Path("/home/someone/.local/state/label-import")


@pytest.mark.parametrize(
    ("kept", "new", "result"),
    [
        (Found(100, True), Found(40, True), Found(40, True)),  # a limit is news
        (Found(100, True), Found(300, True), Found(300, True)),
        (Found(100, False), Found(40, True), Found(40, True)),
        (Found(2000, False), Found(300, False), Found(2000, False)),  # a small import
        (Found(2000, False), Found(3000, False), Found(3000, False)),
        (Found(100, True), Found(130, False), Found(130, True)),  # approached from under
        (Found(100, True), Found(60, False), Found(100, True)),
    ],
)
def test_a_new_finding_is_merged_with_the_kept_one(kept: Found, new: Found, result: Found) -> None:
    remember(URL, KEY, kept, now=1000.0)
    remember(URL, KEY, new, now=2000.0)
    assert recall(URL, KEY, now=2000.0) == result
    assert recall("http://127.0.0.1:8124", KEY, now=2000.0) is None


def test_a_stale_memory_is_forgotten_and_not_merged() -> None:
    remember(URL, KEY, Found(2000, False), now=0.0)
    assert recall(URL, KEY, now=KEEP_S + 1) is None
    remember(URL, KEY, Found(300, False), now=KEEP_S + 1)
    assert recall(URL, KEY, now=KEEP_S + 1) == Found(300, False)


def test_the_least_recent_servers_beyond_the_most_kept_are_forgotten() -> None:
    for port in range(MAX_SERVERS + 5):
        remember(f"http://127.0.0.1:{10000 + port}", KEY, Found(100, True), now=1000.0 + port)
    at = 1000.0 + MAX_SERVERS + 5
    kept = [
        recall(f"http://127.0.0.1:{10000 + port}", KEY, now=at) for port in range(MAX_SERVERS + 5)
    ]
    assert kept[:5] == [None] * 5
    assert kept[5:] == [Found(100, True)] * MAX_SERVERS


def test_reading_a_memory_that_is_not_there_creates_nothing() -> None:
    folder = state() / "deeper"
    os.environ[STATE_DIR_ENV] = str(folder)
    assert recall(URL, KEY) is None
    assert not folder.exists()


@pytest.mark.parametrize("damage", ["garbage", "folder", "other_table"])
def test_a_broken_memory_is_no_memory_and_never_a_failure(damage: str) -> None:
    path = state() / FILE_NAME
    if damage == "garbage":
        path.write_bytes(b"\x00not a database" * 100)
    elif damage == "folder":
        path.mkdir()
    else:
        import sqlite3

        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE other (x)")
    remember(URL, KEY, Found(100, True))
    if damage == "other_table":
        assert recall(URL, KEY) == Found(100, True)  # its own table added beside
    else:
        assert recall(URL, KEY) is None


@pytest.mark.parametrize("rate", [0.0, -5.0, 1e300, "fast"])
def test_a_kept_rate_no_server_has_is_no_memory(rate: object) -> None:
    import sqlite3

    remember(URL, KEY, Found(100, True), now=1000.0)
    with sqlite3.connect(state() / FILE_NAME) as db:
        db.execute("UPDATE pace SET rate = ?", (rate,))
    assert recall(URL, KEY, now=1000.0) is None


def test_a_memory_from_the_future_is_no_memory() -> None:
    remember(URL, KEY, Found(100, True), now=5000.0)
    assert recall(URL, KEY, now=1000.0) is None


def test_a_state_folder_that_cannot_be_made_is_no_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    os.environ[STATE_DIR_ENV] = str(blocker / "state")
    remember(URL, KEY, Found(100, True))
    assert recall(URL, KEY) is None


# Real Retry-After pauses: the point is how the pace meets the limit.
WAITS = {"base": 0.01, "cap": 0.1, "retry_after_cap": 120.0}


async def test_a_second_run_against_a_limit_starts_under_it(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await sandbox_factory(rate_limit=40, latency_ms=5)
    throttled, starts, found = [], [], []
    for run in ("first", "second"):
        source = tmp_path / f"{run}.csv"
        write_labels_csv(source, 160, prefix=run)
        before = (await box.stats())["by_status"].get("429", 0)
        heard: list[Progress] = []
        summary = await run_import(
            source,
            box,
            rate="auto",
            concurrency=64,
            waits=WAITS,
            progress=heard.append,
        )
        assert (summary.created, summary.failed) == (160, 0)
        throttled.append((await box.stats())["by_status"].get("429", 0) - before)
        starts.append(next(progress.pace for progress in heard if progress.pace > 0))
        found.append(recall(box.url, box.api_key))
    assert throttled[0] > 0 and starts[0] == START_RATE  # cold: slow start, over the limit
    kept = found[0]
    assert kept is not None and kept.limited and 20 <= kept.rate <= 40
    assert starts[1] == pytest.approx(kept.rate)  # under the limit, from what got through
    assert throttled[1] <= throttled[0]
    assert found[1] is not None and found[1].limited


async def test_a_run_against_a_fast_server_leaves_a_fast_start(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await sandbox_factory()
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 600)
    await run_import(source, box, rate="auto", concurrency=64)
    found = recall(box.url, box.api_key)
    assert found is not None and not found.limited and found.rate > 200


@pytest.mark.parametrize(
    "options", [{"rate": 40.0}, {"rate": 0.0}, {"rate": "auto", "dry_run": True}]
)
async def test_a_fixed_rate_or_a_dry_run_leaves_no_memory(
    sandbox_factory: SandboxFactory, tmp_path: Path, options: dict[str, Any]
) -> None:
    box = await sandbox_factory()
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 50)
    await run_import(source, box, **options)
    assert not (state() / FILE_NAME).exists()


def test_two_runs_ending_at_once_each_merge_with_the_other() -> None:
    findings = [Found(rate, limited=False) for rate in range(100, 2100, 100)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda found: remember(URL, KEY, found), findings))
    assert recall(URL, KEY) == Found(2000, limited=False)
