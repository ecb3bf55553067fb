"""`label-import validate` as a user runs it: summary, table, --json, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.paths import SAMPLES


@pytest.mark.parametrize("name", ["labels.csv", "labels.xlsx", "labels.json"])
def test_samples_validate(name: str) -> None:
    result = CliRunner().invoke(app, ["validate", str(SAMPLES / name)])
    assert result.exit_code == 0
    assert "25 rows read, 25 valid, 0 invalid" in result.stdout


def test_sample_workbook_has_two_sheets() -> None:
    data = json.loads(
        CliRunner().invoke(app, ["validate", str(SAMPLES / "labels.xlsx"), "--json"]).stdout
    )
    assert {p["sheet"] for p in data["problems"]} == {"Quality", "Safety and style"}


def test_with_errors_reports_one_mistake_per_row() -> None:
    result = CliRunner().invoke(app, ["validate", str(SAMPLES / "with_errors.csv"), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["rows_read"], data["valid"], data["invalid"]) == (18, 1, 17)
    errors = [p for p in data["problems"] if p["severity"] == "error"]
    assert [p["row"] for p in errors] == list(range(3, 20))
    assert all(p["column"] and p["message"] and p["hint"] for p in errors)


def test_table_shows_row_column_value_message_and_hint(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("name,type,min,max\nScore,numeric,9,3\n")
    result = CliRunner().invoke(app, ["validate", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "1 rows read, 0 valid, 1 invalid, 0 warnings" in result.stdout
    table_row = next(line for line in result.stdout.splitlines() if "min must be" in line)
    cells = [cell.strip() for cell in table_row.strip("│ ").split("│")]
    assert cells == [
        "2",
        "max",
        "3",
        "min must be less than max",
        "use a number of 0 or more, above min",
    ]


def test_json_is_one_document_on_stdout(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("name,type\nA,text\n")
    result = CliRunner().invoke(app, ["validate", str(path), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["valid"] == 1 and data["format"] == "csv"


def test_sheet_option(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["validate", str(SAMPLES / "labels.xlsx"), "--sheet", "Quality", "--json"]
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["rows_read"] == 13


def test_unexpected_errors_are_one_line_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "dir.csv"
    path.mkdir()
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"label-import validate: {path}: not a file\n"


@pytest.mark.cli
def test_runs_as_a_module_with_exit_codes() -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "pipeline", "validate", str(SAMPLES / "labels.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    bad = subprocess.run(
        [sys.executable, "-m", "pipeline", "validate", str(SAMPLES / "nope.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (ok.returncode, bad.returncode) == (0, 2)
    assert bad.stderr.strip().endswith("nope.csv: no such file")
    assert "Traceback" not in bad.stderr


def test_sheet_option_on_a_csv_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["validate", str(SAMPLES / "labels.csv"), "--sheet", "X"])
    assert result.exit_code == 2
    assert result.stderr == "label-import validate: labels.csv: --sheet applies only to workbooks\n"


def test_names_and_values_that_look_like_markup_are_shown_as_typed(tmp_path: Path) -> None:
    path = tmp_path / "m[bold]x.csv"
    path.write_text("name,type,min,max\n[b]Score,numeric,[red]1,0\n")
    result = CliRunner().invoke(app, ["validate", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{path} (csv): 1 rows read, 0 valid, 1 invalid")
    assert "[red]1" in result.stdout
