"""A migration export as a `Reader`, so validation treats it like any one-sheet file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from pipeline.read.base import Reader, Sheet
from pipeline.read.migrate import Migration

# The canonical columns every migrated row carries (see Definition.to_row).
COLUMNS = ["name", "type", "description", "settings"]


@dataclass
class MigrationReader(Reader):
    migration: Migration | None = field(default=None, kw_only=True)
    from_export: ClassVar[bool] = True

    def _sheets(self) -> Iterator[Sheet]:
        assert self.migration is not None
        yield Sheet(None, list(COLUMNS), iter(self.migration.rows))


def migration_reader(path: Path, migration: Migration) -> MigrationReader:
    """The reader for a mapped export, with what the user should know about the whole file:
    which source was assumed, and how many archived records were left out."""
    reader = MigrationReader(path, format=path.suffix.lower().lstrip("."), migration=migration)
    source = migration.source
    if migration.detected:
        reader.warn(
            f"detected source: {source.title} (--from {source.name})",
            "give --from NAME to read it as another tool's export",
        )
    for note in migration.not_carried:
        reader.warn(
            note, "no label has a place for it: copy it into a description if annotators need it"
        )
    if migration.archived_skipped:
        reader.warn(
            f"{migration.archived_skipped} archived record(s) skipped",
            "use --include-archived to import them too",
        )
    return reader
