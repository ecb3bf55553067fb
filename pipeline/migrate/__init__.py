"""Migrations: other tools' label-definition exports read into the rows a spreadsheet gives.

`read_migration` loads an export, picks the source (given, or detected from the file's
shape), maps every record onto our types and yields one `RawRow` per record, numbered by
its position in the file, so validation, planning, sending and the report are shared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.migrate import argilla, braintrust, labelstudio, langfuse, langsmith, opik, phoenix
from pipeline.migrate.source import Source
from pipeline.rows import InputError, Problem, RawRow

SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        langfuse.SOURCE,
        langsmith.SOURCE,
        phoenix.SOURCE,
        argilla.SOURCE,
        labelstudio.SOURCE,
        opik.SOURCE,
        braintrust.SOURCE,
    )
}


@dataclass
class Migration:
    source: Source
    detected: bool
    rows: list[RawRow] = field(default_factory=list)
    archived_skipped: int = 0


def load(path: Path) -> Any:
    """The export as JSON, or as text when it is XML (Label Studio keeps its config as XML)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})") from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text, so not a JSON or XML export") from None
    if path.suffix.lower() == ".xml" or content.lstrip().startswith("<"):
        return content
    try:
        return json.loads(content)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def detect(doc: Any) -> Source | None:
    """The one source whose shape most of the records have, or None when unclear."""
    matches = []
    for source in SOURCES.values():
        records = source.records(doc)
        if records and sum(source.looks_like(r) for r in records) * 2 > len(records):
            matches.append(source)
    return matches[0] if len(matches) == 1 else None


def read_migration(
    path: Path, source: str | None = None, *, include_archived: bool = False
) -> Migration:
    """Every record of the export as a row; raises InputError when the file is not usable."""
    path = Path(path)
    doc = load(path)
    if source is None:
        chosen = detect(doc)
        if chosen is None:
            names = ", ".join(SOURCES)
            raise InputError(
                f"{path}: cannot tell which tool this export is from: give --from ({names})"
            )
        migration = Migration(chosen, detected=True)
    else:
        if source not in SOURCES:
            raise InputError(f"unknown source '{source}': use one of {', '.join(SOURCES)}")
        migration = Migration(SOURCES[source], detected=False)
    records = migration.source.records(doc)
    if records is None:
        raise InputError(f"{path}: {migration.source.expected}")
    if not records:
        raise InputError(f"{path}: the export holds no records")
    for position, record in enumerate(records, start=1):
        definition = migration.source.convert(record, position)
        if definition.archived and include_archived:
            definition.archived = False
            definition.warn(
                None,
                f"archived in {migration.source.title}: imported because of --include-archived",
            )
        elif definition.archived:
            migration.archived_skipped += 1
        migration.rows.append(definition.to_row(migration.source.title))
    return migration


__all__ = ["SOURCES", "Migration", "Problem", "Source", "read_migration"]
