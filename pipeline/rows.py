"""The values that flow between stages: a row as read, and a problem found in it.

Every stage speaks in these terms, so a reader, the validator, the planner and the report
all agree on what "row 12 of sheet Quality" means.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

# The columns the failed-rows file adds beside the user's own; reading that file back,
# they are expected and ignored without a warning.
FAILED_ROW_COLUMNS = ("error", "source_row")


@dataclass(frozen=True, slots=True)
class RawRow:
    """One input record exactly as the user gave it.

    `row` is the number the user sees: header = 1, first data row = 2 for spreadsheets;
    the 1-based position for JSON records. `cells` maps each header as typed to the cell
    text as typed (never coerced), so a failed row can be written back untouched.
    """

    row: int
    sheet: str | None
    cells: dict[str, str]
    source_id: str | None = None
    # What a migration reader already knows about the record: lossy conversions
    # (warnings) and records it could not map (errors), reported with the row.
    notes: tuple[Problem, ...] = ()
    # Why the record is left out on purpose (archived, a kind with no equivalent).
    skip: str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong (error) or worth knowing (warning) about one cell of one row."""

    row: int
    sheet: str | None
    column: str | None
    value: str | None
    message: str
    hint: str = ""
    severity: Severity = "error"


class InputError(Exception):
    """The input cannot be used at all (missing, unreadable, not a spreadsheet, no name column).

    Its message is one line a person can act on; the CLI prints it and exits 2.
    """
