"""Readers: any supported file in, `RawRow`s out, with the row numbers the user sees.

`open_reader` gives access to the format, each sheet's header and the reader's warnings;
`read_rows` is the plain row stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.read.base import Reader, Sheet
from pipeline.read.detect import (
    FORMATS,
    TEXT_FORMATS,
    WORKBOOK_FORMATS,
    check_readable,
    detect_format,
)
from pipeline.read.excel import WorkbookReader
from pipeline.read.jsonfile import JsonReader
from pipeline.read.text import TextReader
from pipeline.rows import RawRow

__all__ = ["FORMATS", "Reader", "Sheet", "detect_format", "open_reader", "read_rows"]


def open_reader(path: Path, *, sheet: str | None = None) -> Reader:
    """The reader for `path`. Raises InputError when the file is missing, empty or of an
    unsupported type; problems inside the file surface while iterating."""
    path = Path(path)
    check_readable(path)
    file_format = detect_format(path)
    if file_format in TEXT_FORMATS:
        return TextReader(path, sheet, format=file_format)
    if file_format in WORKBOOK_FORMATS:
        return WorkbookReader(path, sheet, format=file_format)
    return JsonReader(path, sheet, format=file_format)


def read_rows(path: Path, *, sheet: str | None = None) -> Iterator[RawRow]:
    """Every data row of every sheet (or of `sheet`), in file order, streamed."""
    return iter(open_reader(path, sheet=sheet))
