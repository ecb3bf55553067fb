"""The bad-input corpus: every file gets its exit code and message, never a traceback.

Small files live in tests/data/bad/; the two huge ones (10,000 columns, a 5 MB cell) are
written into tmp_path at test time rather than committed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.paths import BAD_INPUTS

BAD = BAD_INPUTS

# (file, exit code, text that must appear on stdout or stderr)
CASES = [
    ("empty.csv", 2, "empty.csv: the file is empty"),
    ("blank_lines_only.csv", 2, "blank_lines_only.csv: the file is empty"),
    ("header_only.csv", 2, "has a header but no label rows"),
    ("binary_junk.csv", 2, "contains binary data (NUL bytes); not a text spreadsheet"),
    ("png_renamed.csv", 2, "this is a PNG image, not a .csv text file"),
    ("workbook_renamed.csv", 2, "this is a zip archive (an .xlsx or .ods workbook?)"),
    ("text_renamed.xlsx", 2, "cannot be read as an Excel or OpenDocument workbook"),
    ("unsupported.xml", 2, "not a Label Studio labeling config (the only XML we read)"),
    ("duplicate_headers.csv", 2, "column 'name' appears twice in the header (row 1)"),
    ("alias_collision.csv", 2, "columns 'label' and 'name' both mean 'name'"),
    ("no_type_column.csv", 2, "no type column (found: name, description)"),
    ("no_label_sheet.xlsx", 2, "no sheet has both a name and a type column"),
    ("bad_json.json", 2, "not valid JSON: Expecting value (line 1, column 32)"),
    ("json_wrong_shape.json", 2, 'expected an array of label objects or an object with a "labels"'),
    ("json_not_objects.json", 2, "record 1 is a number, not an object"),
    ("jsonl_bad_line.jsonl", 2, "line 2: not valid JSON"),
    ("cp1252.csv", 0, "not UTF-8; read it as Windows-1252 (cp1252)"),
    ("utf16_bom.csv", 0, "1 rows read, 1 valid, 0 invalid"),
    ("utf8_bom.csv", 0, "1 rows read, 1 valid, 0 invalid"),
    ("semicolons.csv", 0, "1 rows read, 1 valid, 0 invalid"),
    ("quoted_newlines.csv", 0, "1 rows read, 1 valid, 0 invalid"),
    ("formulas.xlsx", 0, "1 rows read, 1 valid, 0 invalid"),
    ("merged_cells.xlsx", 1, "merged cells B2:B3"),
    ("date_where_number_belongs.xlsx", 1, "max must be an float | type a plain number"),
    ("nan_bound.csv", 1, "max must be an float | type a finite number such as 10"),
    ("negative_bounds.csv", 1, "min cannot be negative"),
    ("min_above_max.csv", 1, "min must be less than max"),
    ("one_option.csv", 1, "There must be at least two options"),
    ("duplicate_options.csv", 1, "Categorical option labels must be unique"),
    ("malformed_settings.csv", 1, "settings is not valid JSON"),
    ("unknown_type.csv", 1, '"slider" is not a valid choice.'),
    ("name_too_long.csv", 1, "Ensure this field has no more than 255 characters."),
    (
        "control_characters.csv",
        0,
        "the name holds a control character (a tab, line break or similar)",
    ),
    ("thousands_separator.csv", 1, "remove the thousands separators: 1000"),
    ("duplicate_rows.csv", 1, "duplicate of row 2: same name and type"),
]


def run(path: Path) -> tuple[int, str]:
    """Exit code, and the one-line error (exit 2) or the summary and every problem's
    message and hint from the --json document (exit 0 or 1)."""
    result = CliRunner().invoke(app, ["validate", str(path), "--json"])
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if result.exit_code == 2:
        assert result.stdout == ""
        return result.exit_code, result.stderr
    data = json.loads(result.stdout)
    lines = [f"{data['rows_read']} rows read, {data['valid']} valid, {data['invalid']} invalid"]
    for problem in data["file_warnings"] + data["problems"]:
        lines.append(f"{problem['message']} | {problem['hint']}")
    return result.exit_code, "\n".join(lines)


def test_corpus_is_complete() -> None:
    assert sorted(name for name, _, _ in CASES) == sorted(p.name for p in BAD.iterdir())


@pytest.mark.parametrize(("name", "code", "message"), CASES)
def test_bad_input(name: str, code: int, message: str) -> None:
    exit_code, output = run(BAD / name)
    assert (exit_code, message in output) == (code, True), output


def test_file_errors_are_one_line_on_stderr() -> None:
    result = CliRunner().invoke(app, ["validate", str(BAD / "png_renamed.csv")])
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1


def test_ten_thousand_columns(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    extra = [f"extra_{i}" for i in range(9_998)]
    path.write_text(",".join(["name", "type", *extra]) + "\nTone,text" + ",x" * 9_998 + "\n")
    code, output = run(path)
    assert code == 0
    assert "9978 more unknown columns ignored" in output


def test_five_megabyte_cell(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("name,type,description\n" + "x" * 5_000_000 + ",text," + "d" * 5_000_000 + "\n")
    code, output = run(path)
    assert code == 1
    assert "Ensure this field has no more than 255 characters." in output


def test_missing_file_and_unknown_sheet(tmp_path: Path) -> None:
    assert run(tmp_path / "nope.csv") == (
        2,
        f"label-import validate: {tmp_path / 'nope.csv'}: no such file\n",
    )
    result = CliRunner().invoke(app, ["validate", str(BAD / "formulas.xlsx"), "--sheet", "Missing"])
    assert result.exit_code == 2
    assert "no sheet named 'Missing'; sheets: Sheet1" in result.stderr
