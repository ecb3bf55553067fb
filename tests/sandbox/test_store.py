"""The store keeps the server's uniqueness rule without a unique index, since a restore may
bring back a second active label of one name; a store file made before keeps working."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pipeline.sandbox.store import LabelStore

ORG = "org"


def _make(store: LabelStore, name: str) -> str:
    label = store.create(
        ORG,
        name=name,
        label_type="thumbs_up_down",
        settings={},
        description=None,
        project=None,
        allow_notes=False,
    )
    return str(label["id"])


def test_a_store_file_with_the_old_unique_index_can_restore_a_duplicate(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    LabelStore(str(db)).close()
    with sqlite3.connect(db) as old:
        old.execute(
            "CREATE UNIQUE INDEX labels_active_unique"
            " ON labels (org, name_key, type, ifnull(project, '')) WHERE archived = 0"
        )
    store = LabelStore(str(db))
    try:
        first = _make(store, "Tone")
        store.set_archived(ORG, first, True)
        _make(store, "tone")
        assert store.set_archived(ORG, first, False)["archived"] is False
        assert store.has_duplicate(ORG, "TONE", "thumbs_up_down", None)
        assert not store.has_duplicate(ORG, "TONE", "star", None)
    finally:
        store.close()


def test_a_duplicate_is_another_active_label_of_that_name_type_and_project() -> None:
    store = LabelStore()
    try:
        only = _make(store, "Tone")
        assert not store.has_duplicate(ORG, "tone", "thumbs_up_down", None, besides=only)
        assert not store.has_duplicate(ORG, "tone", "thumbs_up_down", "p")
        assert not store.has_duplicate("other", "tone", "thumbs_up_down", None)
        store.set_archived(ORG, only, True)
        assert not store.has_duplicate(ORG, "tone", "thumbs_up_down", None)
    finally:
        store.close()
