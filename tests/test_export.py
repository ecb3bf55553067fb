"""`export_labels` against the real sandbox: what it writes imports back as the same labels,
in every format, with exactly the filters asked for, and nothing written when it cannot
list every label."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from pipeline.exporter import export_labels
from pipeline.report.export_file import ExportSummary
from pipeline.sandbox import Organisation, SandboxHandle
from pipeline.send.retry import shortened_waits
from pipeline.validate import validate_file
from pipeline.validate.file import ARCHIVED_SKIP
from tests.conftest import SandboxFactory
from tests.import_helpers import FAST_WAITS, run_import, server_labels
from tests.sandbox_api import Api

PROJECT = "6f1d3c4e-2b7a-4c55-9e0b-1a2b3c4d5e6f"
FORMATS = (".csv", ".xlsx", ".json", ".jsonl")
# The columns that differ between two organisations holding the same labels.
SERVER_ONLY = ("label_id", "created_at")
HEADER = [
    "name",
    "type",
    "description",
    "project",
    "allow_notes",
    "options",
    "multi_choice",
    "rule_prompt",
    "auto_annotate",
    "strategy",
    "min",
    "max",
    "step_size",
    "display_type",
    "no_of_stars",
    "placeholder",
    "min_length",
    "max_length",
    "settings",
]
# Every type, with settings away from the defaults and the cells a spreadsheet makes hard.
LABELS = [
    ["Answer quality", "categorical", "Overall", "", "true", "Good; Okay; Bad", "false"],
    ["Citation", "categorical", "", PROJECT, "false", "Real=1; Fake=0", "true", "Check", "true"],
    ["Semi;colon", "categorical", "", "", "", '["A; B", "C | D", "E=F"]'],
    ["Accuracy", "numeric", "0 to 1", "", "", "", "", "", "", "", "0", "1", "0.25", "button"],
    ["Helpfulness", "star", "Line one\nline two", PROJECT, "true", *[""] * 9, "10"],
    ["Comment", "text", "", "", "", *[""] * 10, "Why?", "2", "900"],
    ["Indented", "text", "", "", "", *[""] * 13, '{"placeholder": "  two spaces"}'],
    ["=SUM(A1)", "thumbs_up_down", "-starts with a minus", "", "true"],
    ["Ünïcödé ✓", "thumbs_up_down", "emoji 🎯", PROJECT],
]


def write_source(path: Path, rows: list[list[str]] = LABELS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(row + [""] * (len(HEADER) - len(row)) for row in rows)
    return path


def link(box: SandboxHandle) -> dict[str, Any]:
    return {"base_url": box.url, "api_key": box.api_key, "secret_key": box.secret_key}


async def export(path: Path, box: SandboxHandle, **options: Any) -> ExportSummary:
    with shortened_waits(**FAST_WAITS):
        return await export_labels(path, rate=0, **link(box), **options)


def table(path: Path) -> list[dict[str, Any]]:
    """The rows of an exported file as its format holds them."""
    suffix = path.suffix
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    if suffix == ".xlsx":
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Labels").to_python()
        return [dict(zip(map(str, rows[0]), row, strict=True)) for row in rows[1:]]
    if suffix == ".json":
        records: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))
        return records
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def files_in(folder: Path) -> list[str]:
    """Every file left in `folder`, hidden temporary ones too."""
    return sorted(p.name for p in folder.iterdir())


def without_ids(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k not in SERVER_ONLY} for row in rows]


def defined(label: dict[str, Any]) -> tuple[Any, ...]:
    """What a label is, apart from the server's id and clock."""
    keys = ("name", "type", "description", "settings", "allow_notes", "project")
    return tuple(json.dumps(label[key], sort_keys=True) for key in keys)


@pytest.mark.parametrize("suffix", FORMATS)
async def test_export_then_run_into_an_empty_organisation_recreates_every_label(
    tmp_path: Path, sandbox_factory: SandboxFactory, suffix: str
) -> None:
    first, second = await sandbox_factory(), await sandbox_factory()
    created = await run_import(write_source(tmp_path / "source.csv"), first)
    assert created.created == len(LABELS)

    exported = await export(tmp_path / f"first{suffix}", first)
    check = validate_file(tmp_path / f"first{suffix}")
    again = await run_import(tmp_path / f"first{suffix}", second)
    exported_again = await export(tmp_path / f"second{suffix}", second)

    assert (exported.labels, exported.stopped, exported.requests) == (len(LABELS), None, 1)
    assert (check.valid, check.invalid, check.warnings, check.file_warnings) == (9, 0, 0, [])
    assert (again.created, again.file_warnings) == (len(LABELS), [])
    assert sorted(map(defined, await server_labels(second))) == sorted(
        map(defined, await server_labels(first))
    )
    first_rows, second_rows = (
        table(tmp_path / f"first{suffix}"),
        table(tmp_path / f"second{suffix}"),
    )
    assert without_ids(first_rows) == without_ids(second_rows)
    assert [row["label_id"] for row in first_rows] != [row["label_id"] for row in second_rows]
    assert exported_again.labels == len(LABELS)


