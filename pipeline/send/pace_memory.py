"""What earlier runs found of each server's pace, so the next `--rate auto` run starts there.

A run against a server that took thousands of requests a second would otherwise find that
again from 50 a second, and one against a limited server would burst over the limit in
slow start before each run's first cut. So each run keeps what its pace found (`Found`)
per server, and the next one starts from it (`Pace.for_setting`).

Kept in SQLite (`pace.sqlite` in the state folder: `$LABEL_IMPORT_STATE_DIR`, else
`$XDG_STATE_HOME/label-import`, else `~/.local/state/label-import`), one row per server
and organisation: the origin (scheme, host and port: never a path or a query) and a
12-digit digest of the API key, because a limit is an organisation's (two organisations
on one host would otherwise set each other's start). The digest says nothing of the
key: 48 bits of a SHA-256 of a random token. Two runs at once each read and write whole
rows. A memory is a speed-up only: it is forgotten after KEEP_S, and a folder or file
that cannot be read or written is the same as no memory, never a failed run. At most
MAX_SERVERS rows are kept, so the file stays a few kilobytes.

How a new finding is kept: a limit always replaces what was kept (the server said so
now); a run that met no limit replaces it only if it sent at least as much, since a small
import never reaches the server's pace; and one that did so after a kept limit, which it
approached from under, keeps the server marked limited at the higher pace.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.send.rate import Found

STATE_DIR_ENV = "LABEL_IMPORT_STATE_DIR"
FILE_NAME = "pace.sqlite"
KEEP_S = 30 * 24 * 3600.0
# The most rows (server and organisation) kept, the least recent forgotten first: each
# `--sandbox` run is a new port, so a new server.
MAX_SERVERS = 200
# A kept rate outside (0, MAX_RATE] is a damaged file, not a server's pace: no memory.
MAX_RATE = 100_000.0
# A run that cannot take the database's lock within this long goes on without memory.
LOCK_WAIT_S = 1.0

_SCHEMA = """CREATE TABLE IF NOT EXISTS pace (
    origin TEXT PRIMARY KEY, rate REAL NOT NULL, limited INTEGER NOT NULL, at REAL NOT NULL
)"""


def state_dir() -> Path:
    """Where label-import keeps what outlives a run."""
    if own := os.environ.get(STATE_DIR_ENV):
        return Path(own)
    if xdg := os.environ.get("XDG_STATE_HOME"):
        return Path(xdg) / "label-import"
    return Path.home() / ".local" / "state" / "label-import"


def whose(base_url: str, api_key: str) -> str:
    """The row a memory is kept in: the server's origin and the organisation's digest."""
    digest = hashlib.sha256(b"label-import pace\0" + api_key.encode("utf-8", "replace"))
    return f"{origin(base_url)} {digest.hexdigest()[:12]}"


def origin(base_url: str) -> str:
    """The server a memory belongs to: scheme://host:port, with the default port spelled."""
    parts = urlsplit(base_url)
    try:
        port = parts.port
    except ValueError:  # the client refuses such a URL before any run gets here
        port = None
    port = port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def recall(base_url: str, api_key: str, *, now: float | None = None) -> Found | None:
    """What the last runs found of this server's pace for this organisation; None if
    nothing (recent) is kept."""
    path = state_dir() / FILE_NAME
    if not path.is_file():
        return None
    try:
        with _opened(path, write=False) as db:
            kept = _kept(db, whose(base_url, api_key), time.time() if now is None else now)
    except (sqlite3.Error, OSError):
        return None
    return kept


def remember(base_url: str, api_key: str, found: Found, *, now: float | None = None) -> None:
    """Keep what a run found, merged with what was kept (see the module's reasons)."""
    key = whose(base_url, api_key)
    try:
        folder = state_dir()
        folder.mkdir(parents=True, exist_ok=True)
        with _opened(folder / FILE_NAME, write=True) as db:
            # The time once the lock is ours: a run that waited for it writes after the
            # other, and must not take the other's row for one from the future.
            at = time.time() if now is None else now
            db.execute(_SCHEMA)
            if (kept := _kept(db, key, at)) is not None:
                found = merged(kept, found)
            db.execute(
                "INSERT OR REPLACE INTO pace (origin, rate, limited, at) VALUES (?, ?, ?, ?)",
                (key, found.rate, int(found.limited), at),
            )
            db.execute(
                "DELETE FROM pace WHERE at < ? OR origin NOT IN"
                " (SELECT origin FROM pace ORDER BY at DESC LIMIT ?)",
                (at - KEEP_S, MAX_SERVERS),
            )
    except (sqlite3.Error, OSError):
        return


def merged(kept: Found, new: Found) -> Found:
    """What to keep of a new finding beside the kept one."""
    if new.limited:
        return new
    if new.rate < kept.rate:
        return kept
    return Found(new.rate, kept.limited)


def _kept(db: sqlite3.Connection, key: str, now: float) -> Found | None:
    row = db.execute("SELECT rate, limited, at FROM pace WHERE origin = ?", (key,)).fetchone()
    if row is None or not isinstance(row[0], float | int) or not 0 < row[0] <= MAX_RATE:
        return None
    if not isinstance(row[2], float | int) or not 0 <= now - row[2] <= KEEP_S:
        return None
    return Found(float(row[0]), bool(row[1]))


@contextmanager
def _opened(path: Path, *, write: bool) -> Iterator[sqlite3.Connection]:
    """One transaction, committed and closed on leaving (sqlite3's own context manager
    only ends the transaction); a writer takes the lock before it reads, so two runs
    ending at once each merge with the other's row, not with what both read before."""
    db = sqlite3.connect(path, timeout=LOCK_WAIT_S, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        yield db
        db.execute("COMMIT")
    finally:
        db.close()
