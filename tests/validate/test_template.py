"""The template: ready to fill, hard to fill wrongly, and valid when filled as instructed."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.labels import LABEL_TYPES
from pipeline.validate import validate_file
from pipeline.validate.template import COLUMNS, EXAMPLES, INSTRUCTIONS


def make(tmp_path: Path, name: str) -> Path:
    result = CliRunner().invoke(app, ["template", str(tmp_path / name)])
    assert result.exit_code == 0, result.stderr
    return tmp_path / name


@pytest.mark.parametrize("name", ["t.xlsx", "t.csv"])
def test_template_has_one_valid_example_per_type(tmp_path: Path, name: str) -> None:
    result = validate_file(make(tmp_path, name))
    assert (result.rows_read, result.valid, result.invalid) == (5, 5, 0)
    assert sorted(example["type"] for example in EXAMPLES) == sorted(LABEL_TYPES)


def test_xlsx_has_a_frozen_header_with_notes_and_instructions(tmp_path: Path) -> None:
    workbook = openpyxl.load_workbook(make(tmp_path, "t.xlsx"))
    assert workbook.sheetnames == ["Labels", "Instructions"]
    sheet = workbook["Labels"]
    header = [cell.value for cell in sheet[1]]
    assert header == list(COLUMNS)
    assert sheet.freeze_panes == "A2"
    assert all(cell.comment is not None and cell.comment.text for cell in sheet[1])
    instructions = [row[0] for row in workbook["Instructions"].iter_rows(values_only=True)]
    assert instructions[0] == INSTRUCTIONS[0]


def test_xlsx_has_drop_downs(tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(make(tmp_path, "t.xlsx"))["Labels"]
    lists = {
        str(v.sqref).split(":")[0].rstrip("0123456789"): v.formula1
        for v in sheet.data_validations.dataValidation
    }
    letter = {name: openpyxl.utils.get_column_letter(i + 1) for i, name in enumerate(COLUMNS)}
    assert lists == {
        letter["type"]: '"' + ",".join(LABEL_TYPES) + '"',
        letter["display_type"]: '"slider,button"',
        letter["strategy"]: '"Rag"',
        letter["allow_notes"]: '"true,false"',
        letter["multi_choice"]: '"true,false"',
        letter["auto_annotate"]: '"true,false"',
    }


def test_xlsx_filled_as_instructed_validates(tmp_path: Path) -> None:
    path = make(tmp_path, "t.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Labels"]
    sheet.delete_rows(2, 5)  # step 4: replace the examples
    column = {name: i + 1 for i, name in enumerate(COLUMNS)}
    filled: list[dict[str, str | int]] = [
        {
            "name": "Tone",
            "type": "categorical",
            "options": "Formal; Casual",
            "multi_choice": "false",
        },
        {"name": "Accuracy", "type": "numeric", "min": 0, "max": 5, "display_type": "button"},
        {"name": "Stars", "type": "star", "no_of_stars": 4, "allow_notes": "true"},
    ]
    for row, values in enumerate(filled, start=2):
        for name, value in values.items():
            sheet.cell(row, column[name], value)
    workbook.save(path)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.stdout
    assert "3 rows read, 3 valid, 0 invalid" in result.stdout


def test_csv_filled_as_instructed_validates(tmp_path: Path) -> None:
    path = make(tmp_path, "t.csv")
    with path.open("a", encoding="utf-8", newline="") as file:
        csv.DictWriter(file, fieldnames=list(COLUMNS)).writerow(
            {"name": "Reviewer note", "type": "text", "max_length": "200"}
        )
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0


def test_other_extensions_are_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["template", str(tmp_path / "t.ods")])
    assert result.exit_code == 2
    assert result.stderr == "label-import template: t.ods: a template is .xlsx or .csv, not .ods\n"


def test_unwritable_destination_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["template", str(tmp_path / "missing" / "t.csv")])
    assert result.exit_code == 2
    assert result.stderr.startswith("label-import template: cannot write")


def test_an_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "labels.csv"
    out.write_text("name,type\nMine,star\n")
    refused = CliRunner().invoke(app, ["template", str(out)])
    assert refused.exit_code == 2 and "exists" in refused.stderr
    assert out.read_text() == "name,type\nMine,star\n"
    forced = CliRunner().invoke(app, ["template", str(out), "--force"])
    assert forced.exit_code == 0 and "Mine" not in out.read_text()
