"""A project that does not exist: the first create naming it says so, and every other row
naming it fails without being sent, with the reason on its row."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.conftest import SandboxFactory
from tests.hostile import Hostile, invalid_pk
from tests.import_helpers import run_import
from tests.send.test_hostile_runs import run_against

KNOWN = "0b9e5c4d-1a2f-4c3b-8d7e-6f5a4b3c2d1e"
UNKNOWN = "3f2c1a9e-7b4d-4e8a-9c61-0d5b2f7e8a14"
REASON = (
    f"project {UNKNOWN} does not exist in this organisation (the server said: "
    f"project: {invalid_pk(UNKNOWN)}); fix the project column"
)


def project_of(row: int) -> str:
    """Two rows in three name the unknown project; the rest the known one, or none."""
    return UNKNOWN if row % 3 else (KNOWN if row % 2 else "")


def write_rows(path: Path, count: int, project: str | None = None) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "type", "project"])
        for i in range(count):
            writer.writerow(
                [f"label-{i:05d}", "star", project_of(i) if project is None else project]
            )


def fix_the_project_column(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(UNKNOWN, KNOWN), encoding="utf-8")


async def test_one_create_fails_every_row_of_an_unknown_project(
    hostile: Hostile, tmp_path: Path
) -> None:
    hostile.mode, hostile.projects = "unknown_project", {KNOWN}
    write_rows(tmp_path / "labels.csv", 300)

    summary = await run_against(hostile.url, tmp_path, 0, concurrency=1)

    assert hostile.creates_by_project == {UNKNOWN: 1, KNOWN: 50, None: 50}
    unknown = [o for o in summary.rows if o.status == "failed"]
    assert len(unknown) == 200 and {o.error for o in unknown} == {REASON}
    assert {o.name for o in unknown} == {f"label-{i:05d}" for i in range(300) if i % 3}
    assert sum(o.attempts for o in unknown) == 1
    assert (summary.created, summary.exit_code) == (100, 1)
    assert summary.top_errors == [(REASON, 200)]


async def test_rows_in_flight_when_the_answer_comes_fail_with_the_same_reason(
    hostile: Hostile, tmp_path: Path
) -> None:
    hostile.mode, hostile.projects = "unknown_project", {KNOWN}
    write_rows(tmp_path / "labels.csv", 300)

    summary = await run_against(hostile.url, tmp_path, 0, concurrency=8)

    assert 1 <= hostile.creates_by_project[UNKNOWN] <= 8
    assert (summary.created, summary.failed) == (100, 200)
    assert summary.top_errors == [(REASON, 200)]


async def test_resume_sends_one_create_again_until_the_project_column_is_fixed(
    hostile: Hostile, tmp_path: Path
) -> None:
    hostile.mode, hostile.projects = "unknown_project", {KNOWN}
    source = tmp_path / "labels.csv"
    write_rows(source, 300)
    await run_against(hostile.url, tmp_path, 0, concurrency=1)
    hostile.creates_by_project.clear()

    # Failed rows are sent again on resume, as every failed row is; one create is enough
    # to learn that the project still does not exist.
    again = await run_against(hostile.url, tmp_path, 0, concurrency=1, resume=True)
    assert hostile.creates_by_project == {UNKNOWN: 1}
    assert (again.created, again.failed, again.top_errors) == (100, 200, [(REASON, 200)])

    fix_the_project_column(source)
    fixed = await run_against(hostile.url, tmp_path, 0, concurrency=4, resume=True)
    assert hostile.creates_by_project == {UNKNOWN: 1, KNOWN: 200}
    assert (fixed.created, fixed.failed, fixed.exit_code) == (300, 0, 0)


async def test_a_dry_run_says_which_projects_it_could_not_check(
    hostile: Hostile, tmp_path: Path
) -> None:
    hostile.mode, hostile.projects = "unknown_project", {KNOWN}
    hostile.add("already there", "star", KNOWN)
    write_rows(tmp_path / "labels.csv", 6)

    summary = await run_against(hostile.url, tmp_path, 0, dry_run=True)

    unchecked = f"project {UNKNOWN} not checked: the server lists no labels for it"
    assert {o.status for o in summary.rows} == {"create"}
    assert [o.error for o in summary.rows] == ["", unchecked, unchecked, "", unchecked, unchecked]
    assert hostile.seen["POST"] == 0


async def test_the_sandbox_with_declared_projects_fails_an_unknown_one_after_one_create(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await sandbox_factory(projects=(KNOWN,))
    source = tmp_path / "labels.csv"
    write_rows(source, 60)

    summary = await run_import(source, box, concurrency=1)

    failed = [o for o in summary.rows if o.status == "failed"]
    assert len(failed) == 40 and {o.error for o in failed} == {REASON}
    assert sum(o.attempts for o in failed) == 1
    assert (summary.created, summary.requests) == (20, 1 + 20 + 1)  # the listing, 20, 1
