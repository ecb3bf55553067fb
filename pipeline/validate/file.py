"""Rows in, typed labels or problems out: the stage behind `label-import validate`.

Rows stream through one at a time; only the keys of rows already seen are kept, so a
million-row file validates in constant memory apart from those keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import InputError, UsageError, require_pandas
from pipeline.read import Reader, Sheet
from pipeline.read.inputs import is_frame, open_input
from pipeline.read.jsonfile import JsonReader
from pipeline.read.migrate.reader import MigrationReader
from pipeline.rows import EXPORT_COLUMNS, CheckedRow, Losses, Problem, RawRow
from pipeline.validate.cells import CellError, parse_bool
from pipeline.validate.columns import ColumnMap, map_columns
from pipeline.validate.duplicates import DuplicateIndex
from pipeline.validate.payload import writable
from pipeline.validate.row import RowChecker

if TYPE_CHECKING:
    from pandas import DataFrame


@dataclass(frozen=True)
class ValidationResult:
    """What `label-import validate` reports, as typed values."""

    path: str
    format: str
    rows_read: int
    valid: int
    invalid: int
    warnings: int
    problems: list[Problem]
    file_warnings: list[Problem] = field(default_factory=list)
    # Records of another tool's export left out on purpose (archived, no equivalent).
    skipped: int = 0
    # What converting another tool's export dropped, by kind; None for a spreadsheet.
    losses: Losses | None = None

    @property
    def ok(self) -> bool:
        return self.invalid == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "rows_read": self.rows_read,
            "valid": self.valid,
            "invalid": self.invalid,
            "skipped": self.skipped,
            "warnings": self.warnings,
            "file_warnings": [asdict(problem) for problem in self.file_warnings],
            "problems": [asdict(problem) for problem in self.problems],
            "losses": self.losses.to_dict() if self.losses else None,
        }

    def to_frame(self) -> DataFrame:
        """Every problem as a DataFrame, one row each, in the columns of `Problem`: the
        file-level ones first (row 0), then the rows' in input order. For a DataFrame
        input, `df.iloc[problems.row - 2]` are the rows they are about."""
        require_pandas()
        import pandas as pd

        columns = [f.name for f in fields(Problem)]
        found = [asdict(problem) for problem in (*self.file_warnings, *self.problems)]
        return pd.DataFrame(found, columns=columns)


class FileCheck:
    """Check every row of a file as it streams by. Iterate it for `CheckedRow`s in input
    order; `format`, `headers` and `warnings` (file-level) are available as reading goes."""

    def __init__(
        self,
        path: str | Path | DataFrame,
        *,
        sheet: str | None = None,
        source: str | None = None,
        include_archived: bool = False,
    ) -> None:
        self.reader: Reader = open_input(
            path, sheet=sheet, source=source, include_archived=include_archived
        )
        self.path = self.reader.path
        self._include_archived = include_archived
        self._warnings: list[Problem] = []
        self._label_sheets = 0
        self._duplicates = DuplicateIndex(self.path.name)

    @property
    def format(self) -> str:
        return self.reader.format

    @property
    def headers(self) -> dict[str | None, list[str]]:
        return self.reader.headers

    @property
    def warnings(self) -> list[Problem]:
        return self.reader.warnings + self._warnings

    @property
    def source(self) -> str | None:
        """The title of the tool whose export this is; None for a spreadsheet."""
        migration = self.reader.migration if isinstance(self.reader, MigrationReader) else None
        return migration.source.title if migration is not None else None

    def __iter__(self) -> Iterator[CheckedRow]:
        rows = 0
        for sheet in self.reader.sheets():
            columns = self._label_columns(sheet)
            if columns is None:
                continue
            checker = RowChecker(columns, export=self.reader.from_export)
            for raw in sheet.rows:
                rows += 1
                yield self._check(raw, checker)
        self._check_found(rows)

    def _label_columns(self, sheet: Sheet) -> ColumnMap | None:
        """The sheet's column map, or None for a sheet without labels (skipped or fatal)."""
        columns = map_columns(
            sheet.headers,
            sheet=sheet.name,
            where=self._where(sheet.name),
            records=isinstance(self.reader, JsonReader),
        )
        if not columns.is_label_sheet:
            self._skip_sheet(columns, sheet.headers)
            return None
        self._label_sheets += 1
        self._warnings.extend(columns.warnings)
        self._duplicates.start_sheet(sheet.name)
        return columns

    def _check(self, raw: RawRow, checker: RowChecker) -> CheckedRow:
        raw, unwritable = writable(raw)
        if raw.skip is None and not self._include_archived:
            raw = _unless_archived(raw)
        if raw.skip is not None:
            return _named(_skipped(raw), checker)
        checked = checker.check(raw)
        if raw.notes:
            checked = _with_notes(checked)
        if unwritable:
            checked = _with_unwritable(checked, unwritable)
        if checked.label is not None:
            checked = self._duplicates.check(checked, checker.name)
        return checked if checked.label is not None else _named(checked, checker)

    def _check_found(self, rows: int) -> None:
        """A file that yielded no label rows at all is unusable; say why."""
        if self._label_sheets == 0 and not self.reader.headers:
            raise InputError(f"{self.path.name}: the file is empty")
        if self._label_sheets == 0:
            raise InputError(
                f"{self.path.name}: no sheet has both a name and a type column; "
                "add them (see `label-import template`)"
            )
        if rows == 0:
            raise InputError(f"{self.path.name}: has a header but no label rows")

    def _where(self, sheet: str | None) -> str:
        return self.path.name + (f", sheet {sheet!r}" if sheet is not None else "")

    def _skip_sheet(self, columns: ColumnMap, headers: list[str]) -> None:
        missing = " and ".join(f for f in ("name", "type") if f not in columns.columns)
        found = ", ".join(h for h in headers if h)[:200]
        if columns.sheet is None or self.reader.sheet is not None:
            raise InputError(
                f"{self._where(columns.sheet)}: no {missing} column (found: {found}); "
                "add it or rename a column to it"
            )
        self._warnings.append(
            Problem(
                0,
                columns.sheet,
                None,
                None,
                f"sheet skipped: no {missing} column",
                "leave it if it holds notes; otherwise add the column",
                "warning",
            )
        )


