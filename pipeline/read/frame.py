"""A pandas DataFrame as a one-sheet input: each cell turned back into the text a person
would have typed, so the later stages check it exactly as they check a spreadsheet.

pandas gives a column one dtype, and that dtype changes what a cell looks like: an int
column with one blank becomes float (5.0), a blank is NaN (or None, pd.NA, NaT), a date is
a Timestamp, a settings cell may be a dict. Here 5.0 reads as 5, any blank as an empty
cell, True as true, a Timestamp as ISO 8601, a dict or list as JSON, and a float keeps the
shortest spelling that gives it back (0.1, not 0.1000000000000000055).

Rows are numbered as a spreadsheet view of the frame shows them: the header is row 1, the
frame's first row (position 0, whatever its index) is row 2. Imported only for a
DataFrame input, so no other run pays for pandas.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import pandas as pd

from pipeline.errors import InputError
from pipeline.read.base import Reader, Sheet, moment_text, table
from pipeline.read.inputs import FRAME_FORMAT, FRAME_PATH
from pipeline.read.jsonfile import escaped, value_text

# The row number of the frame's first row: the header is row 1, as in a spreadsheet.
FIRST_ROW = 2
# numpy's and pandas' (nullable) float dtypes narrower than a Python float.
_SHORT_FLOATS = frozenset({"float16", "float32"})


def frame_position(row: int) -> int:
    """The frame position (for `df.iloc`) of a report's row number."""
    return row - FIRST_ROW


def frame_cell(value: Any) -> str:
    """The text a person would have typed for one DataFrame cell."""
    if value.__class__ is str:
        return str(value)
    if type(value).__module__ == "numpy":
        value = _numpy_plain(value)
    if _is_blank(value):
        return ""
    if isinstance(value, str | bool | int | float):
        return value_text(value)
    if isinstance(value, dt.date | dt.time):
        return moment_text(value)
    if isinstance(value, dict | list | tuple):
        return _json_text(value)
    return str(value)


def _numpy_plain(value: Any) -> Any:
    """A numpy scalar as the Python value it shows: np.float64 is a float whose repr is
    "np.float64(0.5)", np.int64 and np.bool_ are not int and bool at all, and a float32
    0.1 is 0.10000000149011612 as a Python float, while numpy spells it 0.1."""
    if value.dtype.kind == "f":
        return float(str(value))
    return value.item()


def _is_blank(value: Any) -> bool:
    # NaT is a datetime and pd.NA refuses to be a bool, so both are asked by identity.
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _json_text(value: dict[Any, Any] | list[Any] | tuple[Any, ...]) -> str:
    """A settings or options cell given as an object: the JSON a sheet would hold. A
    value JSON has no form for (a set, an object) becomes its text, for the validator to
    name as the row's problem."""
    try:
        return json.dumps(value, ensure_ascii=False, default=_plain)
    except (TypeError, ValueError):
        return str(value)


def _plain(value: Any) -> Any:
    """numpy scalars and arrays nested in a settings dict, as plain Python values."""
    if type(value).__module__ == "numpy":
        return value.tolist()
    if isinstance(value, dt.date | dt.time):
        return moment_text(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def column_cells(column: pd.Series[Any]) -> list[str]:
    """One column's cells as text."""
    if str(column.dtype).lower() in _SHORT_FLOATS:
        # As numpy scalars, which keep their own short spelling (see _numpy_plain).
        return [frame_cell(value) for value in column.to_numpy()]
    return [frame_cell(value) for value in column.tolist()]


@dataclass
class FrameReader(Reader):
    """The frame's columns are the header as given (a non-text column name as its text).
    A named index is read as leading columns and an unnamed one not at all, as
    `df.to_csv()` writes them and a sheet reads them back (a column without a header is
    not read): `df.set_index("name")` still has its name column."""

    frame: pd.DataFrame = field(default_factory=pd.DataFrame, kw_only=True, repr=False)

    def _sheets(self) -> Iterator[Sheet]:
        frame = self.frame
        if any(name is not None for name in frame.index.names):
            # An index named as a column too (`set_index("name", drop=False)`) is that
            # column twice, as `df.to_csv()` writes it: refused below as a duplicate header,
            # not by pandas' ValueError.
            frame = frame.reset_index(allow_duplicates=True)
        if frame.shape[1] == 0:
            raise InputError(f"{self.path.name}: has no columns; it needs a name and a type")
        # A column name is written in every report: one with a lone surrogate keeps the
        # escape instead, as a JSON key does.
        headers = [escaped(name if isinstance(name, str) else str(name)) for name in frame.columns]
        columns = [column_cells(frame.iloc[:, i]) for i in range(frame.shape[1])]
        records = enumerate((list(cells) for cells in zip(*columns, strict=True)), FIRST_ROW)
        sheet = table(self, chain([(FIRST_ROW - 1, headers)], records), None)
        if sheet is not None:
            yield sheet


def frame_reader(frame: pd.DataFrame) -> FrameReader:
    return FrameReader(FRAME_PATH, format=FRAME_FORMAT, frame=frame)
