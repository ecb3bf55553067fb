"""The problems of one row, collected while it is checked, each on the column it belongs to."""

from __future__ import annotations

from pipeline.rows import Problem, RawRow, Severity
from pipeline.validate.messages import HINTS


class RowProblems:
    """Knows the row, the sheet's column map and which settings keys came from the
    settings JSON cell, so each problem names the cell a person has to fix."""

    __slots__ = ("_columns", "_raw", "found", "from_json")

    def __init__(self, raw: RawRow, columns: dict[str, str]) -> None:
        self._raw = raw
        self._columns = columns
        self.found: list[Problem] = []
        # Settings keys whose value came from the settings JSON cell: their problems point
        # at that cell rather than at an empty flat column.
        self.from_json: set[str] = set()

    def add(self, key: str, message: str, hint: str | None = None) -> None:
        """An error in the column of `key`; without a hint, the column's usual one."""
        self._append(key, message, HINTS.get(key, "") if hint is None else hint, "error")

    def warn(self, key: str, message: str, hint: str) -> None:
        self._append(key, message, hint, "warning")

    def has_errors(self) -> bool:
        return any(found.severity == "error" for found in self.found)

    def _append(self, key: str, message: str, hint: str, severity: Severity) -> None:
        raw = self._raw
        column = self._columns.get("settings" if key in self.from_json else key, key)
        self.found.append(
            Problem(raw.row, raw.sheet, column, raw.cells.get(column), message, hint, severity)
        )
