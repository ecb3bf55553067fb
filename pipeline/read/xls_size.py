"""How large an old Excel (.xls) workbook's sheets are, found before calamine opens it.

calamine reads every sheet of an .xls as it opens the file, allocating each sheet's used
range whole, and a BIFF cell record gives its row and column in 16 bits each: a 1 KB file
can ask for 65,536 x 65,536 cells, 137 GB, and the failed allocation aborts the process.
So the cell records are read here first.

An .xls is a Compound File (MS-CFB): sectors chained through a table (the FAT), a
directory, and the `Workbook` stream of BIFF records in it. This reads only that: the
chains it follows are bounded by the number of sectors, so a looped chain ends. No
dependency of ours reads compound files (olefile would); a hundred lines do not justify one.
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import InputError
from pipeline.read.sheet_size import UsedRange, check_used_range

_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_END_OF_CHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_STREAMS = ("workbook", "book")
_BOF, _EOF, _BOUNDSHEET, _FILEPASS = 0x0809, 0x000A, 0x0085, 0x002F
# Records whose data starts with the row and column of one cell, and the two that give a
# row, a first column and (in their last two bytes) a last column.
_ONE_CELL = frozenset({0x0006, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E})
_CELL_RUNS = frozenset({0x00BD, 0x00BE})


def check_xls_sheets(path: Path) -> None:
    """Refuse an .xls any of whose sheets calamine could not hold in memory."""
    try:
        with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            for sheet, used in _sheet_ranges(_workbook_stream(data)):
                check_used_range(path, sheet, used)
    except (ValueError, struct.error, IndexError) as error:
        raise InputError(
            f"{path.name}: cannot be read as an Excel or OpenDocument workbook ({error})"
        ) from None


class _Compound:
    """The sectors of a compound file and the chains through them."""

    def __init__(self, data: mmap.mmap) -> None:
        if data[:8] != _SIGNATURE:
            raise ValueError("not an Office compound file")
        self.data = data
        self.size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
        self.mini_size = 1 << struct.unpack_from("<H", data, 0x20)[0]
        self.sectors = max(0, len(data) // self.size - 1)
        self.fat = self._table(self._fat_sectors())

    def sector(self, number: int) -> bytes:
        start = (number + 1) * self.size
        if number >= self.sectors:
            raise ValueError(f"sector {number} lies beyond the end of the file")
        return self.data[start : start + self.size]

    def chain(self, start: int, table: list[int] | None = None) -> Iterator[int]:
        table = self.fat if table is None else table
        for _ in range(len(table) + 1):
            if start in (_END_OF_CHAIN, _FREE):
                return
            yield start
            start = table[start]
        raise ValueError("a looped sector chain")

    def stream(self, start: int) -> bytes:
        return b"".join(self.sector(number) for number in self.chain(start))

    def mini_stream(self, root: bytes, start: int) -> bytes:
        """A small stream, kept in the root entry's stream in sectors of `mini_size`."""
        container = self.stream(struct.unpack_from("<I", root, 116)[0])
        first, count = struct.unpack_from("<II", self.data, 0x3C)
        mini_fat = self._table(list(self.chain(first))[:count])
        size = self.mini_size
        return b"".join(container[n * size : (n + 1) * size] for n in self.chain(start, mini_fat))

    def _fat_sectors(self) -> list[int]:
        """The FAT's own sectors: 109 listed in the header, the rest in a DIFAT chain."""
        count, difat = (
            struct.unpack_from("<I", self.data, 0x2C)[0],
            struct.unpack_from("<I", self.data, 0x44)[0],
        )
        listed = list(struct.unpack_from("<109I", self.data, 0x4C))
        per_sector = self.size // 4 - 1
        for _ in range(self.sectors):
            if difat in (_END_OF_CHAIN, _FREE) or len(listed) >= count:
                break
            entries = struct.unpack(f"<{per_sector + 1}I", self.sector(difat))
            listed += entries[:per_sector]
            difat = entries[per_sector]
        return listed[:count]

    def _table(self, sectors: list[int]) -> list[int]:
        return [
            entry
            for number in sectors
            for entry in struct.unpack(f"<{self.size // 4}I", self.sector(number))
        ]


