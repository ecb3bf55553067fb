"""Migrations through the commands a user runs: validate (and run) with or without --from."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import import_labels
from pipeline.cli import app
from pipeline.read.migrate import SOURCES
from pipeline.rows import CheckedRow
from pipeline.sandbox import SandboxHandle
from pipeline.validate import check_rows
from tests.import_helpers import server_labels
from tests.paths import MIGRATION_SAMPLES
from tests.read.migrate.test_realworld_fixes import REALWORLD

SAMPLES = MIGRATION_SAMPLES


def sample(name: str) -> Path:
    (path,) = [p for p in SAMPLES.iterdir() if p.name.startswith(name)]
    return path


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_sample_export_validates_with_from(name: str) -> None:
    result = CliRunner().invoke(app, ["validate", str(sample(name)), "--from", name, "--json"])
    assert result.exit_code == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["invalid"] == 0
    assert report["skipped"] >= 1
    assert report["valid"] + report["skipped"] == report["rows_read"] >= 8
    skipped = [p for p in report["problems"] if p["message"].startswith("skipped: ")]
    assert len(skipped) == report["skipped"]


def test_a_detected_source_is_named() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["validate", str(sample("langfuse")), "--json"])
    assert result.exit_code == 0
    messages = [w["message"] for w in json.loads(result.stdout)["file_warnings"]]
    assert "detected source: Langfuse score configs (--from langfuse)" in messages
    assert "1 archived record(s) skipped" in messages
    summary = runner.invoke(app, ["validate", str(sample("langfuse"))]).stdout.splitlines()[0]
    assert "8 valid, 0 invalid, 1 skipped" in summary


def test_include_archived_brings_archived_records_in() -> None:
    runner = CliRunner()
    plain = json.loads(runner.invoke(app, ["validate", str(sample("opik")), "--json"]).stdout)
    more = json.loads(
        runner.invoke(app, ["validate", str(sample("opik")), "--json", "--include-archived"]).stdout
    )
    assert more["valid"] == plain["valid"] + 1 and more["skipped"] == plain["skipped"] - 1


def test_wrong_shape_for_the_named_source_is_exit_2_with_what_was_expected(
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(app, ["validate", str(sample("braintrust")), "--from", "langfuse"])
    assert result.exit_code == 2
    assert (
        "no 'data' array and not a list: is this a Langfuse score-config export?" in result.stderr
    )


@pytest.mark.parametrize(
    ("content", "suffix", "words"),
    [
        ("<View><Choices name='a'", ".xml", "not well-formed XML"),
        ('<!DOCTYPE x [<!ENTITY a "b">]><View/>', ".xml", "DTDs or entities"),
        ("<html><body>hi</body></html>", ".xml", "not a Label Studio labeling config"),
    ],
)
def test_unusable_xml_is_exit_2_one_line(
    tmp_path: Path, content: str, suffix: str, words: str
) -> None:
    path = tmp_path / f"config{suffix}"
    path.write_text(content)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_record_error_is_a_row_problem(tmp_path: Path) -> None:
    path = tmp_path / "scores.json"
    path.write_text(
        json.dumps(
            [
                {"name": "Shift", "dataType": "NUMERIC", "minValue": -1, "maxValue": 1},
                {"dataType": "BOOLEAN"},
                {"name": "Fine", "dataType": "BOOLEAN"},
            ]
        )
    )
    result = CliRunner().invoke(app, ["validate", str(path), "--from", "langfuse", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["valid"], report["invalid"]) == (1, 2)
    errors = [(p["row"], p["column"]) for p in report["problems"] if p["severity"] == "error"]
    assert (1, "min") in errors and (2, "name") in errors


@pytest.mark.parametrize(
    "path", [SAMPLES / "opik-feedback-definitions.json", SAMPLES.parent / "labels.csv"]
)
def test_an_unknown_source_is_a_usage_error(path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(path), "--from", "wandb"])
    assert result.exit_code == 2
    assert "unknown source 'wandb'" in result.stderr


async def assert_on_server_as_checked(sandbox: SandboxHandle, expected: list[CheckedRow]) -> None:
    """The server has exactly the checked rows' labels, each with the settings we built."""
    on_server = {(label["name"], label["type"]): label for label in await server_labels(sandbox)}
    labels = [row.label for row in expected if row.label is not None]
    assert len(labels) == len(expected)
    assert set(on_server) == {(label.name, label.type) for label in labels}
    for label in labels:
        assert on_server[label.name, label.type]["settings"] == label.payload()["settings"]