_ARCHIVED = EXPORT_COLUMNS[2]
ARCHIVED_SKIP = "archived where it was exported from (--include-archived imports it)"


def _unless_archived(raw: RawRow) -> RawRow:
    """A row that an export marks archived is left out, as an archived record of another
    tool's export is: `run` would create it as an active label."""
    cell = raw.cells.get(_ARCHIVED)
    if not cell:
        return raw
    try:
        archived = parse_bool(cell)
    except CellError:
        # Not our true/false: the column is someone else's, and not ours to act on.
        return raw
    return replace(raw, skip=ARCHIVED_SKIP) if archived else raw


def _skipped(raw: RawRow) -> CheckedRow:
    """A record left out on purpose still gets a line saying why."""
    why = Problem(raw.row, raw.sheet, None, None, f"skipped: {raw.skip}", "", "warning")
    return CheckedRow(raw, None, [*raw.notes, why])


def _named(checked: CheckedRow, checker: RowChecker) -> CheckedRow:
    """A row without a label still shows its name and type cells in the report."""
    cells = checked.raw.cells
    return replace(
        checked,
        name=cells.get(checker.name, "").strip(),
        type=cells.get(checker.type, "").strip(),
    )


def _with_unwritable(checked: CheckedRow, unwritable: list[Problem]) -> CheckedRow:
    """The row is invalid; a settings cell's escape parses to the same surrogate again,
    which is not said twice."""
    said = {(found.column, found.message) for found in unwritable}
    rest = [found for found in checked.problems if (found.column, found.message) not in said]
    return replace(checked, label=None, problems=[*unwritable, *rest])


