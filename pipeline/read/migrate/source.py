"""What every migration source provides: where its records are and how each maps to ours,
with the pieces sources share (records in a page object, the fields every record has, and
`Kinds`, the table from a record's kind to what it becomes)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.labels import NAME_MAX
from pipeline.read.migrate.definition import Definition, filled, is_archived, mapping, text


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
    # What the export holds beside its records that a label has no place for (Argilla's
    # dataset guidelines), one note each; page counters and the like are not named.
    beside: Callable[[Any], list[str]] = lambda doc: []


# Sets a definition's type and settings from the part of a record that describes its kind.
Mapper = Callable[[Definition, Any], None]


@dataclass(frozen=True)
class Kinds:
    """The kinds a source's records come in, and what each becomes: the one list of them,
    used for mapping, for detection and in the error for a kind we do not know."""

    # The field that holds the kind, as the error names it. A nested one ("settings.type")
    # is read by the source and given to `map`; `convert` and `looks_like` read a top-level one.
    key: str
    mappers: Mapping[str, Mapper]
    # Kinds we know but cannot import, with why: the record is skipped.
    no_equivalent: Mapping[str, str] = field(default_factory=dict)
    # The keys of the mapped part that every kind understands (carried over, knowingly
    # dropped with a message of its own, or bookkeeping), and those each kind reads
    # besides: any other key with a value is a loss naming it (complete by construction).
    shared: frozenset[str] = frozenset()
    reads: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # What the mapped part is called in that loss note.
    part: str = "record"

    @property
    def names(self) -> tuple[str, ...]:
        return (*self.mappers, *self.no_equivalent)

    def looks_like(self, record: Any) -> bool:
        """Whether `record` is an object with one of these kinds in its field `key`."""
        return isinstance(record, dict) and record.get(self.key) in self.names

    def convert(self, record: Any, position: int) -> Definition:
        """A record named by its `name` field, of the kind in its field `key`, mapped whole."""
        if not isinstance(record, dict):
            return not_an_object(position)
        definition = start(record, position, name_key="name")
        self.map(definition, record.get(self.key), record)
        return definition

    def map(self, definition: Definition, kind: object, part: Any) -> None:
        """Map `part` (the record, or its nested settings) as a record of `kind`."""
        # Kinds are text in every source; a list or a number here is an unknown kind.
        if not isinstance(kind, str) or kind not in self.names:
            self._unknown(definition, kind)
        elif kind in self.no_equivalent:
            definition.skipped = self.no_equivalent[kind]
        else:
            self.mappers[kind](definition, part)
            understood = self.shared | self.reads.get(kind, frozenset())
            definition.lose_unknown(filled(mapping(part)), understood, self.part)

    def _unknown(self, definition: Definition, kind: object) -> None:
        shown = "missing" if kind in (None, "") else f"'{kind}'"
        *first, last = self.mappers
        definition.fail(
            "type", f"'{self.key}' is {shown}", f"use one of {', '.join(first)} or {last}"
        )


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
    definition = Definition(position, name_key=name_key)
    definition.name = text(record.get(name_key))
    raw_id = record.get(id_key)
    definition.source_id = str(raw_id) if raw_id not in (None, "") else definition.name
    definition.description = text(record.get("description"))
    definition.archived = is_archived(record)
    if definition.name is not None and len(definition.name) > NAME_MAX:
        definition.fail(
            "name",
            f"'{name_key}' is {len(definition.name)} characters: "
            f"Future AGI names hold at most {NAME_MAX}",
            f"shorten '{name_key}' of record {position} in the export",
        )
    if definition.name is not None:
        return definition
    if record.get(name_key) is None or isinstance(record.get(name_key), str):
        definition.fail(
            "name", f"record has no '{name_key}'", f"give record {position} a '{name_key}'"
        )
    else:
        definition.fail(
            "name", f"'{name_key}' is not text", f"give '{name_key}' of record {position} as text"
        )
    return definition
