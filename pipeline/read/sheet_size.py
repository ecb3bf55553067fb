"""How large a workbook's sheets are, found before calamine is asked for them.

calamine allocates a sheet's whole used range at once (rows x columns, 32 bytes a cell),
and a failed allocation aborts the process, with no Python exception to catch: two cells
at A1 and XFD1048576 ask for 512 GiB. python-calamine 0.9 tells nothing of a sheet's size
before loading it (its SheetMetadata holds a name, a type and a visibility), and the
<dimension> an .xlsx declares is a hint calamine itself ignores. So the cell references
are read here, streamed, as calamine places them: a cell's `r`, or the cell after the one
before it in its row; a cell with no content (`<c .../>`) does not stretch the range.

Most files give every cell an `r` first (Excel, LibreOffice and every library we know do):
for them a few C-level regex passes bound the box from A1 to the furthest cell, empty
cells included, which shows nearly every sheet small enough. Any other sheet, or one that
bound cannot clear, is walked tag by tag for its exact range. A cell tag that neither can
read refuses the file: it could be hiding a cell calamine would place far out.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError
from pipeline.read.xlsx_parts import column_index, column_letters, sheet_parts, tag_chunks

# 640 MB of calamine cells: a million rows of twenty columns, far beyond a label sheet.
MAX_SHEET_CELLS = 20_000_000
# Excel's last row and column: calamine would read the blank rows above a cell further
# down one by one, billions of them.
LAST_ROW = 1_048_576
LAST_COLUMN = 16_384

_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"
# Attributes with their quoted values, which may hold a `>`.
_ATTRS = rb"""((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*"""
_CELL_START = re.compile(_PREFIX + rb"c[\s/>]")
_ROW_START = re.compile(_PREFIX + rb"row[\s/>]")
# The usual form of a cell tag: `r` first, upper case, within Excel's 3 letters and 7
# digits. Either search finds a cell in any other form, which the quick passes cannot place.
_UNUSUAL_CELL = re.compile(rb'<c(?! r="[A-Z]{1,3}\d{1,7}")[\s/>]')
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s/>]")
_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})\d')
_ROW_NUMBER = re.compile(rb'<c r="[A-Z]{1,3}(\d{1,7})"')
_MILLIONTH_ROW = re.compile(rb'<c r="[A-Z]{1,3}(\d{7})"')
# The most rows a sheet has when no cell has a row of seven digits.
_SIX_DIGIT_ROWS = 999_999
_TAG = re.compile(_PREFIX + rb"(c|row)" + _ATTRS + rb"(/?)>")
_REFERENCE = re.compile(rb"""\sr\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_A1 = re.compile(rb"([A-Za-z]+)(\d+)")
# XML allows an attribute once, but calamine takes the last of two: a second `r` (or
# uniqueCount) must not hide behind a first one that looks harmless.
_SECOND_REFERENCE = re.compile(
    rb"""<c r="[^"]*"(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*?\s+r\s*="""
)
_SHARED_STRINGS = re.compile(_PREFIX + rb"sst" + _ATTRS + rb"/?>")
_UNIQUE_COUNT = re.compile(rb"""\suniqueCount\s*=\s*(?:"(\d*)"|'(\d*)')""")


@dataclass(frozen=True)
class UsedRange:
    """From the first to the last cell with content, 0-based and inclusive, as calamine
    allocates it; `far` holds the (row, column) of the cells that stretch it down and
    right the furthest."""

    top: int
    left: int
    bottom: int
    right: int
    far: tuple[tuple[int, int], ...] = ()

    @property
    def rows(self) -> int:
        return self.bottom - self.top + 1

    @property
    def columns(self) -> int:
        return self.right - self.left + 1

    def a1(self) -> str:
        first = f"{column_letters(self.left)}{self.top + 1}"
        return f"{first}:{column_letters(self.right)}{self.bottom + 1}"


def check_xlsx_sheets(path: Path) -> None:
    """Refuse a workbook any of whose sheets calamine could not hold in memory."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            _check_shared_strings(path, archive, names)
            for name, part in sheet_parts(archive).items():
                if part in names:
                    check_used_range(path, name, _used_range(archive, part))
    except (zipfile.BadZipFile, KeyError, OSError, SyntaxError, ValueError) as error:
        # What calamine would read must be sized first, so a package we cannot read is
        # refused rather than handed over unchecked.
        raise InputError(
            f"{path.name}: cannot be read as an Excel or OpenDocument workbook ({error}); "
            "open it in Excel or LibreOffice and save it again"
        ) from None


def _check_shared_strings(path: Path, archive: zipfile.ZipFile, names: set[str]) -> None:
    """calamine makes room for as many shared strings as the table says it holds, when the
    workbook is opened: `uniqueCount="4000000000"` asks for 96 GB."""
    for part in (name for name in names if name.lower().endswith("sharedstrings.xml")):
        found = next(filter(None, map(_SHARED_STRINGS.search, tag_chunks(archive, part))), None)
        counts = _UNIQUE_COUNT.findall(found[1]) if found else []
        count = max((int(double or single or 0) for double, single in counts), default=0)
        if count > MAX_SHEET_CELLS:
            raise InputError(
                f"{path.name}: its shared-strings table says it holds {count:,} texts, more "
                f"than the {MAX_SHEET_CELLS:,} a workbook may have; save it again from Excel "
                "or LibreOffice"
            )


def check_used_range(path: Path, sheet: str, used: UsedRange | None) -> None:
    if used is None:
        return
    where = f"{path.name}, sheet {sheet!r}"
    if used.bottom >= LAST_ROW or used.right >= LAST_COLUMN:
        stray = _names(cell for cell in used.far if cell[0] >= LAST_ROW or cell[1] >= LAST_COLUMN)
        raise InputError(
            f"{where}: a cell lies beyond Excel's last row {LAST_ROW:,} or column "
            f"{column_letters(LAST_COLUMN - 1)} (at {stray}); this file was not saved by a "
            "spreadsheet program: save it again from one"
        )
    if used.rows * used.columns > MAX_SHEET_CELLS:
        stray = _names(used.far)
        raise InputError(
            f"{where}: its used range {used.a1()} is {used.rows:,} rows by {used.columns:,} "
            f"columns, more than the {MAX_SHEET_CELLS:,} cells a sheet may have; delete the "
            f"stray cells far from the labels (the furthest: {stray}) and save it again"
        )


def _names(cells: Iterable[tuple[int, int]]) -> str:
    return ", ".join(f"{column_letters(column)}{row + 1}" for row, column in cells)


def _used_range(archive: zipfile.ZipFile, part: str) -> UsedRange | None:
    """The exact range when a quick bound cannot show the sheet is small enough; else None,
    which nothing refuses."""
    columns = _usual_columns(archive, part)
    if columns is None:
        return _walk(archive, part)
    rows = _rows_bound(archive, part, columns)
    # The quick bound counts empty cells too and starts at A1: only a walk is exact.
    return _walk(archive, part) if rows * columns > MAX_SHEET_CELLS else None


def _usual_columns(archive: zipfile.ZipFile, part: str) -> int | None:
    """How many columns the box from A1 to the furthest cell has, when every cell is in the
    usual form; None when one is not. A few C-level passes, no object per cell but the
    column letters."""
    columns = 0
    for piece in tag_chunks(archive, part):
        if _UNUSUAL_CELL.search(piece) or (b":c" in piece and _PREFIXED_CELL.search(piece)):
            return None
        if _SECOND_REFERENCE.search(piece):
            return None
        letters = set(_COLUMN.findall(piece))
        if letters:
            columns = max(columns, *(column_index(name.decode()) + 1 for name in letters))
    return columns


def _rows_bound(archive: zipfile.ZipFile, part: str, columns: int) -> int:
    """At least as many rows as the sheet's furthest cell is down: the six-digit bound when
    that is enough, else the furthest row, read in one more pass."""
    far = [_MILLIONTH_ROW.findall(piece) for piece in tag_chunks(archive, part)]
    rows = max((int(row) for found in far for row in found), default=_SIX_DIGIT_ROWS)
    if rows * columns <= MAX_SHEET_CELLS or rows > _SIX_DIGIT_ROWS:
        return rows
    return max(
        (
            max(map(int, _ROW_NUMBER.findall(piece)), default=0)
            for piece in tag_chunks(archive, part)
        ),
        default=0,
    )


@dataclass
class _Walk:
    """Where the next cell without an `r` goes, and the range so far."""

    row: int = -1
    column: int = -1
    top: int = 1 << 62
    left: int = 1 << 62
    bottom: int = -1
    right: int = -1
    lowest: tuple[int, int] = (0, 0)
    rightmost: tuple[int, int] = (0, 0)

    def row_tag(self, reference: bytes | None) -> None:
        if reference is not None and not reference.isdigit():
            raise ValueError(f"a row number {reference.decode(errors='replace')!r}")
        self.row = int(reference) - 1 if reference is not None else self.row + 1
        self.column = -1

    def cell_tag(self, reference: bytes | None, has_content: bool) -> None:
        if reference is None:
            row, column = self.row, self.column + 1
        else:
            place = _A1.fullmatch(reference)
            if place is None:
                raise ValueError(f"a cell reference {reference.decode(errors='replace')!r}")
            row, column = int(place[2]) - 1, column_index(place[1].decode())
        self.column = column
        if has_content:
            self._stretch(row, column)

    def _stretch(self, row: int, column: int) -> None:
        self.top, self.left = min(self.top, row), min(self.left, column)
        if row > self.bottom:
            self.bottom, self.lowest = row, (row, column)
        if column > self.right:
            self.right, self.rightmost = column, (row, column)


def _walk(archive: zipfile.ZipFile, part: str) -> UsedRange | None:
    walk = _Walk()
    for piece in tag_chunks(archive, part):
        for name, attributes, closed in _tags(piece, part):
            found = _REFERENCE.findall(attributes)
            if len(found) > 1:
                kind = "cell" if name == b"c" else "row"
                raise ValueError(f"a {kind} tag with two references in {part}")
            reference = (found[0][0] or found[0][1]) if found else None
            if name == b"row":
                walk.row_tag(reference)
            else:
                walk.cell_tag(reference, not closed)
    if walk.bottom < 0:
        return None
    far = tuple(dict.fromkeys((walk.lowest, walk.rightmost)))
    return UsedRange(walk.top, walk.left, walk.bottom, walk.right, far)


def _tags(piece: bytes, part: str) -> list[tuple[bytes, bytes, bytes]]:
    """The cell and row tags of a piece; ValueError when one of them cannot be read."""
    tags: list[tuple[bytes, bytes, bytes]] = _TAG.findall(piece)
    cells = sum(1 for name, _, _ in tags if name == b"c")
    rows = len(tags) - cells
    if cells != len(_CELL_START.findall(piece)) or rows != len(_ROW_START.findall(piece)):
        raise ValueError(f"a cell or row tag in {part} that cannot be read")
    return tags
