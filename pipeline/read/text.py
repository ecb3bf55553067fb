"""CSV, TSV and TXT: streamed record by record so memory does not grow with file size."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from pipeline.errors import InputError
from pipeline.read.base import Reader, Sheet, table
from pipeline.read.broken_csv import LineTooLongError, bounded_lines, broken_record
from pipeline.read.detect import reject_binary

# Python's default (128 KiB) rejects long descriptions; this still bounds a runaway cell.
# It is well above what one label may send, so a long cell is that row's problem.
MAX_CELL = 16 * 1024 * 1024
csv.field_size_limit(MAX_CELL)
# The csv module holds a whole line however long it is; no label sheet has one this long.
MAX_LINE = 4 * MAX_CELL

DELIMITERS = (",", ";", "\t", "|")
_SCAN_CHUNK = 1 << 18
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def sniff_encoding(path: Path) -> tuple[str, bool]:
    """(encoding, fell back): a BOM decides; else UTF-8 if the whole file decodes; else
    cp1252, the legacy encoding Excel on Windows writes."""
    with path.open("rb") as file:
        head = file.read(8192)
        for bom, encoding in _BOMS:
            if head.startswith(bom):
                return encoding, False
        reject_binary(path, head)
        file.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := file.read(_SCAN_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252", True
    return "utf-8", False


def sniff_delimiter(sample: str) -> str:
    """The delimiter used most in the first non-blank line (the header)."""
    line = next((line for line in sample.splitlines() if line.strip()), "")
    counts = {delimiter: line.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


@dataclass
class TextReader(Reader):
    def _sheets(self) -> Iterator[Sheet]:
        if self.sheet is not None:
            raise InputError(f"{self.path.name}: --sheet applies only to workbooks")
        encoding, fell_back = sniff_encoding(self.path)
        if fell_back:
            self.warn(
                "the file is not UTF-8; read it as Windows-1252 (cp1252)",
                "check accented characters, or save the file as 'CSV UTF-8'",
            )
        with self.path.open(encoding=encoding, errors="replace", newline="") as file:
            delimiter = "\t" if self.format == "tsv" else sniff_delimiter(file.read(65536))
            file.seek(0)
            sheet = table(self, self._records(file, delimiter), None)
            if sheet is not None:
                yield sheet

    def _records(self, file: TextIO, delimiter: str) -> Iterator[tuple[int, list[str]]]:
        # strict: a quote left open must not swallow the rest of the file into one cell
        # unnoticed; the lax default reads on to the end and reports nothing.
        reader = csv.reader(bounded_lines(file, MAX_LINE), delimiter=delimiter, strict=True)
        last_line = 0
        try:
            for number, record in enumerate(reader, start=1):
                yield number, record
                last_line = reader.line_num
        except LineTooLongError as error:
            raise InputError(
                f"{self.path.name}: line {error.line} is longer than {MAX_LINE // 2**20} MiB; "
                "this is not a label sheet, or its line breaks are lost"
            ) from None
        except csv.Error as error:
            broken = broken_record(
                self.path, file.encoding, delimiter, last_line + 1, reader.line_num
            )
            raise InputError(f"{self.path.name}: {broken.message(str(error), MAX_CELL)}") from None
