"""`export_labels` against a hostile server: the listing's guards hold, the keys never
reach the file, labels of any shape are written without a crash, and a listing that
cannot finish writes nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest
from aiohttp import web

import pipeline.send.listing
from pipeline.exporter import export_labels
from pipeline.report.export_file import ExportSummary
from pipeline.send.client import LABELS_PATH
from pipeline.send.retry import shortened_waits
from pipeline.validate import validate_file
from tests.hostile import Hostile
from tests.import_helpers import FAST_WAITS
from tests.test_export import files_in, table

KEY = "fi-key-Hh7Rw2Lq"
SECRET = "fi-secret-Zp41MnXc"


async def export_from(hostile: Hostile, out: Path, **options: Any) -> ExportSummary:
    settings: dict[str, Any] = {"rate": 0, "api_key": KEY, "secret_key": SECRET}
    settings.update(options)
    with shortened_waits(**FAST_WAITS):
        return await export_labels(out, base_url=hostile.url, **settings)


@pytest.mark.parametrize("kind", ["repeat", "fresh", "count"])
async def test_pages_that_never_end_stop_the_export_and_write_nothing(
    hostile: Hostile, tmp_path: Path, kind: Literal["repeat", "fresh", "count"]
) -> None:
    hostile.mode, hostile.endless_kind = "endless", kind
    out = tmp_path / "labels.csv"

    summary = await export_from(hostile, out)

    assert (summary.stopped, summary.exit_code, summary.labels) == ("fatal", 3, 0)
    assert "kept announcing more pages" in summary.stop_message
    assert not out.exists() and files_in(tmp_path) == []


async def test_the_keys_a_server_echoes_in_a_label_never_reach_the_file(
    hostile: Hostile, tmp_path: Path
) -> None:
    hostile.add("Leaky", "star", description=f"key {KEY} and {SECRET}", settings={"x": SECRET})
    out = tmp_path / "labels.json"

    summary = await export_from(hostile, out)

    assert summary.labels == 1
    text = out.read_text("utf-8")
    assert KEY not in text and SECRET not in text and "Leaky" in text


async def test_labels_of_any_shape_are_written_and_read_back_without_a_crash(
    hostile: Hostile, tmp_path: Path
) -> None:
    hostile.mode = "live_shapes"
    hostile.page_size = 2
    hostile.add("Lone \ud800 surrogate", "star", settings={"no_of_stars": 3})
    hostile.add("Not a dict", "text", settings=[1, 2])
    hostile.add("Options text", "categorical", settings={"options": "Good; Bad"})
    hostile.add("Odd options", "categorical", settings={"options": [1, {"no": "label"}]})
    hostile.add("Bool stars", "star", settings={"no_of_stars": True}, allow_notes="yes")
    hostile.add("Nulls", "numeric", settings={"min": None, "max": 5}, description=None)
    bad = hostile.add("x", "unheard_of", settings={"a": {"b": [1.5]}})
    bad["name"] = 42

    for suffix in (".csv", ".xlsx", ".json", ".jsonl"):
        out = tmp_path / f"labels{suffix}"
        summary = await export_from(hostile, out)
        check = validate_file(out)

        assert (summary.labels, summary.stopped, summary.requests) == (7, None, 4)
        # Every row is read; those the server should never have stored are row problems.
        assert check.rows_read == 7 and check.invalid >= 4
    records = json.loads((tmp_path / "labels.json").read_text("utf-8"))
    by_name = {record["name"]: record for record in records}
    assert "Lone \\ud800 surrogate" in by_name
    assert by_name["42"]["settings"] == {"a": {"b": [1.5]}}
    assert by_name["Bool stars"]["settings"] == {"no_of_stars": True}
    assert by_name["Not a dict"]["settings"] is None


@pytest.mark.parametrize("mode", ["redirect", "broken_http", "huge_length", "deep_json"])
async def test_an_answer_that_cannot_be_a_page_stops_the_export(
    hostile: Hostile,
    tmp_path: Path,
    mode: Literal["redirect", "broken_http", "huge_length", "deep_json"],
) -> None:
    hostile.mode = mode
    out = tmp_path / "labels.csv"

    summary = await export_from(hostile, out, max_retries=1)

    assert (summary.stopped, summary.exit_code) == ("fatal", 3)
    assert summary.stop_message.startswith("could not list existing labels")
    assert KEY not in summary.stop_message and SECRET not in summary.stop_message
    assert not out.exists()


async def test_a_server_that_stopped_answering_stops_the_export(
    hostile: Hostile, tmp_path: Path
) -> None:
    await hostile.stop()

    summary = await export_from(hostile, tmp_path / "labels.csv", max_retries=2)

    assert summary.exit_code == 3 and summary.requests == 3
    assert not (tmp_path / "labels.csv").exists()


@dataclass
class Scripted:
    """A server whose list pages are given by the test, and the requests it saw."""

    pages: dict[int, tuple[int, dict[str, Any]]]
    url: str = ""
    asked: list[int] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        page = int(request.query["page"])
        self.asked.append(page)
        status, body = self.pages[page]
        return web.json_response(body, status=status)


def page_of(start: int, count: int, claimed: int, *, more: bool) -> tuple[int, dict[str, Any]]:
    labels = [
        {"id": f"id-{i}", "name": f"label {i:04d}", "type": "thumbs_up_down"}
        for i in range(start, start + count)
    ]
    return 200, {"count": claimed, "next": "?page=next" if more else None, "results": labels}


@asynccontextmanager
async def scripted(pages: dict[int, tuple[int, dict[str, Any]]]) -> AsyncIterator[Scripted]:
    server = Scripted(pages)
    app = web.Application()
    app.router.add_get(LABELS_PATH, server.handle)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield server
    finally:
        await runner.cleanup()


async def test_pages_after_the_first_are_read_at_once_and_a_failed_one_stops_the_export(
    tmp_path: Path,
) -> None:
    refused = (400, {"status": False, "message": "page refused"})
    pages = {1: page_of(0, 5, 20, more=True), 2: page_of(5, 5, 20, more=True), 3: refused}
    pages[4] = page_of(15, 5, 20, more=False)
    async with scripted(pages) as server:
        out = tmp_path / "labels.csv"
        with shortened_waits(**FAST_WAITS):
            summary = await export_labels(
                out, base_url=server.url, api_key=KEY, secret_key=SECRET, rate=0, concurrency=1
            )
            at_once = await export_labels(
                out, base_url=server.url, api_key=KEY, secret_key=SECRET, rate=0
            )

    # One at a time, the reading follows the pages in order and stops at the refused one;
    # at once, every page the count implies is asked for, and the refusal still stops it.
    assert server.asked[:3] == [1, 2, 3]
    assert sorted(server.asked[3:]) == [1, 2, 3, 4]
    for stopped in (summary, at_once):
        assert (stopped.stopped, stopped.labels) == ("fatal", 0)
        assert stopped.stop_message == "could not list existing labels: page refused"
    assert not out.exists()


async def test_labels_created_while_the_pages_are_read_are_followed_one_page_at_a_time(
    tmp_path: Path,
) -> None:
    # The first page counts 10 labels (2 pages); by the second, more were created.
    pages = {1: page_of(0, 5, 10, more=True), 2: page_of(5, 5, 12, more=True)}
    pages[3] = page_of(10, 2, 12, more=False)
    async with scripted(pages) as server:
        summary = await export_labels(
            tmp_path / "labels.jsonl", base_url=server.url, api_key=KEY, secret_key=SECRET
        )

    assert (summary.labels, summary.stopped, server.asked) == (12, None, [1, 2, 3])
    names = [row["name"] for row in table(tmp_path / "labels.jsonl")]
    assert names == [f"label {i:04d}" for i in range(12)]


@pytest.mark.parametrize(
    ("repeat", "why"), [(False, "past 2000 labels"), (True, "brought no label not seen before")]
)
async def test_pages_read_at_once_are_held_to_the_guards_of_one_by_one_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, repeat: bool, why: str
) -> None:
    # A short first page claims a count within the cap, which implies ~2,000 pages: each
    # of them brings 5 fresh labels (the cap is passed by page 400) or the first again.
    monkeypatch.setattr(pipeline.send.listing, "MAX_LISTED", 2_000)
    pages = {1: page_of(0, 1, 1_999, more=True)}
    for page in range(2, 2_001):
        pages[page] = page_of(0 if repeat else 5 * page, 1 if repeat else 5, 1_999, more=True)
    async with scripted(pages) as server:
        out = tmp_path / "labels.csv"
        summary = await export_labels(
            out, base_url=server.url, api_key=KEY, secret_key=SECRET, rate=0
        )

    assert (summary.stopped, summary.labels) == ("fatal", 0)
    assert why in summary.stop_message and "kept announcing more pages" in summary.stop_message
    # The pool stops feeding pages at once: at most 8 in flight and 8 queued go on.
    most = 1 if repeat else 2_000 // 5
    assert len(server.asked) <= most + 1 + 16
    assert not out.exists()


@pytest.mark.parametrize("concurrency", [1, 8])
async def test_an_empty_page_that_says_more_follow_stops_the_export(
    tmp_path: Path, concurrency: int
) -> None:
    # Page 2 lost its place: no labels, yet a next page; page 3 holds the last five.
    empty = (200, {"count": 15, "next": "?page=3", "results": []})
    pages = {1: page_of(0, 5, 15, more=True), 2: empty, 3: page_of(10, 5, 15, more=False)}
    async with scripted(pages) as server:
        out = tmp_path / "labels.csv"
        summary = await export_labels(
            out,
            base_url=server.url,
            api_key=KEY,
            secret_key=SECRET,
            rate=0,
            concurrency=concurrency,
        )

    # Written, the file would pass for a whole backup without labels 5 to 9.
    assert (summary.stopped, summary.labels) == ("fatal", 0)
    assert "page 2 brought no label not seen before" in summary.stop_message
    assert not out.exists()


@pytest.mark.parametrize("concurrency", [1, 8])
async def test_an_organisation_of_exactly_the_cap_is_exported_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, concurrency: int
) -> None:
    monkeypatch.setattr(pipeline.send.listing, "MAX_LISTED", 20)
    pages = {page: page_of(5 * (page - 1), 5, 20, more=page < 4) for page in range(1, 5)}
    async with scripted(pages) as server:
        summary = await export_labels(
            tmp_path / "labels.csv",
            base_url=server.url,
            api_key=KEY,
            secret_key=SECRET,
            rate=0,
            concurrency=concurrency,
        )

    assert (summary.stopped, summary.labels, sorted(server.asked)) == (None, 20, [1, 2, 3, 4])
