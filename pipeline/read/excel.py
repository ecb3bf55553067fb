"""Excel and OpenDocument workbooks through python-calamine, read directly so each cell
keeps its raw type (pandas would turn 5.0 into 5 only sometimes and dates into Timestamps)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import python_calamine

from pipeline.errors import InputError
from pipeline.read.base import Reader, Sheet, moment_text, table
from pipeline.read.ods_size import check_ods_tables
from pipeline.read.sheet_size import check_xlsx_sheets
from pipeline.read.xls_size import check_xls_sheets
from pipeline.read.xlsx_hidden import Hidden, hidden_cells
from pipeline.read.xlsx_parts import column_letters
from pipeline.rows import Problem, RawRow


def cell_text(value: Any) -> str:
    """The text a user sees in the cell: 5 not 5.0, TRUE/FALSE, dates as ISO 8601."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # Excel shows at most 15 significant digits; repr would show binary noise.
        return f"{value:.15g}"
    if isinstance(value, dt.date | dt.time):
        return moment_text(value)
    return str(value)


# Each merged range is one warning up to this many; a sheet with more gets one line for the rest.
MAX_MERGED_WARNINGS = 20


@dataclass
class WorkbookReader(Reader):
    _hidden_cells: dict[str, Hidden] | None = field(default=None, init=False, repr=False)

    def _sheets(self) -> Iterator[Sheet]:
        # Before calamine opens the file: it reads every sheet of an .ods or .xls then, and
        # makes room for an .xlsx's shared strings.
        if self.format == "ods":
            check_ods_tables(self.path)
        elif self.format == "xls":
            check_xls_sheets(self.path)
        else:
            check_xlsx_sheets(self.path)
        try:
            workbook = python_calamine.CalamineWorkbook.from_path(str(self.path))
        except Exception as error:  # calamine raises several unrelated types for bad files
            raise InputError(
                f"{self.path.name}: cannot be read as an Excel or OpenDocument workbook ({error})"
            ) from None
        names = list(workbook.sheet_names)
        if self.sheet is not None and self.sheet not in names:
            raise InputError(
                f"{self.path.name}: no sheet named {self.sheet!r}; sheets: {', '.join(names)}"
            )
        for name in [self.sheet] if self.sheet is not None else names:
            sheet = self._sheet(workbook, name)
            if sheet is not None:
                yield sheet

    def _sheet(self, workbook: Any, name: str) -> Sheet | None:
        try:
            data = workbook.get_sheet_by_name(name)
        except Exception as error:
            raise InputError(f"{self.path.name}: sheet {name!r} cannot be read ({error})") from None
        self._warn_merged(data, name)
        # iter_rows starts at the sheet's first row even when it is blank, so the index
        # plus one is the row number Excel shows.
        records = (
            # Most cells are already text; skip the call for them (it is most of the cost).
            (number, [v if v.__class__ is str else cell_text(v) for v in cells])
            for number, cells in enumerate(data.iter_rows(), start=1)
        )
        sheet = table(self, records, name)
        hidden = self._hidden().get(name)
        if sheet is not None and hidden:
            first_column = data.start[1] if data.start else 0
            sheet.rows = _mark_hidden(sheet.rows, sheet.headers, hidden, first_column)
        return sheet

    def _hidden(self) -> dict[str, Hidden]:
        if self._hidden_cells is None:
            self._hidden_cells = hidden_cells(self.path) if self.format in ("xlsx", "xlsm") else {}
        return self._hidden_cells

    def _warn_merged(self, data: Any, name: str) -> None:
        merged = data.merged_cell_ranges or ()
        for (top, left), (bottom, right) in merged[:MAX_MERGED_WARNINGS]:
            span = f"{column_letters(left)}{top + 1}:{column_letters(right)}{bottom + 1}"
            self.warn(
                f"merged cells {span}: only the first cell holds a value, the others read as blank",
                "unmerge the cells and fill each one",
                sheet=name,
                row=top + 1,
            )
        if len(merged) > MAX_MERGED_WARNINGS:
            self.warn(
                f"{len(merged) - MAX_MERGED_WARNINGS:,} more merged ranges",
                "unmerge the cells and fill each one",
                sheet=name,
            )


def _mark_hidden(
    rows: Iterator[RawRow], headers: list[str], hidden: Hidden, first_column: int
) -> Iterator[RawRow]:
    """Put back what an error or unsaved-formula cell really holds, as a row error."""
    by_row: dict[int, list[tuple[str, str]]] = {}
    for (row, column), text in hidden.items():
        index = column - first_column
        if 0 <= index < len(headers) and headers[index]:
            by_row.setdefault(row, []).append((headers[index], text))
    for raw in rows:
        cells = by_row.get(raw.row)
        if not cells:
            yield raw
            continue
        notes = [_hidden_problem(raw, header, text) for header, text in cells]
        yield replace(raw, cells={**raw.cells, **dict(cells)}, notes=(*raw.notes, *notes))


def _hidden_problem(raw: RawRow, header: str, text: str) -> Problem:
    if text.startswith("="):
        message = f"the formula {text} has no saved result, so the cell reads as blank"
        hint = "open and save the file in Excel or LibreOffice, or type the value"
    else:
        message = f"the cell shows the Excel error {text}"
        hint = "fix the formula, or type the value"
    return Problem(raw.row, raw.sheet, header, text, message, hint, "error")
