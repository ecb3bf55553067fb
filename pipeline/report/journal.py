"""The journal: one JSON line per finished row, flushed as the row finishes.

It is what makes a killed run resumable. A line is written only after the server has
answered for that row, so after SIGKILL the journal holds every row whose outcome we
know; a half-written last line is ignored on reading. It holds row numbers, payload
fingerprints, statuses and label ids: never keys, never cell values.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import TracebackType
from typing import IO

from pipeline.rows import JournalEntry


def journal_path(report: Path) -> Path:
    return report.with_name(f"{report.stem}.journal.jsonl")


def read_journal(path: Path) -> dict[tuple[str | None, int], JournalEntry]:
    """The last entry per (sheet, row); missing file → empty; torn lines skipped."""
    entries: dict[tuple[str | None, int], JournalEntry] = {}
    if not path.exists():
        return entries
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                data = json.loads(line)
                entry = JournalEntry(
                    row=int(data["row"]),
                    sheet=data.get("sheet"),
                    fingerprint=str(data["fingerprint"]),
                    status=str(data["status"]),
                    label_id=data.get("label_id"),
                )
            except (ValueError, KeyError, TypeError):
                continue
            entries[(entry.sheet, entry.row)] = entry
    return entries


def _ends_mid_line(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    with path.open("rb") as handle:
        handle.seek(-1, 2)
        return handle.read(1) != b"\n"


class Journal:
    """Appends entries; `fresh=True` starts a new journal, otherwise continues one."""

    def __init__(self, path: Path, *, fresh: bool) -> None:
        self.path = path
        self._fresh = fresh
        self._handle: IO[str] | None = None

    def __enter__(self) -> Journal:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        torn = not self._fresh and _ends_mid_line(self.path)
        self._handle = self.path.open("w" if self._fresh else "a", encoding="utf-8")
        if torn:
            # A kill mid-write left half a line; end it so our first entry stays readable.
            self._handle.write("\n")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def record(self, entry: JournalEntry) -> None:
        if self._handle is None:
            raise RuntimeError("Journal used outside its with block")
        line = json.dumps(
            {
                "row": entry.row,
                "sheet": entry.sheet,
                "fingerprint": entry.fingerprint,
                "status": entry.status,
                "label_id": entry.label_id,
            },
            ensure_ascii=False,
        )
        self._handle.write(line + "\n")
        # Flushed per row: after a SIGKILL the OS still holds what was flushed.
        self._handle.flush()
