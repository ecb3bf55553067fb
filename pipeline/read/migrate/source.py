"""What every migration source provides: where its records are and how each maps to ours."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipeline.read.migrate.definition import Definition, is_archived, text


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    # One line telling a user which API call or file gives the export.
    where: str
    # Said when a file given with --from NAME does not have this source's shape.
    expected: str
    # The list of records in a loaded document, or None when the document is not this shape.
    records: Callable[[Any], list[Any] | None]
    # Whether one record is unmistakably this source's (for detection without --from).
    looks_like: Callable[[Any], bool]
    convert: Callable[[Any, int], Definition]


def records_under(key: str) -> Callable[[Any], list[Any] | None]:
    """Records as a bare list, or under `key` in the page object the source's API answers."""

    def records(doc: Any) -> list[Any] | None:
        if isinstance(doc, list):
            return doc
        if isinstance(doc, dict) and isinstance(doc.get(key), list):
            return list(doc[key])
        return None

    return records


def not_an_object(position: int) -> Definition:
    definition = Definition(position)
    definition.fail(
        None, f"record {position} is not an object", "each record must be a JSON object"
    )
    return definition


def start(record: Any, position: int, *, name_key: str, id_key: str = "id") -> Definition:
    """A definition with the fields every source has; errors for a missing name."""
    definition = Definition(position)
    definition.name = text(record.get(name_key))
    raw_id = record.get(id_key)
    definition.source_id = str(raw_id) if raw_id not in (None, "") else definition.name
    definition.description = text(record.get("description"))
    definition.archived = is_archived(record)
    if definition.name is None:
        definition.fail("name", f"record has no '{name_key}'", f"give the record a '{name_key}'")
    return definition


def unknown_kind(definition: Definition, key: str, value: object, kinds: str) -> None:
    shown = "missing" if value in (None, "") else f"'{value}'"
    definition.fail("type", f"'{key}' is {shown}", f"use one of {kinds}")
