"""A DataFrame read as a sheet: every cell the text a person would have typed, whatever
dtype pandas gave its column, and rows numbered as a spreadsheet view shows them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest

from pipeline.errors import InputError, UsageError
from pipeline.read import open_input
from pipeline.read.frame import FrameReader, frame_position
from pipeline.rows import RawRow


def rows_of(frame: pd.DataFrame) -> list[RawRow]:
    return list(open_input(frame))


def column(values: Any, dtype: Any = None) -> list[str]:
    """The cells one column of these values reads as, blank ones too (a marker column
    keeps every row from being a blank row, which is skipped)."""
    frame = pd.DataFrame({"name": pd.Series(values, dtype=dtype), "marker": "x"})
    return [raw.cells["name"] for raw in rows_of(frame)]


def test_a_dataframe_gets_the_frame_reader_named_dataframe() -> None:
    reader = open_input(pd.DataFrame({"name": ["a"], "type": ["text"]}))
    assert isinstance(reader, FrameReader)
    assert (reader.path.name, reader.format) == ("dataframe", "dataframe")


@pytest.mark.parametrize(
    ("values", "dtype", "cells"),
    [
        ([1, 2, 30], None, ["1", "2", "30"]),
        # One blank turns an int column into float64: 5.0 must still read as 5.
        ([5, None, 7], None, ["5", "", "7"]),
        ([0.1, 2.5, 1e-7], None, ["0.1", "2.5", "1e-07"]),
        ([0.1, 2.5, np.nan], "float32", ["0.1", "2.5", ""]),
        ([1, None, 3], "Int64", ["1", "", "3"]),
        ([0.1, None, 3], "Float32", ["0.1", "", "3"]),
        ([True, False, True], None, ["true", "false", "true"]),
        ([True, None, False], "boolean", ["true", "", "false"]),
        (["a", None, "c"], None, ["a", "", "c"]),
        (["a", None, "c"], "string", ["a", "", "c"]),
        (["a", None, "c"], "category", ["a", "", "c"]),
        ([" padded ", "", "x"], None, [" padded ", "", "x"]),
    ],
    ids=lambda v: str(v),
)
def test_each_dtype_reads_as_typed(values: list[Any], dtype: Any, cells: list[str]) -> None:
    assert column(values, dtype) == cells


def test_an_object_column_of_mixed_values_reads_each_as_typed() -> None:
    values = [
        None,
        float("nan"),
        pd.NA,
        pd.NaT,
        np.int64(3),
        np.float64(0.5),
        np.float32(0.1),
        np.bool_(True),
        {"min": 0, "max": np.int64(10)},
        ["Good", "Bad"],
        ("a", "b"),
        Decimal("0.10"),
        dt.date(2024, 1, 5),
        {"when": dt.date(2024, 1, 5), "ids": np.array([1, 2])},
        {1, 2},
    ]
    assert column(values, object) == [
        "",
        "",
        "",
        "",
        "3",
        "0.5",
        "0.1",
        "true",
        '{"min": 0, "max": 10}',
        '["Good", "Bad"]',
        '["a", "b"]',
        "0.10",
        "2024-01-05",
        '{"when": "2024-01-05", "ids": [1, 2]}',
        "{1, 2}",
    ]


def test_timestamps_read_as_iso_dates_and_times() -> None:
    stamps = pd.Series([pd.Timestamp("2024-01-05"), pd.Timestamp("2024-01-05 10:30"), pd.NaT])
    assert column(stamps) == ["2024-01-05", "2024-01-05T10:30:00", ""]


def test_rows_are_the_frames_positions_plus_two_whatever_the_index() -> None:
    frame = pd.DataFrame(
        {"name": ["a", None, "c", "d"], "type": ["text", None, "star", "text"]},
        index=[10, 3, "x", 10],
    )
    rows = rows_of(frame)
    # The all-blank row (position 1) is skipped, as a blank sheet row is, but keeps its number.
    assert [row.row for row in rows] == [2, 4, 5]
    assert [frame_position(row.row) for row in rows] == [0, 2, 3]
    assert rows[1].cells == {"name": "c", "type": "star"}


def test_a_named_index_is_read_as_columns_and_an_unnamed_one_not_at_all() -> None:
    frame = pd.DataFrame({"name": ["a"], "type": ["text"]})
    assert rows_of(frame.set_index("name"))[0].cells == {"name": "a", "type": "text"}
    assert rows_of(frame.set_index(pd.Index([7])))[0].cells == {"name": "a", "type": "text"}


def test_column_names_that_are_not_text_read_as_their_text() -> None:
    frame = pd.DataFrame([["a", "text", 1]], columns=["name", "type", 3])
    assert rows_of(frame)[0].cells == {"name": "a", "type": "text", "3": "1"}


def test_a_quoted_formula_from_our_own_report_reads_back_as_typed() -> None:
    # A failed-rows file read with pd.read_csv keeps our quote; a sheet reads it back too.
    assert column(["'=1+1"]) == ["=1+1"]


def test_a_frame_without_columns_is_one_clear_line() -> None:
    with pytest.raises(InputError, match=r"^dataframe: has no columns"):
        rows_of(pd.DataFrame(index=[0, 1]))


def test_a_column_name_given_twice_is_one_clear_line() -> None:
    frame = pd.DataFrame([["a", "b"]], columns=["name", "name"])
    with pytest.raises(InputError, match="column 'name' appears twice"):
        rows_of(frame)


def test_an_index_named_as_a_column_is_that_column_twice_one_clear_line() -> None:
    frame = pd.DataFrame({"name": ["a"], "type": ["text"]}).set_index("name", drop=False)
    with pytest.raises(InputError, match="column 'name' appears twice"):
        rows_of(frame)


@pytest.mark.parametrize(
    "options",
    [{"sheet": "Labels"}, {"source": "langfuse"}, {"include_archived": True}],
    ids=lambda o: next(iter(o)),
)
def test_file_options_are_refused_for_a_frame(options: dict[str, Any]) -> None:
    with pytest.raises(UsageError, match="apply to a file, not to a DataFrame"):
        open_input(pd.DataFrame({"name": ["a"]}), **options)
