"""An .xls whose cell records ask calamine for more than it can hold is refused first.

No library of ours writes .xls, so the files are made here: the least of a compound file
(MS-CFB) around the least of a BIFF8 workbook that calamine reads.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.read import read_rows

END, FREE = 0xFFFFFFFE, 0xFFFFFFFF
Cell = tuple[int, int, str]


def record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def biff(cells: list[Cell]) -> bytes:
    """A workbook of one sheet, `Labels`, of text cells (LABEL records)."""
    bof = struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6)
    name = "Labels".encode("utf-16-le")
    head = record(0x0809, bof) + record(0x0042, struct.pack("<H", 1200))
    sheet_at = len(head) + 4 + 8 + len(name) + 4
    head += record(0x0085, struct.pack("<IBBBB", sheet_at, 0, 0, 6, 1) + name) + record(0x000A)
    sheet = record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6))
    for row, column, text in cells:
        data = text.encode("utf-16-le")
        sheet += record(0x0204, struct.pack("<HHHHB", row, column, 0, len(text), 1) + data)
    return head + sheet + record(0x000A)


def entry(name: str, kind: int, start: int, size: int, child: int = FREE) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    fields = struct.pack("<HBBIII", len(encoded), kind, 1, FREE, FREE, child)
    return (encoded.ljust(64, b"\0") + fields + bytes(36) + struct.pack("<II", start, size)).ljust(
        128, b"\0"
    )


def compound(stream: bytes, *, mini: bool) -> bytes:
    """Sector 0 the FAT, 1 the directory, then the stream (or the mini FAT and the root's
    stream holding it in 64-byte mini sectors)."""
    padded = stream + bytes(-len(stream) % (64 if mini else 512))
    if not mini:
        padded += bytes(max(0, 4096 - len(padded)))
    body = padded + bytes(-len(padded) % 512)
    first = 3 if mini else 2
    count = len(body) // 512
    fat = [0xFFFFFFFD, END] + ([END] if mini else [])
    fat += [first + i + 1 for i in range(count - 1)] + [END]
    minis = len(padded) // 64
    mini_fat = [i + 1 for i in range(minis - 1)] + [END]
    root = entry("Root Entry", 5, first if mini else END, len(padded) if mini else 0, child=1)
    # A stream under 4,096 bytes lives in the mini stream; Excel pads a Workbook to that.
    book = entry("Workbook", 2, 0 if mini else first, len(stream) if mini else len(padded))
    header = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16)
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
    header += struct.pack(
        "<IIIIIIIII", 0, 1, 1, 0, 4096, 2 if mini else END, 1 if mini else 0, END, 0
    )
    header += struct.pack("<109I", 0, *[FREE] * 108)
    sectors = struct.pack("<128I", *fat, *[FREE] * (128 - len(fat)))
    sectors += (root + book).ljust(512, b"\0")
    if mini:
        sectors += struct.pack("<128I", *mini_fat, *[FREE] * (128 - len(mini_fat)))
    return header + sectors + body


LABELS = [(0, 0, "name"), (0, 1, "type"), (1, 0, "Tone"), (1, 1, "text")]


def write_xls(path: Path, cells: list[Cell], *, mini: bool = False) -> Path:
    path.write_bytes(compound(biff(cells), mini=mini))
    return path


@pytest.mark.parametrize("mini", [False, True])
def test_a_workbook_within_the_bound_reads(tmp_path: Path, mini: bool) -> None:
    path = write_xls(tmp_path / "labels.xls", LABELS, mini=mini)
    assert [row.cells for row in read_rows(path)] == [{"name": "Tone", "type": "text"}]


@pytest.mark.parametrize("mini", [False, True])
def test_a_cell_record_far_out_is_refused_before_calamine_opens_the_file(
    tmp_path: Path, mini: bool
) -> None:
    path = write_xls(tmp_path / "far.xls", [*LABELS, (65535, 65535, "x")], mini=mini)
    with pytest.raises(InputError) as error:
        list(read_rows(path))
    assert str(error.value) == (
        "far.xls, sheet 'Labels': a cell lies beyond Excel's last row 1,048,576 or column XFD "
        "(at CRXP65536); this file was not saved by a spreadsheet program: save it again from one"
    )


def test_a_looped_sector_chain_is_refused(tmp_path: Path) -> None:
    data = bytearray(compound(biff(LABELS), mini=False))
    # The directory's sector (1) points at itself in the FAT.
    struct.pack_into("<I", data, 512 + 4, 1)
    path = tmp_path / "loop.xls"
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="a looped sector chain"):
        list(read_rows(path))
