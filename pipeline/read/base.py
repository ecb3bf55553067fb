"""What every reader shares: the sheet shape, header handling and blank-row rules."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from pipeline.errors import InputError
from pipeline.read.formula import restore
from pipeline.rows import Problem, RawRow


@dataclass(slots=True)
class Sheet:
    """One table of the input: its name (None for single-table files), its header as typed
    and a lazy stream of its data rows."""

    name: str | None
    headers: list[str]
    rows: Iterator[RawRow]


@dataclass
class Reader(ABC):
    """One input file. Iterate `sheets()` (or the reader itself for all rows); `warnings`
    and `headers` fill in as sheets are read."""

    path: Path
    sheet: str | None = None
    warnings: list[Problem] = field(default_factory=list)
    headers: dict[str | None, list[str]] = field(default_factory=dict)
    # One of pipeline.read.FORMATS; set by open_reader from the file name.
    format: str = ""
    # Rows mapped from another tool's export: there are no columns a hint can point at.
    from_export: ClassVar[bool] = False

    @abstractmethod
    def _sheets(self) -> Iterator[Sheet]: ...

    def sheets(self) -> Iterator[Sheet]:
        for sheet in self._sheets():
            self.headers[sheet.name] = sheet.headers
            yield sheet

    def __iter__(self) -> Iterator[RawRow]:
        for sheet in self.sheets():
            yield from sheet.rows

    def warn(self, message: str, hint: str, *, sheet: str | None = None, row: int = 0) -> None:
        self.warnings.append(Problem(row, sheet, None, None, message, hint, "warning"))


def moment_text(value: dt.date | dt.time) -> str:
    """A date, time or timestamp as ISO 8601, as a sheet shows it: a timestamp at midnight
    is the date alone."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    return value.isoformat()


def is_blank(cells: list[str]) -> bool:
    return all(not cell.strip() for cell in cells)


def table(
    reader: Reader, records: Iterable[tuple[int, list[str]]], name: str | None
) -> Sheet | None:
    """Turn numbered records into a Sheet: the first non-blank record is the header; blank
    records are skipped but keep their numbers; trailing empty columns are dropped.
    Returns None when the table has no header at all (an empty sheet)."""
    records = iter(records)
    for number, cells in records:
        if not is_blank(cells):
            headers = _header(cells, reader.path, name, number)
            return Sheet(name, headers, _data_rows(reader, records, headers, name))
    return None


def _header(cells: list[str], path: Path, sheet: str | None, number: int) -> list[str]:
    headers = [cell.strip() for cell in cells]
    while headers and not headers[-1]:
        headers.pop()
    seen: set[str] = set()
    for header in headers:
        if header and header in seen:
            where = f"{path.name}" + (f", sheet {sheet!r}" if sheet else "")
            raise InputError(
                f"{where}: column {header!r} appears twice in the header (row {number}); "
                "rename or delete one"
            )
        seen.add(header)
    return headers


def _data_rows(
    reader: Reader,
    records: Iterator[tuple[int, list[str]]],
    headers: list[str],
    sheet: str | None,
) -> Iterator[RawRow]:
    """The rows under the header. This loop runs once per row of every file, so it keeps to
    C-level operations; the rare cases (stray cells, quoted cells, unnamed columns) are
    functions called only for the rows that have them."""
    width = len(headers)
    named = _named_columns(headers)
    all_named = len(named) == width
    warned_extra = False
    for number, cells in records:
        # One C-level join serves both questions asked of every row; checking cell by cell
        # in Python cost 15% of validating a workbook.
        joined = "".join(cells)
        if not joined.strip():
            continue
        if len(cells) > width and not warned_extra and not is_blank(cells[width:]):
            warned_extra = True
            _warn_extra(reader, number, sheet)
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        if "'" in joined:
            cells = _restored(cells)
        if all_named:
            # The common case: zip stops at the header's width and runs in C.
            yield RawRow(number, sheet, dict(zip(headers, cells, strict=False)))
        else:
            yield RawRow(number, sheet, _named_cells(named, cells))


def _named_columns(headers: list[str]) -> list[tuple[int, str]]:
    """(index, header) of each column with a header; a blank header's cells are dropped."""
    return [(index, header) for index, header in enumerate(headers) if header]


def _named_cells(named: list[tuple[int, str]], cells: list[str]) -> dict[str, str]:
    return {header: cells[index] for index, header in named}


def _warn_extra(reader: Reader, number: int, sheet: str | None) -> None:
    reader.warn(
        f"row {number} has cells beyond the last named column; they are ignored",
        "give the column a header or delete the stray cells",
        sheet=sheet,
        row=number,
    )


def _restored(cells: list[str]) -> list[str]:
    """Our own reports quote formula-like cells; read them back as the user had them."""
    return [restore(cell) for cell in cells]
