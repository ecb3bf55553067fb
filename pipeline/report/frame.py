"""A run's rows as pandas DataFrames, for a notebook: the report's lines, and the failed
rows of a DataFrame input in its own columns and dtypes. Imported only when asked for."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from pipeline.read.frame import frame_position
from pipeline.report.writers import (
    ERROR,
    FAILED_STATUSES,
    SOURCE_ROW,
    report_columns,
    report_records,
)
from pipeline.rows import RowOutcome


def outcomes_frame(outcomes: Sequence[RowOutcome]) -> pd.DataFrame:
    """One row per report line, in the report's columns; a count with no value (no HTTP
    answer) is <NA>, not a float NaN that would turn 201 into 201.0."""
    records = report_records(outcomes)
    table = pd.DataFrame(records, columns=report_columns(records))
    return table.astype({"attempts": "int64", "http_status": "Int64"})


def failed_frame(frame: pd.DataFrame, outcomes: Sequence[RowOutcome]) -> pd.DataFrame:
    """The input frame's invalid and failed rows, index and dtypes kept, with the
    failed-rows file's `error` and `source_row` columns added: fix and import it again."""
    failed = [outcome for outcome in outcomes if outcome.status in FAILED_STATUSES]
    rows = frame.iloc[[frame_position(outcome.row) for outcome in failed]].copy()
    rows[ERROR] = [outcome.error for outcome in failed]
    rows[SOURCE_ROW] = [outcome.row for outcome in failed]
    return rows
