"""Sheet names a workbook can hold, for sheets named by another program.

An ODS file or a JSON export may name a sheet `Q1/Q2 labels`, `[x]`, `History` or
something longer than Excel's 31 characters; XLSX refuses all of these, and names that
differ only in case or after the 31st character. The failed-rows workbook gets a name
that XLSX takes for each, distinct from the others, and says which names it changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_LENGTH = 31  # in UTF-16 code units, as Excel counts
DEFAULT = "Sheet1"
# Excel's forbidden characters, and control characters, which XML cannot carry.
_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
_RESERVED = "history"  # Excel keeps it for its change-tracking sheet


def _fit(name: str, length: int) -> str:
    """`name` cut to `length` UTF-16 units, never inside a character."""
    units = name.encode("utf-16-le", "surrogatepass")[: 2 * length]
    return units.decode("utf-16-le", "ignore")


def _allowed(name: str | None) -> str:
    text = _FORBIDDEN.sub("_", name or "")
    # An apostrophe may not open or close a name (Excel quotes names with it).
    if text.startswith("'"):
        text = "_" + text[1:]
    if text.endswith("'"):
        text = text[:-1] + "_"
    text = _fit(text, MAX_LENGTH)
    if not text:
        return DEFAULT
    return f"{text}_" if text.lower() == _RESERVED else text


def workbook_sheet_names(names: Iterable[str | None]) -> dict[str | None, str]:
    """Each name → a valid XLSX sheet name, unique without regard to case; a name that
    is already valid and free is kept as it is."""
    taken: set[str] = set()
    chosen: dict[str | None, str] = {}
    for name in names:
        base = _allowed(name)
        candidate, number = base, 1
        while candidate.lower() in taken:
            number += 1
            tail = f" ({number})"
            candidate = _fit(base, MAX_LENGTH - len(tail)) + tail
        taken.add(candidate.lower())
        chosen[name] = candidate
    return chosen
