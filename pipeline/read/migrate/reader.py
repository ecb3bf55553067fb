"""A migration export as a `Reader`, so validation treats it like any one-sheet file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from pipeline.read.base import Reader, Sheet
from pipeline.read.migrate import Migration

# The canonical columns every migrated row carries (see Definition.to_row).
COLUMNS = ["name", "type", "description", "settings"]


@dataclass
class MigrationReader(Reader):
    migration: Migration | None = field(default=None, kw_only=True)

    def _sheets(self) -> Iterator[Sheet]:
        assert self.migration is not None
        yield Sheet(None, list(COLUMNS), iter(self.migration.rows))
