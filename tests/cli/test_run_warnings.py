"""What `validate` warns about a row (a value the Future AGI UI caps, defaults filled in)
is in the run's report too, in its `warnings` column, in the same words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.cli.test_run import invoke
from tests.import_helpers import read_report

LANGFUSE = {
    "data": [
        {"id": "a", "name": "Effort", "dataType": "NUMERIC", "minValue": 0, "maxValue": 50},
        {"id": "b", "name": "Fine", "dataType": "BOOLEAN"},
    ]
}
LABEL_STUDIO = (
    "<View><Text name='t' value='$x'/><Rating name='Stars' toName='t' maxRating='20'/></View>"
)
SPREADSHEET = 'name,type,settings\nStars,star,"{""no_of_stars"": 20}"\nNote,text,\n'
CASES = [
    ("scores.json", json.dumps(LANGFUSE), "the Future AGI UI caps a numeric maximum at 10"),
    ("config.xml", LABEL_STUDIO, "the Future AGI UI shows at most 10 stars"),
    ("labels.csv", SPREADSHEET, "the Future AGI UI shows at most 10 stars"),
]


def validate_warnings(path: Path, row: int) -> list[str]:
    result = CliRunner().invoke(app, ["validate", str(path), "--json"])
    problems = json.loads(result.stdout)["problems"]
    return [
        f"{p['column']}: {p['message']} ({p['hint']})"
        for p in problems
        if p["row"] == row and p["severity"] == "warning"
    ]


@pytest.mark.parametrize(("name", "content", "cap"), CASES)
def test_the_ui_cap_warning_of_validate_is_in_the_run_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: str, cap: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(content, encoding="utf-8")
    result = invoke(name, "--sandbox", "--no-progress", "--rate", "0")
    assert result.exit_code == 0, result.stderr
    first = read_report(tmp_path / f"{Path(name).stem}.report.csv")[0]
    assert first["status"] == "created"
    said = validate_warnings(tmp_path / name, int(first["row"]))
    (capped,) = [warning for warning in said if cap in warning]
    assert capped in first["warnings"].split("; ")
    assert cap not in first.get("lost", "")


def test_a_row_validate_has_nothing_to_say_about_has_no_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scores.json").write_text(json.dumps(LANGFUSE), encoding="utf-8")
    invoke("scores.json", "--sandbox", "--no-progress")
    fine = read_report(tmp_path / "scores.report.csv")[1]
    assert validate_warnings(tmp_path / "scores.json", 2) == [] and fine["warnings"] == ""


@pytest.mark.parametrize(
    ("name", "content", "row"),
    [
        ("labels.csv", SPREADSHEET, 3),
        ("notes.json", json.dumps([{"id": "n", "name": "Note", "dataType": "TEXT"}]), 1),
    ],
)
def test_defaults_filled_in_are_left_out_of_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: str, row: int
) -> None:
    """Nearly every row without settings gets that note, a spreadsheet's or an export's,
    and it changes nothing."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(content, encoding="utf-8")
    invoke(name, "--sandbox", "--no-progress")
    report = read_report(tmp_path / f"{Path(name).stem}.report.csv")
    (note,) = [line for line in report if line["row"] == str(row)]
    (filled,) = validate_warnings(tmp_path / name, row)
    assert "defaults filled" in filled and note["warnings"] == ""
