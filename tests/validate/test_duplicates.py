"""The in-file duplicate index: its packed rows hold every type and sheet it accepts, and
a file with more sheets than it can tell apart is refused, not misreported."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.errors import InputError
from pipeline.labels import LABEL_TYPES, LabelSpec
from pipeline.rows import CheckedRow, RawRow
from pipeline.validate.duplicates import MAX_SHEETS, TYPE_BITS, DuplicateIndex, pack, unpack


def test_the_type_bits_hold_every_type() -> None:
    assert len(LABEL_TYPES) <= 1 << TYPE_BITS


@given(
    st.integers(0, 10**12),
    st.integers(0, MAX_SHEETS - 1),
    st.integers(0, len(LABEL_TYPES) - 1),
)
def test_a_packed_row_unpacks_to_itself(row: int, sheet: int, kind: int) -> None:
    assert unpack(pack(row, sheet, kind)) == (row, sheet, kind)


def checked(row: int, sheet: str, name: str, kind: str) -> CheckedRow:
    label = LabelSpec.parse({"name": name, "type": kind})
    return CheckedRow(RawRow(row, sheet, {"name": name}), label, [])


def test_a_repeat_on_another_sheet_names_the_first_row_and_sheet() -> None:
    index = DuplicateIndex("labels.xlsx")
    index.start_sheet("A")
    assert index.check(checked(2, "A", "Tone", "star"), "name").problems == []
    index.start_sheet("B")
    again = index.check(checked(7, "B", "tone", "star"), "name")
    other = index.check(checked(8, "B", "TONE", "text"), "name")
    assert again.label is None
    assert [p.message for p in again.problems] == [
        "duplicate of row 2 of sheet 'A': same name and type"
    ]
    assert other.label is not None
    assert [p.message for p in other.problems] == [
        "same name as row 2 of sheet 'A', which has type star"
    ]


def test_more_sheets_than_the_index_tells_apart_is_an_input_error() -> None:
    index = DuplicateIndex("huge.xlsx")
    for number in range(MAX_SHEETS):
        index.start_sheet(str(number))
    with pytest.raises(InputError, match=r"^huge\.xlsx: more than 65,536 label sheets"):
        index.start_sheet("one too many")
