"""The journal: one JSON line as a row's request goes out, one as the row finishes.

It is what makes a killed run resumable. Before a row's create or update request is
sent, an intent line (status `creating` or `updating`, the payload's fingerprint); once
the server has answered for that row (or it was settled without a request), its outcome
line. So after SIGKILL the journal holds every row whose outcome we know, and names
every row whose request may have reached the server without its answer coming back:
`--resume` looks those labels up instead of counting them `existing`. The last line per
row is what counts; a half-written last line is ignored on reading. Every line is in the
kernel's hands as soon as `record` returns (not yet on the disk: a power cut may lose
the last ones). It holds row numbers, payload fingerprints, statuses and label ids: never
keys, never cell values.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import TracebackType

from pipeline.rows import JournalEntry

# The JSON string encoder `json.dumps(ensure_ascii=True)` itself uses (the C one).
_ascii_string = json.encoder.encode_basestring_ascii


def journal_path(report: Path) -> Path:
    return report.with_name(f"{report.stem}.journal.jsonl")


def read_journal(path: Path) -> dict[tuple[str | None, int], JournalEntry]:
    """The last entry per (sheet, row); missing file → empty; torn lines skipped.

    Read as bytes, line by line: a full disk or a kill may cut the last line inside a
    UTF-8 character, and that line alone is lost, not the journal.
    """
    entries: dict[tuple[str | None, int], JournalEntry] = {}
    if not path.exists():
        return entries
    with path.open("rb") as handle:
        for line in handle:
            entry = _entry(line)
            if entry is not None:
                entries[(entry.sheet, entry.row)] = entry
    return entries


def _entry(line: bytes) -> JournalEntry | None:
    try:
        data = json.loads(line)
        return JournalEntry(
            row=int(data["row"]),
            sheet=data.get("sheet"),
            fingerprint=str(data["fingerprint"]),
            status=str(data["status"]),
            label_id=data.get("label_id"),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        # UnicodeDecodeError is a ValueError; a line holding a JSON list or number has
        # no .get (AttributeError).
        return None


def _text(value: str | None) -> str:
    return "null" if value is None else _ascii_string(value)


def _line(entry: JournalEntry) -> bytes:
    """The entry as one JSON line, byte for byte what `json.dumps(..., ensure_ascii=True)`
    writes, built without a dict and the encoder's generic walk: two lines per row sent,
    on the hot path. ASCII (non-ASCII escaped): any sheet name, even one holding a lone
    surrogate, round-trips, and no line can end inside a character."""
    return (
        f'{{"row": {int(entry.row)}, "sheet": {_text(entry.sheet)}, '
        f'"fingerprint": {_ascii_string(entry.fingerprint)}, '
        f'"status": {_ascii_string(entry.status)}, "label_id": {_text(entry.label_id)}}}\n'
    ).encode("ascii")


def _ends_mid_line(fd: int) -> bool:
    size = os.fstat(fd).st_size
    return size > 0 and os.pread(fd, 1, size - 1) != b"\n"


class Journal:
    """Appends entries; `fresh=True` starts a new journal, otherwise continues one.

    Opened without following a symlink (a link at the journal's place is refused, never
    truncated through), and written with one unbuffered write per entry: nothing waits
    in a buffer for a kill to lose, and a write that fails (a full disk) raises at once
    for the caller to stop the run. After a failure nothing more is written, so a torn
    line is never glued to the next entry.
    """

    def __init__(self, path: Path, *, fresh: bool) -> None:
        self.path = path
        self._fresh = fresh
        self._fd: int | None = None
        self._failed: OSError | None = None

    def __enter__(self) -> Journal:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW
        self._fd = os.open(self.path, flags | (os.O_TRUNC if self._fresh else 0), 0o666)
        try:
            if _ends_mid_line(self._fd):
                # A kill mid-write left half a line; end it so our first entry stays readable.
                self._write(b"\n")
        except OSError:
            self._close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close()

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _write(self, data: bytes) -> None:
        if self._fd is None:
            raise RuntimeError("Journal used outside its with block")
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]

    def record(self, entry: JournalEntry) -> None:
        """Append `entry`; OSError (with the journal's name) if it cannot be written."""
        if self._failed is not None:
            raise self._failed
        try:
            self._write(_line(entry))
        except OSError as exc:
            self._failed = OSError(exc.errno, exc.strerror, str(self.path))
            raise self._failed from None
