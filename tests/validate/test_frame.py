"""validate_frame: a DataFrame checked exactly as the sheet it came from, and its problems
as a DataFrame."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pandas as pd
import pytest

from pipeline import InputError, UsageError, validate_file, validate_frame
from pipeline.rows import Problem
from tests.paths import SAMPLES


@pytest.mark.parametrize(
    ("name", "options"),
    [
        # pandas' own guesses: bool and float64 columns, blanks as NaN.
        ("labels.csv", {}),
        # with_errors.csv has a cell typed "NaN", which pandas reads as a blank unless told.
        ("with_errors.csv", {"keep_default_na": False}),
        ("with_errors.csv", {"dtype": str, "keep_default_na": False}),
    ],
)
def test_a_sheet_read_by_pandas_has_the_problems_of_the_file(
    name: str, options: dict[str, Any]
) -> None:
    path = SAMPLES / name
    from_file = validate_file(path)

    from_frame = validate_frame(pd.read_csv(path, **options))

    assert from_frame.problems == from_file.problems
    counts = ("rows_read", "valid", "invalid", "warnings")
    assert [getattr(from_frame, c) for c in counts] == [getattr(from_file, c) for c in counts]


def test_records_with_settings_objects_have_the_problems_of_the_json_file() -> None:
    path = SAMPLES / "labels.json"
    records = json.loads(path.read_text(encoding="utf-8"))["labels"]

    from_frame = validate_frame(pd.DataFrame(records))

    # A JSON file numbers its records from 1; a frame's first row is row 2.
    from_file = [replace(found, row=found.row + 1) for found in validate_file(path).problems]
    assert from_frame.problems == from_file
    assert from_frame.valid == len(records)


def test_row_numbers_are_the_frames_positions_plus_two() -> None:
    frame = pd.DataFrame(
        {"name": ["Ok", "Bad stars", "Ok"], "type": ["text", "star", "text"], "no_of_stars": 0},
        index=["a", "b", "c"],
    )
    frame.loc["a", "no_of_stars"] = None

    result = validate_frame(frame)

    errors = [(p.row, p.column) for p in result.problems if p.severity == "error"]
    assert errors == [(3, "no_of_stars"), (4, "name")]
    assert result.invalid == 2 and not result.ok
    assert (result.path, result.format) == ("dataframe", "dataframe")


def test_to_frame_gives_every_problem_in_the_columns_of_a_problem() -> None:
    frame = pd.DataFrame({"name": ["Up", ""], "type": ["thumbs_up_down", "text"], "extra": 1})
    result = validate_frame(frame)

    problems = result.to_frame()

    assert list(problems.columns) == list(Problem.__dataclass_fields__)
    assert len(problems) == len(result.file_warnings) + len(result.problems)
    blank = problems[problems.severity == "error"]
    assert blank[["row", "column", "message"]].values.tolist() == [
        [3, "name", "This field may not be blank."]
    ]
    assert frame.iloc[blank.row - 2].name.tolist() == [""]


def test_a_clean_result_gives_an_empty_frame_with_the_columns() -> None:
    result = validate_frame(pd.DataFrame({"name": ["Up"], "type": ["thumbs_up_down"]}))
    problems = result.to_frame()
    assert problems.empty and list(problems.columns) == list(Problem.__dataclass_fields__)


def test_a_frame_without_a_type_column_is_one_clear_line() -> None:
    with pytest.raises(InputError, match=r"^dataframe: no type column \(found: name, kind2\)"):
        validate_frame(pd.DataFrame({"name": ["a"], "kind2": ["text"]}))


def test_a_frame_without_rows_is_one_clear_line() -> None:
    with pytest.raises(InputError, match=r"^dataframe: has a header but no label rows"):
        validate_frame(pd.DataFrame({"name": [], "type": []}))


@pytest.mark.parametrize("value", ["labels.csv", pd.Series(["a"]), None])
def test_validate_frame_takes_only_a_dataframe(value: Any) -> None:
    with pytest.raises(UsageError, match="validate_frame takes a pandas DataFrame, not"):
        validate_frame(value)
