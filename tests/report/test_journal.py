"""The journal survives kills: flushed per row, torn last lines ignored and ended."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from pipeline.plan import fingerprint
from pipeline.report.journal import Journal, journal_path, read_journal
from pipeline.rows import JournalEntry


def entry(row: int, status: str = "created") -> JournalEntry:
    return JournalEntry(row, None, f"fp{row}", status, f"id-{row}")


def test_the_journal_sits_beside_the_report() -> None:
    assert journal_path(Path("out/labels.report.csv")) == Path("out/labels.report.journal.jsonl")


def test_each_entry_is_on_disk_as_soon_as_it_is_recorded(tmp_path: Path) -> None:
    path = tmp_path / "run.journal.jsonl"
    with Journal(path, fresh=True) as journal:
        journal.record(entry(2))
        assert read_journal(path)[(None, 2)] == entry(2)


def test_a_torn_last_line_is_skipped_and_the_next_run_appends_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "run.journal.jsonl"
    with Journal(path, fresh=True) as journal:
        journal.record(entry(2))
    with path.open("a") as handle:
        handle.write('{"row": 3, "sheet": null, "finger')  # killed mid-write
    with Journal(path, fresh=False) as journal:
        journal.record(entry(4))
    assert set(read_journal(path)) == {(None, 2), (None, 4)}


def test_a_fresh_journal_forgets_the_previous_run(tmp_path: Path) -> None:
    path = tmp_path / "run.journal.jsonl"
    with Journal(path, fresh=True) as journal:
        journal.record(entry(2))
    with Journal(path, fresh=True):
        pass
    assert read_journal(path) == {}


def test_the_fingerprint_ignores_key_order_and_sees_any_change() -> None:
    payload = {"name": "A", "type": "star", "settings": {"no_of_stars": 5}}
    same = {"settings": {"no_of_stars": 5}, "type": "star", "name": "A"}
    assert fingerprint(payload) == fingerprint(same)
    assert fingerprint(payload) != fingerprint({**payload, "settings": {"no_of_stars": 4}})


def test_a_line_cut_inside_a_utf8_character_is_skipped_and_appending_goes_on(
    tmp_path: Path,
) -> None:
    path = tmp_path / "run.journal.jsonl"
    whole = '{"row": 2, "sheet": "Qualität", "fingerprint": "fp2", "status": "created"}\n'
    # A full disk cut the next line between the two bytes of "ä".
    path.write_bytes(whole.encode() + b'{"row": 3, "sheet": "Qualit\xc3')

    assert set(read_journal(path)) == {("Qualität", 2)}
    with Journal(path, fresh=False) as journal:
        journal.record(entry(4))
    assert set(read_journal(path)) == {("Qualität", 2), (None, 4)}


def test_lines_that_are_json_but_not_entries_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "run.journal.jsonl"
    path.write_bytes(b'[1, 2]\n7\n"row"\n\xff\xfe\n')
    assert read_journal(path) == {}


def test_any_sheet_name_round_trips_through_the_journal(tmp_path: Path) -> None:
    path = tmp_path / "run.journal.jsonl"
    odd = JournalEntry(2, "Q\ud800 ä", "fp", "created", "id")
    with Journal(path, fresh=True) as journal:
        journal.record(odd)
    assert read_journal(path)[("Q\ud800 ä", 2)] == odd


def test_the_journal_is_never_opened_through_a_symlink(tmp_path: Path) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n")
    link = tmp_path / "run.journal.jsonl"
    link.symlink_to(precious)

    for fresh in (True, False):
        with pytest.raises(OSError, match="Too many levels of symbolic links"):
            Journal(link, fresh=fresh).__enter__()
    assert precious.read_text() == "keep me\n"


def test_an_entry_that_cannot_be_written_raises_naming_the_journal_and_writes_no_more() -> None:
    full = Path("/dev/full")  # every write fails with ENOSPC, as on a full disk
    with Journal(full, fresh=False) as journal:
        with pytest.raises(OSError) as first:
            journal.record(entry(2))
        assert first.value.errno == errno.ENOSPC and first.value.filename == str(full)
        with pytest.raises(OSError):
            journal.record(entry(3))


@pytest.mark.parametrize(
    "sheet", [None, "Labels", 'Q1 "final"\n\\ é', "lone \ud800 surrogate", "\u202e\x00"]
)
@pytest.mark.parametrize("status", ["created", "creating"])
def test_each_line_is_the_json_of_its_entry_in_ascii(
    tmp_path: Path, sheet: str | None, status: str
) -> None:
    path = tmp_path / "run.journal.jsonl"
    written = JournalEntry(7, sheet, "0f" * 16, status, None if status == "creating" else "id-é")
    with Journal(path, fresh=True) as journal:
        journal.record(written)
    fields = {
        "row": 7,
        "sheet": sheet,
        "fingerprint": written.fingerprint,
        "status": status,
        "label_id": written.label_id,
    }
    assert path.read_bytes() == json.dumps(fields, ensure_ascii=True).encode("ascii") + b"\n"
    assert read_journal(path) == {(sheet, 7): written}
