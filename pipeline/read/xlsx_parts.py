"""What the readers look up in an .xlsx/.xlsm package themselves, beside calamine: which
XML part holds each sheet, that part's bytes in bounded chunks, and A1 references."""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterable, Iterator

from defusedxml.ElementTree import fromstring

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CHUNK = 1 << 20
# A tag longer than this is split like text; no cell or row tag is near it.
_LONGEST_TAG = 16 * CHUNK


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
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


def tag_chunks(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The part's bytes in pieces of about CHUNK that never split a tag: each piece ends
    before the last `<` read so far (XML allows no `<` inside a tag)."""
    with archive.open(part) as stream:
        yield from cut_before(iter(lambda: stream.read(CHUNK), b""), b"<", _LONGEST_TAG)


def cut_before(pieces: Iterable[bytes], marker: bytes, longest: int) -> Iterator[bytes]:
    """`pieces` joined and cut again so that each new piece ends just before the last
    `marker` in it, keeping whole what starts there; a run longer than `longest` with
    no marker to cut at is cut where it ends (text alone, or a tag too long to matter)."""
    tail = b""
    for piece in pieces:
        buffer = tail + piece
        cut = buffer.rfind(marker)
        if cut == 0 and len(buffer) < longest:
            tail = buffer
            continue
        if cut <= 0:
            cut = len(buffer)
        yield buffer[:cut]
        tail = buffer[cut:]
    if tail:
        yield tail


def column_index(letters: str) -> int:
    """0-based index of a column named by its letters (A = 0; lower case allowed)."""
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def column_letters(index: int) -> str:
    """The letters of a 0-based column index (0 = A, 16383 = XFD)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
