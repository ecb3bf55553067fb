"""The plan, end to end against the sandbox: a dry run gives every row the status a run
would give it, and a label that exists with other settings waits for the user's choice."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from pipeline.plan import OnExisting
from pipeline.report.summary import ImportSummary
from pipeline.sandbox import SandboxHandle
from tests.import_helpers import read_report, run_import, server_labels
from tests.paths import SAMPLES

# What the server holds before each test: three labels made by a real run of this file.
ON_THE_SERVER = [
    ("Same", "star", "kept", "5"),
    ("Stars", "star", "kept", "5"),
    ("Described", "star", "old words", "5"),
]
# The file planned against them: one as it is, two with other settings, one new.
EDITED = [
    ("Same", "star", "kept", "5"),
    ("Stars", "star", "kept", "10"),
    ("Described", "star", "new words", "5"),
    ("Fresh", "star", "new", "5"),
]
BROKEN = ("Broken", "nonsense", "", "")
STARS = "settings.no_of_stars: 5 on the server, 10 in the row"
WORDS = 'description: "old words" on the server, "new words" in the row'
# The plan's word for each row's outcome in a run.
RUN_STATUS = {
    "create": "created",
    "update": "updated",
    "unchanged": "existing",
    "existing_differs": "existing_differs",
    "failed": "failed",
}


def write_rows(path: Path, rows: Sequence[tuple[str, ...]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "type", "description", "no_of_stars"])
        writer.writerows(rows)
    return path


async def edited_file(sandbox: SandboxHandle, folder: Path, *rows: tuple[str, ...]) -> Path:
    """The three labels on the server (a real run, in its own folder), and the edited file."""
    first = folder / "first"
    first.mkdir()
    made = await run_import(write_rows(first / "labels.csv", ON_THE_SERVER), sandbox)
    assert made.created == 3
    return write_rows(folder / "labels.csv", [*EDITED, *rows])


def statuses(summary: ImportSummary) -> list[str]:
    return [row.status for row in summary.rows]


@pytest.mark.parametrize(
    ("on_existing", "planned", "errors"),
    [
        (
            None,
            ["unchanged", "existing_differs", "existing_differs", "create", "invalid"],
            ["", STARS, WORDS, "", "type"],
        ),
        (
            "skip",
            ["unchanged", "unchanged", "unchanged", "create", "invalid"],
            ["", f"(--on-existing skip): {STARS}", f"(--on-existing skip): {WORDS}", "", "type"],
        ),
        (
            "update",
            ["unchanged", "update", "update", "create", "invalid"],
            ["", f"would change {STARS}", f"would change {WORDS}", "", "type"],
        ),
        (
            "fail",
            ["failed", "failed", "failed", "create", "invalid"],
            ["already exists"] * 3 + ["", "type"],
        ),
    ],
)
async def test_a_dry_run_plans_every_row_and_sends_nothing(
    sandbox: SandboxHandle,
    tmp_path: Path,
    on_existing: OnExisting | None,
    planned: list[str],
    errors: list[str],
) -> None:
    source = await edited_file(sandbox, tmp_path, BROKEN)
    before = await sandbox.stats()

    summary = await run_import(source, sandbox, dry_run=True, on_existing=on_existing)

    after = await sandbox.stats()
    assert after["requests"] - before["requests"] == 1  # the listing, nothing else
    assert statuses(summary) == planned
    assert all(part in row.error for part, row in zip(errors, summary.rows, strict=True))
    counts = {status: planned.count(status) for status in planned}
    assert {status: getattr(summary, status) for status in counts} == counts
    assert summary.exit_code == 1  # the invalid row
    plan_file = tmp_path / "labels.plan.csv"
    assert summary.report == str(plan_file)
    assert [r["status"] for r in read_report(plan_file)] == planned
    assert not (tmp_path / "labels.report.csv").exists()


@pytest.mark.parametrize(
    ("on_existing", "exit_code"), [(None, 1), ("skip", 0), ("update", 0), ("fail", 1)]
)
async def test_the_run_does_what_its_plan_said_and_exits_as_it_did(
    sandbox: SandboxHandle, tmp_path: Path, on_existing: OnExisting | None, exit_code: int
) -> None:
    source = await edited_file(sandbox, tmp_path)

    plan = await run_import(source, sandbox, dry_run=True, on_existing=on_existing)
    run = await run_import(source, sandbox, on_existing=on_existing)

    assert [RUN_STATUS[s] for s in statuses(plan)] == statuses(run)
    assert plan.exit_code == run.exit_code == exit_code


async def test_a_label_with_other_settings_is_left_alone_until_the_user_chooses(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = await edited_file(sandbox, tmp_path)

    undecided = await run_import(source, sandbox)
    labels = {label["name"]: label for label in await server_labels(sandbox)}

    assert statuses(undecided) == ["existing", "existing_differs", "existing_differs", "created"]
    assert (undecided.existing_differs, undecided.exit_code) == (2, 1)
    assert undecided.rows[1].label_id == labels["Stars"]["id"]
    assert STARS in undecided.rows[1].error and "--on-existing update" in undecided.rows[1].error
    assert labels["Stars"]["settings"]["no_of_stars"] == 5
    assert labels["Described"]["description"] == "old words"
    assert undecided.failed_rows is None  # nothing to fix in the file: a choice to make
    assert undecided.to_dict()["existing_differs"] == 2


async def test_an_explicit_skip_keeps_the_servers_label_and_names_what_differs(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = await edited_file(sandbox, tmp_path)

    kept = await run_import(source, sandbox, on_existing="skip")
    labels = {label["name"]: label for label in await server_labels(sandbox)}

    assert statuses(kept) == ["existing", "existing", "existing", "created"]
    assert kept.exit_code == 0
    assert kept.rows[1].error == f"kept as it is on the server (--on-existing skip): {STARS}"
    assert labels["Stars"]["settings"]["no_of_stars"] == 5


async def test_an_update_makes_the_servers_label_what_the_row_asks(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = await edited_file(sandbox, tmp_path)

    updated = await run_import(source, sandbox, on_existing="update")
    labels = {label["name"]: label for label in await server_labels(sandbox)}

    assert statuses(updated) == ["existing", "updated", "updated", "created"]
    assert updated.exit_code == 0
    assert labels["Stars"]["settings"]["no_of_stars"] == 10
    assert labels["Described"]["description"] == "new words"


async def test_resume_settles_the_rows_left_existing_differs_once_the_user_chooses(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = await edited_file(sandbox, tmp_path)
    await run_import(source, sandbox)

    planned = await run_import(source, sandbox, dry_run=True, resume=True, on_existing="update")
    resumed = await run_import(source, sandbox, resume=True, on_existing="update")

    assert statuses(planned) == ["unchanged", "update", "update", "unchanged"]
    assert planned.rows[3].error == "created by an earlier run (the journal)"
    assert statuses(resumed) == ["existing", "updated", "updated", "created"]
    assert resumed.requests == 3  # the listing and two updates: the created row is not sent
    labels = {label["name"]: label for label in await server_labels(sandbox)}
    assert labels["Stars"]["settings"]["no_of_stars"] == 10


async def test_a_migrations_left_out_records_are_planned_skipped(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    export = SAMPLES / "migrations" / "langfuse-score-configs.json"

    summary = await run_import(export, sandbox, dry_run=True, report=tmp_path / "out.json")

    assert (summary.create, summary.skipped, summary.total, summary.exit_code) == (8, 1, 9, 0)
    assert (tmp_path / "langfuse-score-configs.plan.json").exists()


async def test_the_json_of_a_plan_holds_its_counts_and_every_row(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = await edited_file(sandbox, tmp_path, BROKEN)

    shown: dict[str, Any] = (await run_import(source, sandbox, dry_run=True)).to_dict()

    assert {k: shown[k] for k in ("create", "unchanged", "existing_differs", "invalid")} == {
        "create": 1,
        "unchanged": 1,
        "existing_differs": 2,
        "invalid": 1,
    }
    assert (shown["update"], shown["dry_run"], shown["exit_code"]) == (0, True, 1)
    assert [(r["row"], r["name"], r["status"]) for r in shown["plan"]] == [
        (2, "Same", "unchanged"),
        (3, "Stars", "existing_differs"),
        (4, "Described", "existing_differs"),
        (5, "Fresh", "create"),
        (6, "Broken", "invalid"),
    ]
    assert "plan" not in (await run_import(source, sandbox)).to_dict()


async def test_the_readme_plan_of_the_edited_sample(sandbox: SandboxHandle, tmp_path: Path) -> None:
    await run_import(SAMPLES / "labels.csv", sandbox, report=tmp_path / "labels.report.csv")

    plan = await run_import(
        SAMPLES / "labels_edited.csv", sandbox, dry_run=True, report=tmp_path / "r.csv"
    )

    counts = (plan.create, plan.unchanged, plan.existing_differs, plan.invalid, plan.total)
    assert (counts, plan.exit_code) == ((1, 23, 2, 1, 27), 1)
    assert [row.name for row in plan.rows if row.status == "existing_differs"] == [
        "Helpfulness",
        "Tone",
    ]
