"""Why a CSV record cannot be read, said as the line to fix.

The csv module reports where it gave up, which for a quote left open is the end of the file
or the next quote, lines after the mistake. The line to fix is where that quote opened, so
the record is read again and walked quote by quote with the csv module's own rules
(a quote opens a cell only at its start; `""` inside a quoted cell is a quote).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TextIO

_LINE_ENDS = ("\n", "\r")
_QUOTE = '"'


class LineTooLongError(Exception):
    """A line longer than the readers' bound: `line` is its number."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def bounded_lines(file: TextIO, limit: int) -> Iterator[str]:
    """The file's lines as `for line in file` gives them, refusing one longer than `limit`
    characters: the csv module would hold a whole line in memory however long it is."""
    number = 0
    while line := file.readline(limit + 1):
        number += 1
        if len(line) > limit:
            raise LineTooLongError(number)
        yield line


@dataclass(frozen=True)
class BrokenRecord:
    """A record the csv module refused: the lines it spans and where its open quote is."""

    first_line: int
    last_line: int
    # The line where the quote the reader choked on opens; None when no quote is involved.
    quote_line: int | None

    def message(self, error: str, cell_limit: int) -> str:
        quote, last = self.quote_line, self.last_line
        fix = 'add the closing " where the cell ends (a quote inside a cell is written twice: "")'
        if "end of data" in error and quote is not None:
            return (
                f"line {quote}: a cell opens a quote that is never closed, so every line "
                f"after it would be read into that one cell; {fix}"
            )
        if "expected after" in error and quote is not None and quote < last:
            return (
                f"line {quote}: a cell opens a quote that is not closed on that line; the "
                f"next quote, on line {last}, is followed by more text; {fix}"
            )
        if "expected after" in error:
            return (
                f"line {last}: text follows the closing quote of a cell; put the whole cell "
                'in quotes and write each quote inside it twice ("a ""b"" c")'
            )
        if "field limit" in error:
            opened = f" (the quote opened on line {quote} may never be closed)" if quote else ""
            return (
                f"line {self.first_line}: a cell is longer than {cell_limit // 2**20} MiB"
                f"{opened}; shorten the cell, or close its quote"
            )
        return f"line {self.first_line} cannot be read ({error}); check its quotes"


def broken_record(
    path: Path, encoding: str, delimiter: str, first_line: int, last_line: int
) -> BrokenRecord:
    """Read lines `first_line`..`last_line` again and find the quote that broke them."""
    with path.open(encoding=encoding, errors="replace", newline="") as file:
        lines = list(islice(file, first_line - 1, max(last_line, first_line)))
    text = "".join(lines)
    opening = opening_quote(text, delimiter)
    if opening is None:
        return BrokenRecord(first_line, last_line, None)
    offset = 0
    for line, content in enumerate(lines, start=first_line):
        offset += len(content)
        if offset > opening:
            return BrokenRecord(first_line, last_line, line)
    return BrokenRecord(first_line, last_line, None)


def opening_quote(text: str, delimiter: str) -> int | None:
    """Where the quote that ends the reading opens: one never closed, or one whose closing
    quote is followed by text; else the last quote that opened a cell."""
    opening = None
    index = text.find(_QUOTE)
    while index != -1:
        if index == 0 or text[index - 1] in (delimiter, *_LINE_ENDS):
            opening = index
            close = _closing_quote(text, index + 1)
            if close == -1 or text[close + 1 : close + 2] not in ("", delimiter, *_LINE_ENDS):
                return opening
            index = close
        index = text.find(_QUOTE, index + 1)
    return opening


def _closing_quote(text: str, start: int) -> int:
    """The quote that closes a quoted cell whose content starts at `start`, or -1."""
    index = text.find(_QUOTE, start)
    while index != -1 and text[index + 1 : index + 2] == _QUOTE:
        index = text.find(_QUOTE, index + 2)
    return index
