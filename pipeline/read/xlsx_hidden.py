"""Cells of an .xlsx/.xlsm that calamine reads as blank but are not: Excel errors
(#DIV/0!, #N/A, ...) and formulas saved without a result (files written by programs
that do not calculate, such as openpyxl).

python-calamine gives "" for both (python-calamine issue #105), so a bad cell would
silently become a default. We find them in the sheet XML ourselves: this is the one
part of reading a workbook that is hand-written, and it only looks at formula and
error cells; every value is still read by calamine.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from pipeline.read.xlsx_parts import CHUNK, column_index, cut_before, sheet_parts, tag_chunks

# A cell element with its reference, attributes and content (or self-closed). The content
# stops at the next cell tag and is matched possessively, so a cell that is not closed
# where expected (or closed as `</c >`, which is legal) costs its own length, never the
# rest of the file: the scan is linear.
_CELL = re.compile(
    rb'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>((?>[^<]+|<(?!/?c[\s>/]))*+)</c\s*>)', re.S
)
_CELL_START = b'<c r="'
_FORMULA = re.compile(rb"<f[ >/]")
_VALUE = re.compile(rb"<v>(.*?)</v>", re.S)
_FORMULA_TEXT = re.compile(rb"<f[^>]*>(.*?)</f>", re.S)
# A cell longer than this is scanned in pieces (and may be missed): no real cell is.
_LONGEST_CELL = 64 * CHUNK

# (row number, 0-based column index) -> what the cell really holds, e.g. "#DIV/0!".
Hidden = dict[tuple[int, int], str]


def _mentions_formula_or_error(archive: zipfile.ZipFile, part: str) -> bool:
    """A cheap streamed test, so files without formulas cost one decompression pass."""
    return any(b"<f" in piece or b't="e"' in piece for piece in tag_chunks(archive, part))


def _whole_cells(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The part in pieces that each end where a cell starts, so no cell is split."""
    return cut_before(tag_chunks(archive, part), _CELL_START, _LONGEST_CELL)


def _hidden_in(pieces: Iterator[bytes]) -> Hidden:
    found: Hidden = {}
    for xml in pieces:
        for column, row, attributes, content in _CELL.findall(xml):
            text = _hidden_text(attributes, content)
            if text is not None:
                found[int(row), column_index(column.decode())] = text
    return found


def _hidden_text(attributes: bytes, content: bytes) -> str | None:
    """What an error cell or a formula without a saved value holds; None for other cells."""
    value = _VALUE.search(content)
    if b't="e"' in attributes:
        return (value.group(1) if value else b"#VALUE!").decode("utf-8", "replace")
    if _FORMULA.search(content) and value is None:
        formula = _FORMULA_TEXT.search(content)
        text = formula.group(1) if formula else b""
        return "=" + html.unescape(text.decode("utf-8", "replace"))
    return None


def hidden_cells(path: Path) -> dict[str, Hidden]:
    """For each sheet with any, its error cells and formulas without a saved value."""
    try:
        with zipfile.ZipFile(path) as archive:
            result = {}
            names = set(archive.namelist())
            for name, part in sheet_parts(archive).items():
                if part in names and _mentions_formula_or_error(archive, part):
                    hidden = _hidden_in(_whole_cells(archive, part))
                    if hidden:
                        result[name] = hidden
            return result
    except (zipfile.BadZipFile, KeyError, OSError, SyntaxError):
        # Not a well-formed package: calamine has already said so, or reads it anyway.
        return {}
