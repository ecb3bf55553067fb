"""Row checking end to end from files: problems name row, column, value, message, hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import validate_file
from pipeline.rows import Problem
from pipeline.validate import FileCheck, check_rows
from tests.sheets import write_csv, write_xlsx

HEADER = "name,type,options,no_of_stars,min,max,settings,allow_notes,project\n"


def problems(tmp_path: Path, rows: str, header: str = HEADER) -> list[Problem]:
    path = write_csv(tmp_path / "in.csv", header + rows)
    return [p for p in validate_file(path).problems if p.severity == "error"]


def only(tmp_path: Path, rows: str, header: str = HEADER) -> Problem:
    [found] = problems(tmp_path, rows, header)
    return found


def test_valid_rows_become_payloads_in_input_order(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "in.csv",
        HEADER + "B,rating,,7,,,,yes,\nA,choice,Good; Bad,,,,,,\n\nC,thumbs,,,,,,,\n",
    )
    checked = list(check_rows(path))
    assert [c.raw.row for c in checked] == [2, 3, 5]
    assert all(c.valid for c in checked)
    assert [c.label.payload()["type"] for c in checked if c.label] == [
        "star",
        "categorical",
        "thumbs_up_down",
    ]
    assert checked[0].label is not None and checked[0].label.allow_notes is True


def test_problem_names_row_column_value_message_and_hint(tmp_path: Path) -> None:
    found = only(tmp_path, "Tone,numeric,,,8,3,,,\n")
    assert found == Problem(
        2, None, "max", "3", "min must be less than max", "use a number of 0 or more, above min"
    )


def test_a_bound_that_reaches_the_other_bounds_default_is_an_error(tmp_path: Path) -> None:
    # The server checks the settings as filled in, so a row without max must be too.
    found = only(tmp_path, "Tone,numeric,,,10,,,,\n")
    assert (found.column, found.message) == ("max", "min must be less than max")


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (",text,,,,,,,", "name", "This field may not be blank."),
        ("A,,,,,,,,", "type", "This field is required."),
        ("A,slider,,,,,,,", "type", '"slider" is not a valid choice.'),
        ("A,categorical,,,,,,,", "options", "This field is required."),
        ("A,star,,0,,,,,", "no_of_stars", "no_of_stars must be greater than 0"),
        ("A,star,,3.5,,,,,", "no_of_stars", "no_of_stars must be an integer"),
        ("A,numeric,,,-1,,,,", "min", "min cannot be negative"),
        ("A,text,,,,,,maybe,", "allow_notes", "Must be a valid boolean."),
        ("A,text,,,,,,,not-a-uuid", "project", "“not-a-uuid” is not a valid UUID."),
        ('A,star,,,,,"[1]",,', "settings", "settings must be a JSON object"),
        ('A,numeric,,,,,"{""min"": ""x""}",,', "settings", "min must be an float"),
    ],
)
def test_row_errors(tmp_path: Path, row: str, column: str, message: str) -> None:
    found = only(tmp_path, row + "\n")
    assert (found.column, found.message) == (column, message)
    assert found.hint


def test_flat_column_overrides_settings_json(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", HEADER + 'A,star,,3,,,"{""noOfStars"": 9}",,\n')
    [checked] = check_rows(path)
    assert checked.label is not None
    assert checked.label.payload()["settings"] == {"no_of_stars": 3}


def test_camel_case_settings_json_keys_are_normalised(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", 'name,type,settings\nA,star,"{""noOfStars"": 4}"\n')
    [checked] = check_rows(path)
    assert checked.label is not None and checked.label.payload()["settings"] == {"no_of_stars": 4}


def test_defaults_filled_and_ui_caps_are_warnings(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", "name,type,no_of_stars\nA,star,12\nB,star,\n")
    result = validate_file(path)
    assert (result.valid, result.invalid, result.warnings) == (2, 0, 2)
    assert [p.message for p in result.problems] == [
        "the Future AGI UI shows at most 10 stars",
        "defaults filled: no_of_stars=5",
    ]


def test_same_name_and_type_later_rows_invalid_naming_first_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", "name,type\nTone,text\n tone ,text\nTONE,text\n")
    checked = list(check_rows(path))
    assert [c.valid for c in checked] == [True, False, False]
    assert [p.message for p in checked[2].problems if p.severity == "error"] == [
        "duplicate of row 2: same name and type"
    ]


def test_same_name_other_type_is_a_warning(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", "name,type\nTone,text\nTone,star\nTone,star\n")
    checked = list(check_rows(path))
    assert [c.valid for c in checked] == [True, True, False]
    assert checked[1].problems[-1].message == "same name as row 2, which has type text"
    assert checked[1].problems[-1].severity == "warning"
    assert checked[2].problems[-1].message == "duplicate of row 3: same name and type"


def test_same_name_in_other_project_is_not_a_duplicate(tmp_path: Path) -> None:
    project = "6f9619ff-8b86-d011-b42d-00c04fc964ff"
    path = write_csv(tmp_path / "in.csv", f"name,type,project\nTone,text,\nTone,text,{project}\n")
    assert all(c.valid for c in check_rows(path))


def test_duplicates_across_sheets_name_the_sheet(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "in.xlsx",
        {"One": [["name", "type"], ["Tone", "text"]], "Two": [["name", "type"], ["tone", "text"]]},
    )
    [_, second] = check_rows(path)
    assert second.problems[-1].message == "duplicate of row 2 of sheet 'One': same name and type"


def test_file_check_exposes_format_headers_and_warnings(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", "Name,Type,Colour\nA,text,red\n", encoding="cp1252")
    check = FileCheck(path)
    rows = list(check)
    assert rows[0].raw.cells == {"Name": "A", "Type": "text", "Colour": "red"}
    assert check.format == "csv"
    assert check.headers == {None: ["Name", "Type", "Colour"]}
    assert [w.column for w in check.warnings] == ["Colour"]


def test_workbook_sheet_without_label_columns_is_skipped_with_warning(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "in.xlsx",
        {"Notes": [["Read me first"]], "Labels": [["name", "type"], ["A", "text"]]},
    )
    result = validate_file(path)
    assert (result.rows_read, result.valid) == (1, 1)
    assert result.file_warnings[0].message == "sheet skipped: no name and type column"


def test_validation_result_to_dict(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", "name,type\n,text\n")
    data = validate_file(path).to_dict()
    assert data["rows_read"] == 1 and data["invalid"] == 1
    assert data["problems"][0]["message"] == "This field may not be blank."


def test_foreign_flat_cell_is_sent_and_warned_once_on_its_own_column(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "in.csv",
        'name,type,no_of_stars,min,settings\nA,numeric,3,2,"{""noOfStars"": 4, ""max"": 5}"\n',
    )
    [checked] = check_rows(path)
    assert checked.valid and checked.label is not None
    assert checked.label.payload()["settings"] == {
        "min": 2,
        "max": 5,
        "step_size": 1,
        "display_type": "slider",
        "no_of_stars": 3,
    }
    filled = 'defaults filled: step_size=1, display_type="slider"'
    assert [(p.column, p.value, p.message, p.hint, p.severity) for p in checked.problems] == [
        (
            "settings",
            '{"noOfStars": 4, "max": 5}',
            filled,
            "fill these columns to choose other values",
            "warning",
        ),
        (
            "no_of_stars",
            "3",
            "no_of_stars is not a setting of a numeric label; sent as written",
            "clear this cell, or change type to star",
            "warning",
        ),
    ]


def test_a_flat_column_that_disagrees_with_the_settings_json_is_a_warning(
    tmp_path: Path,
) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(
        'name,type,no_of_stars,settings\nA,star,3,"{""no_of_stars"": 4}"\n'
        'B,star,5,"{""no_of_stars"": 5}"\n',
        encoding="utf-8",
    )
    first, second = check_rows(path)
    assert first.valid and first.label is not None
    assert first.label.payload()["settings"] == {"no_of_stars": 3}
    (warning,) = [p for p in first.problems if p.column == "no_of_stars"]
    assert warning.severity == "warning"
    assert warning.message == "no_of_stars is 3 here but 4 in the settings JSON; 3 is used"
    assert not [p for p in second.problems if p.column == "no_of_stars"]
