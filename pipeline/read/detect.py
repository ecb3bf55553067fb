"""What a file is: its format from its name or, for a download, from its first bytes; whether
it can be read at all, and whether a text file's first bytes say it is something else.
`inputs` picks the reader from the format."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from pipeline.errors import InputError

FORMATS = ("csv", "tsv", "txt", "xlsx", "xlsm", "xls", "ods", "json", "jsonl")
TEXT_FORMATS = frozenset({"csv", "tsv", "txt"})
WORKBOOK_FORMATS = frozenset({"xlsx", "xlsm", "xls", "ods"})
# JSON and other tools' exports are parsed whole; a label file is far smaller than this.
MAX_WHOLE_FILE = 256 * 2**20

_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
# Magic numbers of files people rename by mistake, so we can say what the file really is.
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"),
    (b"GIF8", "a GIF image"),
    (_ZIP, "a zip archive (an .xlsx or .ods workbook?)"),
    (_OLE, "an old Excel (.xls) or Office document"),
)


def detect_format(path: Path) -> str:
    """The input format from the file name: one of FORMATS. Raises InputError otherwise."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise InputError(
            f"{path.name}: unsupported file type {path.suffix or '(none)'!r}; "
            f"use one of: {', '.join(FORMATS)}"
        )
    return suffix


# The families of bytes a format's file is made of: a declared format whose bytes are of
# another family is wrong (a CSV served as application/vnd.ms-excel), and the bytes win.
_FAMILY = {"xlsx": "zip", "xlsm": "zip", "ods": "zip", "xls": "ole"}
_ODS_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"


def sniff_format(head: bytes) -> str:
    """The format a file's first bytes say it is: one of FORMATS, `xml` (another tool's
    config) or `html` (a web page, never a spreadsheet). Text that is none of them is CSV,
    whose reader finds the delimiter itself."""
    if head.startswith(_ZIP):
        # An OpenDocument file stores its type uncompressed as the zip's first member.
        return "ods" if _ODS_MIMETYPE in head[:128] else "xlsx"
    if head.startswith(_OLE):
        return "xls"
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    lowered = text[:16].lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "html"
    if text.startswith(b"<"):
        return "xml"
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        return _json_or_lines(text)
    return "csv"


def _json_or_lines(text: bytes) -> str:
    """JSON Lines when the first line is a whole object and more lines follow."""
    first, _, rest = text.partition(b"\n")
    if not rest.strip():
        return "json"
    try:
        return "jsonl" if isinstance(json.loads(first), dict) else "json"
    except ValueError:
        return "json"


def bytes_agree(file_format: str, head: bytes) -> bool:
    """Whether `head` is of the family of bytes `file_format` is made of (zip, OLE, text)."""
    family = "zip" if head.startswith(_ZIP) else "ole" if head.startswith(_OLE) else "text"
    return _FAMILY.get(file_format, "text") == family


def check_readable(path: Path) -> None:
    """Refuse, as one line, a file that cannot be read: missing, not permitted, empty, or
    not a regular file (a directory, or a pipe or device, whose reading could block or
    never end)."""
    try:
        _check_regular(path, os.stat(path))
        # Non-blocking, so a pipe put in the file's place since the stat cannot hang us.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except PermissionError:
        raise InputError(f"cannot read {path}: permission denied") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        info = os.fstat(descriptor)
    finally:
        os.close(descriptor)
    _check_regular(path, info)
    if info.st_size == 0:
        raise InputError(f"{path.name}: the file is empty")


def _check_regular(path: Path, info: os.stat_result) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path}: not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            f"{path}: not a file (a pipe, socket or device); give the spreadsheet file itself"
        )


def check_whole_file_size(path: Path) -> None:
    """For the readers that hold a whole file in memory (JSON, exports): refuse one beyond
    `MAX_WHOLE_FILE` before reading it."""
    size = path.stat().st_size
    if size > MAX_WHOLE_FILE:
        raise InputError(
            f"{path.name}: {size / 2**20:,.0f} MiB is more than the {MAX_WHOLE_FILE // 2**20} MiB "
            "a JSON file may have (it is read whole); split it, or save it as CSV"
        )


def reject_binary(path: Path, head: bytes) -> None:
    """A text format whose first bytes say it is something else, or binary junk."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise InputError(f"{path.name}: this is {what}, not a {path.suffix} text file")
    if b"\x00" in head:
        raise InputError(f"{path.name}: contains binary data (NUL bytes); not a text spreadsheet")
