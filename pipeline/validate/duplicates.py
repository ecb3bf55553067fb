"""Labels given twice in one file: the server would reject the second of the same name and
type, and a name used again with another type is allowed but probably a mistake.

Only the first row of each name is kept, packed into one int (row, sheet, type), so a
million-row file costs one small int per distinct name, not a row object.
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.errors import InputError
from pipeline.labels import LABEL_TYPES
from pipeline.rows import CheckedRow, Problem

# The bits of a packed row below the row number, the widest part; Python ints do not
# overflow, so the row number needs no limit.
TYPE_BITS = max(1, (len(LABEL_TYPES) - 1).bit_length())
SHEET_BITS = 16
MAX_SHEETS = 1 << SHEET_BITS
_TYPE_MASK = (1 << TYPE_BITS) - 1
_KIND_INDEX = {kind: index for index, kind in enumerate(LABEL_TYPES)}


def pack(row: int, sheet_index: int, kind_index: int) -> int:
    return (row << SHEET_BITS | sheet_index) << TYPE_BITS | kind_index


def unpack(packed: int) -> tuple[int, int, int]:
    return (
        packed >> (SHEET_BITS + TYPE_BITS),
        (packed >> TYPE_BITS) & (MAX_SHEETS - 1),
        (packed & _TYPE_MASK),
    )


class DuplicateIndex:
    """The first valid row of each name seen so far in one file, across its sheets."""

    def __init__(self, file_name: str) -> None:
        self._file_name = file_name
        self._sheets: list[str | None] = []
        # name key -> packed first row; a second dict only for names that recur with
        # another type.
        self._first: dict[str, int] = {}
        self._other_types: dict[tuple[str, int], int] = {}

    def start_sheet(self, sheet: str | None) -> None:
        """The rows checked next are on this sheet."""
        if len(self._sheets) == MAX_SHEETS:
            raise InputError(
                f"{self._file_name}: more than {MAX_SHEETS:,} label sheets; "
                "split it into several files"
            )
        self._sheets.append(sheet)

    def check(self, checked: CheckedRow, name_column: str) -> CheckedRow:
        """The row as it was, or with the problem of being a repeat of an earlier one."""
        label = checked.label
        assert label is not None
        # The name is already trimmed; key() would trim it again on every row.
        key = f"{label.project or ''}\x00{label.name.casefold()}"
        kind_index = _KIND_INDEX[label.type]
        first = self._first.get(key)
        if first is None:
            self._first[key] = pack(checked.raw.row, len(self._sheets) - 1, kind_index)
            return checked
        if first & _TYPE_MASK != kind_index:
            earlier = self._other_types.get((key, kind_index))
            if earlier is None:
                here = pack(checked.raw.row, len(self._sheets) - 1, kind_index)
                self._other_types[key, kind_index] = here
                return self._repeat(checked, name_column, first, warning=True)
            first = earlier
        return self._repeat(checked, name_column, first, warning=False)

    def _repeat(
        self, checked: CheckedRow, name_column: str, first: int, *, warning: bool
    ) -> CheckedRow:
        row, sheet_index, kind_index = unpack(first)
        sheet = self._sheets[sheet_index]
        where = f"row {row}" + (f" of sheet {sheet!r}" if sheet != checked.raw.sheet else "")
        if warning:
            message = f"same name as {where}, which has type {LABEL_TYPES[kind_index]}"
            hint = "the server allows it, but the documentation says names are unique; rename one"
        else:
            message = f"duplicate of {where}: same name and type"
            hint = "delete this row or rename the label; the server would reject it"
        raw = checked.raw
        found = Problem(
            raw.row,
            raw.sheet,
            name_column,
            raw.cells.get(name_column),
            message,
            hint,
            "warning" if warning else "error",
        )
        label = checked.label if warning else None
        return replace(checked, label=label, problems=[*checked.problems, found])