def assert_report_names_every_record(report_path: Path, total: int) -> None:
    """One line per record in file order, each with its source id; skips say why."""
    report = json.loads(report_path.read_text())
    assert [line["row"] for line in report] == list(range(1, total + 1))
    assert all(line["source_id"] for line in report)
    skipped = [line for line in report if line["status"] == "skipped"]
    assert all(line["error"] for line in skipped)


@pytest.mark.parametrize("name", sorted(SOURCES))
async def test_a_sample_export_round_trips_into_the_sandbox(
    name: str, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    expected = [r for r in check_rows(sample(name), source=name) if r.valid]
    summary = await import_labels(
        sample(name),
        source=name,
        report=tmp_path / "report.json",
        base_url=sandbox.url,
        api_key=sandbox.api_key,
        secret_key=sandbox.secret_key,
        rate=0,
    )
    assert summary.exit_code == 0
    assert summary.created == len(expected) and summary.skipped >= 1
    assert summary.created + summary.skipped == summary.total
    await assert_on_server_as_checked(sandbox, expected)
    assert_report_names_every_record(tmp_path / "report.json", summary.total)


async def test_failed_records_of_an_xml_config_are_written_as_json_rows_to_rerun(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    config = tmp_path / "config.xml"
    config.write_text(
        "<View><Text name='t' value='$x'/>"
        "<Number name='shift' toName='t' min='-1' max='1'/>"
        "<Rating name='stars' toName='t' maxRating='4'/></View>"
    )
    into_sandbox = partial(
        import_labels,
        base_url=sandbox.url,
        api_key=sandbox.api_key,
        secret_key=sandbox.secret_key,
    )
    summary = await into_sandbox(config, report=tmp_path / "config.report.csv")
    assert (summary.created, summary.invalid, summary.exit_code) == (1, 1, 1)
    assert summary.failed_rows == str(tmp_path / "config.failed.json")
    (failed,) = json.loads((tmp_path / "config.failed.json").read_text())
    assert failed["name"] == "shift" and failed["source_row"] == 1
    assert "min -1 is negative" in failed["error"]
    fixed = {**failed, "settings": failed["settings"].replace('"min": -1', '"min": 0')}
    (tmp_path / "config.failed.json").write_text(json.dumps([fixed]))
    again = await into_sandbox(tmp_path / "config.failed.json", report=tmp_path / "again.csv")
    assert (again.created, again.exit_code) == (1, 0)


@pytest.mark.cli
def test_run_says_which_source_it_detected_and_what_it_skipped(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", str(sample("phoenix")), "--sandbox", "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "detected source: Arize Phoenix annotation configs (--from phoenix)" in result.stderr
    assert "1 archived record(s) skipped" in result.stderr
    summary = json.loads(result.stdout)
    assert (summary["created"], summary["skipped"]) == (8, 1)
    report = (tmp_path / "phoenix-annotation-configs.report.csv").read_text()
    assert "optimization_direction MAXIMIZE: not supported, dropped" in report


@pytest.mark.parametrize(
    ("source", "doc", "column"),
    [
        ("langfuse", [{"name": "a", "dataType": "CATEGORICAL", "categories": 5}], "categories"),
        (
            "phoenix",
            [{"name": "a", "type": "CATEGORICAL", "optimization_direction": "NONE", "values": 5}],
            "values",
        ),
        ("langsmith", [{"feedback_key": ["a"], "feedback_config": {"type": "freeform"}}], "name"),
        (
            "langsmith",
            [{"feedback_key": {"k": 1}, "feedback_config": {"type": "freeform"}}],
            "name",
        ),
    ],
)
def test_a_field_of_the_wrong_shape_is_a_row_problem_not_a_crash(
    tmp_path: Path, source: str, doc: object, column: str
) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path), "--from", source, "--json"])
    assert result.exit_code == 1, result.output
    problems = json.loads(result.stdout)["problems"]
    assert any(p["row"] == 1 and p["column"] == column for p in problems), problems


def test_langfuse_text_configs_validate_from_the_real_export() -> None:
    path = REALWORLD / "langfuse" / "langfuse-servertest-score-configs.json"
    result = CliRunner().invoke(app, ["validate", str(path), "--from", "langfuse", "--json"])
    problems = json.loads(result.stdout)["problems"]
    # Row 7 is the TEXT config; it was refused twice ("'dataType' is 'TEXT'" and no type).
    assert [p for p in problems if p["row"] == 7 and p["severity"] == "error"] == []
