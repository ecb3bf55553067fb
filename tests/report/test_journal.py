"""The journal survives kills: flushed per row, torn last lines ignored and ended."""

from __future__ import annotations

from pathlib import Path

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
