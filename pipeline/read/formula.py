"""Formula injection: cells we write are made inert, and read back as they were.

Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` as a formula, so a
label name from an untrusted export could run code when a report is opened. Every text
cell we write to CSV or XLSX that could be read as a formula gets a leading `'`.

The failed-rows file must come back to `run` with the user's values untouched, so the
readers undo exactly that: a cell is restored only when it is what `neutralise` makes of
something, so `restore(neutralise(x)) == x` for every x.
"""

from __future__ import annotations

import re

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The first characters of a cell that may need a quote: any other cell is safe as it is,
# which a writer can see at a glance.
FORMULA_FIRST = frozenset(_FORMULA_START)
# A plain number such as -5 or +3.5 is not a formula; quoting it would change the value.
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def _needs_quote(value: str) -> bool:
    return value.startswith(_FORMULA_START) and not _NUMBER.match(value)


def neutralise(value: str) -> str:
    """Make a cell safe to open in a spreadsheet program."""
    return "'" + value if _needs_quote(value) else value


def restore(value: str) -> str:
    """The cell as it was before `neutralise`; any other cell is returned as it is."""
    if value.startswith("'") and _needs_quote(value[1:]):
        return value[1:]
    return value