def _with_notes(checked: CheckedRow) -> CheckedRow:
    """Put what a migration reader found first; an error there makes the row invalid.
    The reader's error already says what is wrong with the record and how to fix it in
    the export; the checker's errors on the half-mapped row would say it again, in the
    words of a spreadsheet cell, so only its warnings are kept."""
    notes = list(checked.raw.notes)
    if not any(note.severity == "error" for note in notes):
        return replace(checked, problems=[*notes, *checked.problems])
    warnings = [found for found in checked.problems if found.severity != "error"]
    return replace(checked, label=None, problems=[*notes, *warnings])


def check_rows(
    path: Path,
    *,
    sheet: str | None = None,
    source: str | None = None,
    include_archived: bool = False,
) -> Iterator[CheckedRow]:
    """Every input row in input order, checked, with in-file duplicates marked invalid."""
    return iter(FileCheck(path, sheet=sheet, source=source, include_archived=include_archived))


def validate_file(
    path: str | Path | DataFrame,
    *,
    sheet: str | None = None,
    source: str | None = None,
    include_archived: bool = False,
) -> ValidationResult:
    """Check a whole file without sending anything: what `label-import validate` does.

    Args:
        path: a spreadsheet (csv, tsv, txt, xlsx, xlsm, xls, ods, json, jsonl) or another
            tool's export; or a pandas DataFrame (see `validate_frame`).
        sheet: read only this sheet of a workbook.
        source: read `path` as this tool's export (`pipeline.read.migrate.SOURCES`);
            without it, a JSON or XML export of a known shape is recognised by itself.
        include_archived: check an export's archived records too.

    Returns:
        The `ValidationResult`: counts, and every row's problems with row, column, value,
        the server's wording and a hint. Rows with errors are counted, never raised.

    Raises:
        InputError: the file cannot be used at all (missing, unreadable, not a
            spreadsheet, no name and type columns, an unknown `source`).
    """
    check = FileCheck(path, sheet=sheet, source=source, include_archived=include_archived)
    rows = valid = warnings = skipped = 0
    problems: list[Problem] = []
    lost: list[tuple[str, ...]] = []
    for checked in check:
        rows += 1
        valid += checked.valid
        skipped += checked.skipped is not None
        if checked.raw.losses and checked.skipped is None:
            lost.append(checked.raw.losses)  # only rows with losses: memory stays flat
        for found in checked.problems:
            warnings += found.severity == "warning"
            problems.append(found)
    file_warnings = check.warnings
    return ValidationResult(
        path=str(check.path if is_frame(path) else path),
        format=check.format,
        rows_read=rows,
        valid=valid,
        invalid=rows - valid - skipped,
        skipped=skipped,
        warnings=warnings + len(file_warnings),
        problems=problems,
        file_warnings=file_warnings,
        losses=Losses.tally(check.source, lost) if check.source else None,
    )


def validate_frame(frame: DataFrame) -> ValidationResult:
    """Check a pandas DataFrame as `validate_file` checks a sheet, sending nothing.

    The columns are the header; the index is not read. Each cell is taken as the text a
    person would have typed (a blank, NaN or None is empty, 5.0 in an int column with
    blanks is 5, a dict is its JSON; see `pipeline.read.frame`). Row numbers are as a
    spreadsheet view of the frame shows them: the frame's position + 2.

    Returns:
        The `ValidationResult`, with `path` and `format` "dataframe";
        `result.to_frame()` gives its problems as a DataFrame.

    Raises:
        UsageError: `frame` is not a pandas DataFrame.
        InputError: the frame cannot be used at all (no name or type column, no rows).
    """
    if not is_frame(frame):
        raise UsageError(f"validate_frame takes a pandas DataFrame, not {type(frame).__name__}")
    return validate_file(frame)
