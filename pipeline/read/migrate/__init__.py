"""Reading another tool's export: one way of reading, which `pipeline.read.inputs` picks for
--from NAME or for a JSON or XML file shaped like one tool's label definitions.

`identify` loads an export and picks its source (given, or detected from the file's shape);
`migrate_document` maps every record onto our types, one `RawRow` per record numbered by its
position in the file, so validation, planning, sending and the report are shared with
spreadsheets. `read_migration` is both in one call, for an export that must be one. Each
source has its own module; `source` and `definition` hold what they share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.read.detect import check_readable, check_whole_file_size
from pipeline.read.jsonfile import json_document, nesting
from pipeline.read.migrate import (
    argilla,
    braintrust,
    labelstudio,
    langfuse,
    langsmith,
    opik,
    phoenix,
)
from pipeline.read.migrate.definition import refuse_repeats, settle_names
from pipeline.read.migrate.source import Source
from pipeline.read.text import sniff_encoding
from pipeline.rows import RawRow

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


MAX_EXPORT_DEPTH = 64


@dataclass
class Migration:
    source: Source
    detected: bool
    rows: list[RawRow] = field(default_factory=list)
    archived_skipped: int = 0
    # What the export holds beside its records that no label carries (Source.beside).
    not_carried: list[str] = field(default_factory=list)


def load(path: Path) -> Any:
    """The export as JSON, or as text when it is XML (Label Studio keeps its config as XML).

    Encoding and unusable-file checks are the spreadsheet readers' own, so a broken export
    gets the same one-line message a broken JSON sheet would.
    """
    check_readable(path)
    check_whole_file_size(path)
    encoding, _ = sniff_encoding(path)
    content = path.read_text(encoding=encoding, errors="replace").lstrip("\ufeff")
    if path.suffix.lower() == ".xml" or content.lstrip().startswith("<"):
        return content
    doc = json_document(path, content)
    # The sources walk records with plain recursion (str() of a value, for one); no
    # export of label definitions nests anywhere near this deep.
    if nesting(doc, MAX_EXPORT_DEPTH) > MAX_EXPORT_DEPTH:
        raise InputError(
            f"{path.name}: JSON nested more than {MAX_EXPORT_DEPTH} levels deep; "
            "this is not an export of label definitions"
        )
    return doc


def detect(doc: Any) -> Source | None:
    """The one source whose shape most of the records have, or None when unclear."""
    matches = []
    for source in SOURCES.values():
        records = source.records(doc)
        if records and sum(source.looks_like(r) for r in records) * 2 > len(records):
            matches.append(source)
    return matches[0] if len(matches) == 1 else None


def named_source(name: str) -> Source:
    if name not in SOURCES:
        raise InputError(f"unknown source '{name}': use one of {', '.join(SOURCES)}")
    return SOURCES[name]


def identify(path: Path, source: str | None) -> tuple[Any, Source | None]:
    """The loaded export and its source: the one named, else the one its shape shows
    (None when that is unclear). A named source is checked before the file is read, so an
    unknown name is the problem reported."""
    chosen = named_source(source) if source is not None else None
    doc = load(path)
    return doc, chosen or detect(doc)


def read_migration(
    path: Path, source: str | None = None, *, include_archived: bool = False
) -> Migration:
    """Every record of the export as a row; raises InputError when the file is not usable."""
    path = Path(path)
    doc, chosen = identify(path, source)
    if chosen is None:
        names = ", ".join(SOURCES)
        raise InputError(
            f"{path}: cannot tell which tool this export is from: give --from ({names})"
        )
    return migrate_document(
        path, doc, chosen, detected=source is None, include_archived=include_archived
    )


def migrate_document(
    path: Path, doc: Any, source: Source, *, detected: bool, include_archived: bool = False
) -> Migration:
    """Map a loaded export's records with `source`'s rules, one row per record."""
    migration = Migration(source, detected=detected, not_carried=source.beside(doc))
    records = source.records(doc)
    if records is None:
        raise InputError(f"{path}: {source.expected}")
    if not records:
        raise InputError(f"{path}: the export holds no records")
    definitions = [
        source.convert(record, position) for position, record in enumerate(records, start=1)
    ]
    # Names are settled across the whole export: which of a title and a machine name
    # names the labels, and a repeat refused in the export's terms.
    settle_names(definitions)
    for definition in definitions:
        if definition.archived and include_archived:
            definition.archived = False
            definition.warn(
                None, f"archived in {source.title}: imported because of --include-archived"
            )
        elif definition.archived:
            migration.archived_skipped += 1
    refuse_repeats(definitions)
    migration.rows = [definition.to_row(source.title) for definition in definitions]
    return migration


__all__ = [
    "SOURCES",
    "Migration",
    "Source",
    "detect",
    "identify",
    "load",
    "migrate_document",
    "named_source",
    "read_migration",
]
