"""How large an OpenDocument spreadsheet's tables are, found before calamine opens it.

calamine reads every table of an .ods when the file is opened, allocating each table's
used range whole (it refuses only ranges over 100 million cells, 3.2 GB). Repeated rows
and cells (`table:number-rows-repeated`, `table:number-columns-repeated`) let a file of a
few hundred bytes ask for that much, so content.xml is walked here first, tag by tag, and
each table's range is bounded as `sheet_size` bounds an .xlsx sheet. As calamine does, it
reads the `table:` names literally, and an empty cell (no value type, no content) does not
stretch the range, however often it repeats.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import InputError
from pipeline.read.sheet_size import UsedRange, check_used_range
from pipeline.read.xlsx_parts import tag_chunks

_ATTRS = rb"""((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*"""
_TAG = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)" + _ATTRS + rb"(/?)>"
)
_ATTRIBUTE = re.compile(rb"""([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_STARTS = re.compile(rb"<table:(?:table-row|table-cell|covered-table-cell)[\s/>]")


@dataclass
class _Table:
    """One table being walked: where the next row and cell go, and the range so far."""

    name: str
    row: int = 0
    column: int = 0
    repeat: int = 1
    top: int = 1 << 62
    left: int = 1 << 62
    bottom: int = -1
    right: int = -1
    far: list[tuple[int, int]] = field(default_factory=list)

    def cell(self, attributes: dict[bytes, bytes], has_content: bool) -> None:
        columns = _count(attributes, b"table:number-columns-repeated")
        if has_content or b"office:value-type" in attributes:
            last_row, last_column = self.row + self.repeat - 1, self.column + columns - 1
            self.top, self.left = min(self.top, self.row), min(self.left, self.column)
            if last_row > self.bottom or last_column > self.right:
                self.far.append((last_row, last_column))
            self.bottom, self.right = max(self.bottom, last_row), max(self.right, last_column)
        self.column += columns

    def used(self) -> UsedRange | None:
        if self.bottom < 0:
            return None
        far = [cell for cell in self.far if cell[0] == self.bottom or cell[1] == self.right]
        return UsedRange(self.top, self.left, self.bottom, self.right, tuple(far[-2:]))


def check_ods_tables(path: Path) -> None:
    """Refuse a spreadsheet any of whose tables calamine could not hold in memory."""
    try:
        with zipfile.ZipFile(path) as archive:
            for name, used in _walk(archive):
                check_used_range(path, name, used)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise InputError(
            f"{path.name}: cannot be read as an Excel or OpenDocument workbook ({error}); "
            "open it in LibreOffice and save it again"
        ) from None


def _walk(archive: zipfile.ZipFile) -> list[tuple[str, UsedRange | None]]:
    tables: list[tuple[str, UsedRange | None]] = []
    table: _Table | None = None
    for piece in tag_chunks(archive, "content.xml"):
        tags = _TAG.findall(piece)
        opened = sum(1 for closing, name, _, _ in tags if not closing and name != b"table")
        if opened != len(_STARTS.findall(piece)):
            raise ValueError("a table row or cell tag that cannot be read")
        for closing, name, attributes, self_closed in tags:
            if name == b"table":
                table = _table_tag(table, closing, attributes, tables)
            elif table is not None:
                _row_or_cell(table, closing, name, _attributes(attributes), self_closed)
    return tables


def _table_tag(
    table: _Table | None,
    closing: bytes,
    attributes: bytes,
    tables: list[tuple[str, UsedRange | None]],
) -> _Table | None:
    if closing and table is not None:
        tables.append((table.name, table.used()))
        return None
    if closing or table is not None:
        raise ValueError("a table inside a table")
    name = _attributes(attributes).get(b"table:name", b"")
    return _Table(name.decode("utf-8", "replace"))


def _row_or_cell(
    table: _Table, closing: bytes, name: bytes, attributes: dict[bytes, bytes], self_closed: bytes
) -> None:
    if name != b"table-row":
        if not closing:
            table.cell(attributes, not self_closed)
        return
    if not closing:
        table.repeat, table.column = _count(attributes, b"table:number-rows-repeated"), 0
    if closing or self_closed:
        table.row += table.repeat
        table.repeat = 1


def _attributes(text: bytes) -> dict[bytes, bytes]:
    """A tag's attributes; one given twice (which XML forbids) refuses the file, as which
    of the two calamine takes is not ours to guess."""
    found = [(m[1], m[2] if m[2] is not None else m[3]) for m in _ATTRIBUTE.finditer(text)]
    attributes = dict(found)
    if len(attributes) != len(found):
        raise ValueError("an attribute given twice in one tag")
    return attributes


def _count(attributes: dict[bytes, bytes], key: bytes) -> int:
    value = attributes.get(key, b"1")
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{key.decode()}={value.decode(errors='replace')!r}")
    return int(value)
