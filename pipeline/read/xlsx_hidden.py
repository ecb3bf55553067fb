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
import posixpath
import re
import zipfile
from pathlib import Path

from defusedxml.ElementTree import fromstring

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# A cell element with its reference, attributes and content (or self-closed).
_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_FORMULA = re.compile(rb"<f[ >/]")
_VALUE = re.compile(rb"<v>(.*?)</v>", re.S)
_FORMULA_TEXT = re.compile(rb"<f[^>]*>(.*?)</f>", re.S)
_CHUNK = 1 << 20

# (row number, 0-based column index) -> what the cell really holds, e.g. "#DIV/0!".
Hidden = dict[tuple[int, int], str]


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part inside the archive."""
    workbook = fromstring(archive.read("xl/workbook.xml"))
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        parts[sheet.get("name", "")] = posixpath.normpath(path)
    return parts


def _mentions_formula_or_error(archive: zipfile.ZipFile, part: str) -> bool:
    """A cheap streamed test, so files without formulas cost one decompression pass."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if b"<f" in window or b't="e"' in window:
                return True
            tail = window[-8:]
    return False


def _hidden_in(xml: bytes) -> Hidden:
    found: Hidden = {}
    for column, row, attributes, content in _CELL.findall(xml):
        content = content or b""
        value = _VALUE.search(content)
        if b't="e"' in attributes:
            text = value.group(1) if value else b"#VALUE!"
            found[int(row), _column_index(column)] = text.decode("utf-8", "replace")
        elif _FORMULA.search(content) and value is None:
            formula = _FORMULA_TEXT.search(content)
            text = formula.group(1) if formula else b""
            found[int(row), _column_index(column)] = "=" + html.unescape(
                text.decode("utf-8", "replace")
            )
    return found


def hidden_cells(path: Path) -> dict[str, Hidden]:
    """For each sheet with any, its error cells and formulas without a saved value."""
    try:
        with zipfile.ZipFile(path) as archive:
            result = {}
            for name, part in _sheet_parts(archive).items():
                if part in archive.namelist() and _mentions_formula_or_error(archive, part):
                    hidden = _hidden_in(archive.read(part))
                    if hidden:
                        result[name] = hidden
            return result
    except (zipfile.BadZipFile, KeyError, OSError, SyntaxError):
        # Not a well-formed package: calamine has already said so, or reads it anyway.
        return {}