def _workbook_stream(data: mmap.mmap) -> bytes:
    """The bytes of the Workbook (or, before Excel 97, Book) stream."""
    compound = _Compound(data)
    directory = compound.stream(struct.unpack_from("<I", data, 0x30)[0])
    entries = [directory[at : at + 128] for at in range(0, len(directory) - 127, 128)]
    for entry in entries:
        length = min(struct.unpack_from("<H", entry, 64)[0], 64)
        name = entry[: max(length - 2, 0)].decode("utf-16-le", "replace").casefold()
        if entry[66] == 2 and name in _STREAMS:
            start, size = struct.unpack_from("<II", entry, 116)
            if size < struct.unpack_from("<I", data, 0x38)[0]:
                return compound.mini_stream(entries[0], start)[:size]
            return compound.stream(start)[:size]
    raise ValueError("no Workbook stream")


def _sheet_ranges(stream: bytes) -> Iterator[tuple[str, UsedRange | None]]:
    """Each sheet substream's name and range, from its cell records."""
    substreams = _Substreams()
    offset = 0
    while offset + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, offset)
        if kind == _FILEPASS:
            return  # Encrypted: calamine refuses it, and the cells are not readable here.
        finished = substreams.record(offset, kind, stream[offset + 4 : offset + 4 + length])
        if finished is not None:
            yield finished
        offset += 4 + length


class _Substreams:
    """Which sheet the records being read belong to: each sheet is a substream from a BOF
    record to its EOF (a chart inside it nests another), named by the workbook's BOUNDSHEET
    record for its offset."""

    def __init__(self) -> None:
        self.names: dict[int, str] = {}
        self.sheet: _Cells | None = None
        self.depth = 0

    def record(self, offset: int, kind: int, record: bytes) -> tuple[str, UsedRange | None] | None:
        """The sheet and its range when this record ends one."""
        if kind == _BOUNDSHEET:
            self.names[struct.unpack_from("<I", record)[0]] = _sheet_name(record)
        elif kind == _BOF:
            self.depth += 1
            if self.depth == 1:
                self.sheet = _Cells(self.names.get(offset, f"at byte {offset}"))
        elif kind == _EOF and self.depth:
            self.depth -= 1
            if self.depth == 0 and self.sheet is not None:
                sheet, self.sheet = self.sheet, None
                return sheet.name, sheet.used()
        elif self.sheet is not None:
            self.sheet.record(kind, record)
        return None


def _sheet_name(record: bytes) -> str:
    count, wide = record[6], record[7] & 1
    text = record[8 : 8 + count * (2 if wide else 1)]
    return text.decode("utf-16-le" if wide else "latin-1", "replace")


class _Cells:
    """The range of one sheet's cell records."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.top = self.left = 1 << 62
        self.bottom = self.right = -1
        self.far: tuple[int, int] = (0, 0)

    def record(self, kind: int, record: bytes) -> None:
        if kind in _ONE_CELL:
            row, first = struct.unpack_from("<HH", record)
            self._stretch(row, first, first)
        elif kind in _CELL_RUNS:
            row, first = struct.unpack_from("<HH", record)
            self._stretch(row, first, struct.unpack_from("<H", record, len(record) - 2)[0])

    def _stretch(self, row: int, first: int, last: int) -> None:
        self.top, self.left = min(self.top, row), min(self.left, first)
        if row > self.bottom or last > self.right:
            self.far = (row, last)
        self.bottom, self.right = max(self.bottom, row), max(self.right, last)

    def used(self) -> UsedRange | None:
        if self.bottom < 0:
            return None
        return UsedRange(self.top, self.left, self.bottom, self.right, (self.far,))