async def test_a_csv_export_of_the_same_labels_is_the_same_file_but_for_ids_and_times(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    first, second = await sandbox_factory(), await sandbox_factory()
    await run_import(write_source(tmp_path / "source.csv"), first)
    await export(tmp_path / "first.csv", first)
    await run_import(tmp_path / "first.csv", second, concurrency=4)
    await export(tmp_path / "second.csv", second)

    def lines(path: Path) -> list[str]:
        # The two server-only columns are the last two of every line.
        rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
        return [",".join(row[:-2]) for row in rows]

    assert lines(tmp_path / "first.csv") == lines(tmp_path / "second.csv")
    assert lines(tmp_path / "first.csv")[0].split(",") == HEADER
    text = (tmp_path / "first.csv").read_text("utf-8")
    assert "'=SUM(A1)" in text and "Good; Okay; Bad" in text and "Real=1; Fake=0" in text


async def test_settings_no_column_can_carry_go_in_the_settings_json_and_come_back(
    tmp_path: Path, sandbox_factory: SandboxFactory, api: Api, sandbox: SandboxHandle
) -> None:
    odd = [
        {"name": "Extra", "type": "star", "settings": {"no_of_stars": 4, "colour": "red"}},
        {
            "name": "Numbered",
            "type": "categorical",
            "settings": {
                "options": [{"label": "Yes", "value": 1}, {"label": "No", "value": 0}],
                "multi_choice": False,
                "rule_prompt": "",
                "auto_annotate": False,
                "strategy": None,
            },
        },
        {
            "name": "Floats",
            "type": "numeric",
            "settings": {"min": 0, "max": 10.0, "step_size": 1, "display_type": "slider"},
        },
    ]
    for body in odd:
        assert (await api.call("POST", "/model-hub/annotations-labels/", json=body)).status == 200
    other = await sandbox_factory()

    await export(tmp_path / "first.csv", sandbox)
    imported = await run_import(tmp_path / "first.csv", other)
    await export(tmp_path / "second.csv", other)

    assert imported.created == 3
    rows = {row["name"]: row for row in table(tmp_path / "first.csv")}
    assert json.loads(rows["Extra"]["settings"]) == {"colour": "red"}
    assert json.loads(rows["Numbered"]["options"]) == odd[1]["settings"]["options"]  # type: ignore[index]
    assert rows["Floats"]["max"] == "10"
    assert without_ids(table(tmp_path / "first.csv")) == without_ids(table(tmp_path / "second.csv"))
    by_name = {label["name"]: label["settings"] for label in await server_labels(other)}
    assert by_name["Extra"] == {"no_of_stars": 4, "colour": "red"}
    assert by_name["Numbered"]["options"] == [
        {"label": "Yes", "value": 1},
        {"label": "No", "value": 0},
    ]


async def test_editing_one_cell_then_run_on_existing_update_changes_exactly_that_label(
    tmp_path: Path, sandbox: SandboxHandle
) -> None:
    await run_import(write_source(tmp_path / "source.csv"), sandbox)
    before = {label["id"]: label for label in await server_labels(sandbox)}
    await export(tmp_path / "labels.csv", sandbox)
    # Planned against the organisation it came from, an export changes nothing.
    planned = await run_import(tmp_path / "labels.csv", sandbox, dry_run=True)
    assert {row.status for row in planned.rows} == {"unchanged"}
    rows = table(tmp_path / "labels.csv")
    edited = next(row for row in rows if row["name"] == "Helpfulness")
    edited["no_of_stars"] = "7"
    with (tmp_path / "labels.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    summary = await run_import(tmp_path / "labels.csv", sandbox, on_existing="update")

    assert (summary.updated, summary.existing, summary.created) == (1, len(LABELS) - 1, 0)
    after = {label["id"]: label for label in await server_labels(sandbox)}
    changed = [label_id for label_id in before if before[label_id] != after[label_id]]
    assert changed == [edited["label_id"]]
    assert after[edited["label_id"]]["settings"] == {"no_of_stars": 7}


async def filtered(tmp_path: Path, box: SandboxHandle, **filters: Any) -> list[str]:
    summary = await export(tmp_path / "filtered.jsonl", box, **filters)
    assert summary.stopped is None
    return [row["name"] for row in table(tmp_path / "filtered.jsonl")]


async def test_each_filter_keeps_exactly_the_labels_it_names(
    tmp_path: Path, sandbox: SandboxHandle
) -> None:
    await run_import(write_source(tmp_path / "source.csv"), sandbox)

    assert await filtered(tmp_path, sandbox, label_type="thumbs_up_down") == [
        "=SUM(A1)",
        "Ünïcödé ✓",
    ]
    assert await filtered(tmp_path, sandbox, label_type="Rating") == ["Helpfulness"]
    assert await filtered(tmp_path, sandbox, project=PROJECT) == [
        "Citation",
        "Helpfulness",
        "Ünïcödé ✓",
    ]
    assert await filtered(tmp_path, sandbox, search="CUR") == ["Accuracy"]
    assert await filtered(
        tmp_path, sandbox, search="i", label_type="categorical", project=PROJECT
    ) == ["Citation"]
    assert len(await filtered(tmp_path, sandbox)) == len(LABELS)


async def test_archived_labels_only_with_include_archived_and_marked_so(
    tmp_path: Path, sandbox: SandboxHandle, api: Api, sandbox_factory: SandboxFactory
) -> None:
    await run_import(write_source(tmp_path / "source.csv"), sandbox)
    gone = next(label for label in await server_labels(sandbox) if label["name"] == "Comment")
    assert (await api.call("DELETE", f"/model-hub/annotations-labels/{gone['id']}/")).status == 204
    # A new active label with the archived one's name, type and project: both are exported.
    await run_import(write_source(tmp_path / "again.csv", [LABELS[5]]), sandbox)

    await export(tmp_path / "active.csv", sandbox)
    every = await export(tmp_path / "all.csv", sandbox, include_archived=True)
    active = table(tmp_path / "active.csv")
    rows = table(tmp_path / "all.csv")

    assert "archived" not in active[0] and len(active) == len(LABELS)
    assert every.labels == len(LABELS) + 1
    comments = [row for row in rows if row["name"] == "Comment"]
    assert sorted(row["archived"] for row in comments) == ["false", "true"]
    assert {row["archived"] for row in rows if row["name"] != "Comment"} == {"false"}
    # Read back, the archived row is left out unless archived labels are asked for: then
    # it is the same label twice.
    check = validate_file(tmp_path / "all.csv")
    assert (check.valid, check.invalid, check.skipped) == (len(LABELS), 0, 1)
    assert [p.message for p in check.problems] == [f"skipped: {ARCHIVED_SKIP}"]
    assert validate_file(tmp_path / "all.csv", include_archived=True).invalid == 1
    other = await sandbox_factory()
    imported = await run_import(tmp_path / "all.csv", other)
    assert (imported.created, imported.skipped, imported.invalid) == (len(LABELS), 1, 0)


async def test_ten_pages_are_read_five_hundred_labels_at_a_time(
    tmp_path: Path, sandbox: SandboxHandle
) -> None:
    source = tmp_path / "many.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "type", "no_of_stars"])
        writer.writerows([f"label {i:04d}", "star", str(1 + i % 9)] for i in range(1201))
    await run_import(source, sandbox, concurrency=32)

    summary = await export(tmp_path / "many.jsonl", sandbox)

    assert (summary.labels, summary.requests) == (1201, 3)
    names = [row["name"] for row in table(tmp_path / "many.jsonl")]
    assert names == sorted(names) and len(set(names)) == 1201


async def test_a_flaky_server_is_paged_through_with_runs_retry_rules(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    # Two sandboxes on one database: the same labels, served calmly and by a flaky server.
    database = str(tmp_path / "labels.db")
    calm = await sandbox_factory(db_path=database)
    await run_import(write_source(tmp_path / "source.csv"), calm)
    flaky = await sandbox_factory(db_path=database, error_rate=0.4, throttle_rate=0.3, seed=3)

    summary = await export(tmp_path / "flaky.csv", flaky, max_retries=30)
    await export(tmp_path / "calm.csv", calm)

    assert (summary.labels, summary.stopped) == (len(LABELS), None)
    assert summary.retries > 0 and summary.requests == summary.retries + 1
    assert table(tmp_path / "flaky.csv") == table(tmp_path / "calm.csv")


async def test_wrong_keys_stop_the_export_and_leave_the_file_as_it_was(
    tmp_path: Path, sandbox_factory: SandboxFactory
) -> None:
    box = await sandbox_factory(orgs=(Organisation("right-key", "right-secret"),))
    out = tmp_path / "backup.csv"
    out.write_text("yesterday's backup\n", encoding="utf-8")

    summary = await export_labels(
        out, base_url=box.url, api_key="right-key", secret_key="wrong-secret", rate=0
    )

    assert (summary.stopped, summary.exit_code, summary.labels) == ("fatal", 3, 0)
    assert "FI_API_KEY" in summary.stop_message
    assert out.read_text(encoding="utf-8") == "yesterday's backup\n"
    assert files_in(tmp_path) == ["backup.csv"]
