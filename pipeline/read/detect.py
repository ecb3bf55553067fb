"""What a file is: its format from its name, whether it can be read at all, and whether a
text file's first bytes say it is something else. `inputs` picks the reader from the format."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import InputError

FORMATS = ("csv", "tsv", "txt", "xlsx", "xlsm", "xls", "ods", "json", "jsonl")
TEXT_FORMATS = frozenset({"csv", "tsv", "txt"})
WORKBOOK_FORMATS = frozenset({"xlsx", "xlsm", "xls", "ods"})

# Magic numbers of files people rename by mistake, so we can say what the file really is.
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a zip archive (an .xlsx or .ods workbook?)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) or Office document"),
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


def check_readable(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a file")
    if path.stat().st_size == 0:
        raise InputError(f"{path.name}: the file is empty")


def reject_binary(path: Path, head: bytes) -> None:
    """A text format whose first bytes say it is something else, or binary junk."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise InputError(f"{path.name}: this is {what}, not a {path.suffix} text file")
    if b"\x00" in head:
        raise InputError(f"{path.name}: contains binary data (NUL bytes); not a text spreadsheet")
