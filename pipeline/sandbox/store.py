"""Labels in SQLite, with the server's uniqueness rule checked the way the server checks it.

The server's serializer looks for an active label with the same case-folded name, type
and project before it saves; restoring an archived label does not look, so two active
labels can share a name, and no unique index could hold. Every store call runs on the
event loop's thread with no await inside, so a check and the write after it are one
atomic step: of many concurrent identical creates, exactly one wins.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS labels (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    org TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    type TEXT NOT NULL,
    settings TEXT NOT NULL,
    description TEXT,
    project TEXT,
    allow_notes INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0
);
DROP INDEX IF EXISTS labels_active_unique;
CREATE INDEX IF NOT EXISTS labels_by_key ON labels (org, name_key, type);
CREATE INDEX IF NOT EXISTS labels_org_seq ON labels (org, seq);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""

_COLUMNS = (
    "id, org, name, type, settings, description, project, allow_notes,"
    " created_at, updated_at, archived"
)

OUTPUT_TYPES = {
    "categorical": "choices",
    "text": "text",
    "thumbs_up_down": "Pass/Fail",
    "numeric": "score",
    "star": "score",
}


@dataclass(frozen=True, slots=True)
class Page:
    count: int
    labels: list[dict[str, Any]]


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _name_key(name: str) -> str:
    return name.casefold()


def org_uuid(api_key: str) -> str:
    """A stable organisation id per API key, so a persisted store survives restarts."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"label-import-sandbox:{api_key}"))


def _filters(
    org: str, label_type: str | None, search: str | None, project: str | None, archived: bool | None
) -> tuple[str, list[Any]]:
    """The WHERE clause of a listing and its parameters."""
    where = ["org = ?"]
    params: list[Any] = [org]
    if label_type is not None:
        where.append("type = ?")
        params.append(label_type)
    if search:
        # instr on case-folded text: a plain substring test, no LIKE wildcards to escape.
        where.append("instr(name_key, ?) > 0")
        params.append(_name_key(search))
    if project is not None:
        where.append("project = ?")
        params.append(project)
    if archived is not None:
        where.append("archived = ?")
        params.append(int(archived))
    return " AND ".join(where), params


class LabelStore:
    """One SQLite connection, used from the event loop thread only (each call is atomic)."""

    def __init__(self, path: str | None = None) -> None:
        self._db = sqlite3.connect(path or ":memory:", isolation_level=None)
        self._db.row_factory = sqlite3.Row
        if path:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def _row_to_label(self, row: sqlite3.Row) -> dict[str, Any]:
        return {
            "id": row["id"],
            "name": row["name"],
            "type": row["type"],
            "organization": row["org"],
            "settings": json.loads(row["settings"]),
            "project": row["project"],
            "description": row["description"],
            "allow_notes": bool(row["allow_notes"]),
            "created_at": row["created_at"],
            "archived": bool(row["archived"]),
        }

    def create(
        self,
        org: str,
        *,
        name: str,
        label_type: str,
        settings: Any,
        description: str | None,
        project: str | None,
        allow_notes: bool,
    ) -> dict[str, Any]:
        label_id = str(uuid.uuid4())
        now = _now()
        self._db.execute(
            f"INSERT INTO labels ({_COLUMNS}, name_key) VALUES (?,?,?,?,?,?,?,?,?,?,0,?)",
            (
                label_id,
                org,
                name,
                label_type,
                json.dumps(settings),
                description,
                project,
                int(allow_notes),
                now,
                now,
                _name_key(name),
            ),
        )
        self._db.execute(
            "INSERT INTO counters VALUES ('created', 1)"
            " ON CONFLICT(name) DO UPDATE SET value = value + 1"
        )
        label = self.get(org, label_id)
        assert label is not None
        return label

    def has_duplicate(
        self, org: str, name: str, label_type: str, project: str | None, *, besides: str = ""
    ) -> bool:
        """Whether another active label has this name (any case), type and project."""
        row = self._db.execute(
            "SELECT 1 FROM labels WHERE org = ? AND name_key = ? AND type = ?"
            " AND project IS ? AND archived = 0 AND id != ? LIMIT 1",
            (org, _name_key(name), label_type, project, besides),
        ).fetchone()
        return row is not None

    def get(self, org: str, label_id: str) -> dict[str, Any] | None:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM labels WHERE org = ? AND id = ?", (org, label_id)
        ).fetchone()
        return None if row is None else self._row_to_label(row)

    def update(self, org: str, label_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Apply changes (any of the label's writable fields) to a label that exists."""
        columns: dict[str, Any] = {}
        for field in ("name", "type", "description", "project"):
            if field in changes:
                columns[field] = changes[field]
        if "name" in changes:
            columns["name_key"] = _name_key(changes["name"])
        if "settings" in changes:
            columns["settings"] = json.dumps(changes["settings"])
        if "allow_notes" in changes:
            columns["allow_notes"] = int(changes["allow_notes"])
        columns["updated_at"] = _now()
        assignments = ", ".join(f"{column} = ?" for column in columns)
        self._db.execute(
            f"UPDATE labels SET {assignments} WHERE org = ? AND id = ?",
            (*columns.values(), org, label_id),
        )
        label = self.get(org, label_id)
        assert label is not None
        return label

    def set_archived(self, org: str, label_id: str, archived: bool) -> dict[str, Any]:
        self._db.execute(
            "UPDATE labels SET archived = ?, updated_at = ? WHERE org = ? AND id = ?",
            (int(archived), _now(), org, label_id),
        )
        label = self.get(org, label_id)
        assert label is not None
        return label

    def list(
        self,
        org: str,
        *,
        offset: int,
        limit: int,
        label_type: str | None = None,
        search: str | None = None,
        project: str | None = None,
        archived: bool | None = False,
    ) -> Page:
        """One page of labels, newest first; `archived` None means active and archived alike.

        An offset past the last label finds none, and is not looked up: it could be
        beyond SQLite's integers.
        """
        clause, params = _filters(org, label_type, search, project, archived)
        count = self._db.execute(f"SELECT count(*) FROM labels WHERE {clause}", params).fetchone()[
            0
        ]
        if offset and offset >= count:
            return Page(count=count, labels=[])
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM labels WHERE {clause} ORDER BY seq DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        labels = []
        for row in rows:
            label = self._row_to_label(row)
            label["output_type"] = OUTPUT_TYPES[label["type"]]
            labels.append(label)
        return Page(count=count, labels=labels)

    def active_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM labels WHERE archived = 0").fetchone()[0])

    def created_count(self) -> int:
        row = self._db.execute("SELECT value FROM counters WHERE name = 'created'").fetchone()
        return int(row[0]) if row else 0

    def reset(self) -> None:
        self._db.execute("DELETE FROM labels")
        self._db.execute("DELETE FROM counters")
