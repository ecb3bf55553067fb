"""One label definition read from another tool's export, already mapped onto our types.

Each source module turns its records into `Definition`s; this module holds the rules they
share (numeric bounds and step, option values from numbers) and the step from a definition
to the `RawRow` every later stage understands, so planning, sending and reporting are the
same for a migration as for a spreadsheet.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pipeline.labels import NAME_MAX, slug
from pipeline.rows import Problem, RawRow

DEFAULT_MIN = 0
DEFAULT_MAX = 10


@dataclass
class Definition:
    """A record mapped onto one of our types, with what the mapping lost or could not do."""

    position: int
    source_id: str | None = None
    name: str | None = None
    label_type: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    description: str | None = None
    # A display title beside the machine name (Argilla's `title`): `settle_names` picks
    # which of the two names the label, for the whole export at once.
    title: str | None = None
    # The record's field the name comes from, so a hint names what to fix in the export.
    name_key: str = "name"
    archived: bool = False
    skipped: str | None = None
    warnings: list[tuple[str | None, str]] = field(default_factory=list)
    errors: list[tuple[str | None, str, str]] = field(default_factory=list)
    losses: list[str] = field(default_factory=list)

    def warn(self, column: str | None, message: str) -> None:
        self.warnings.append((column, message))

    def lose(self, what: str, detail: str, column: str | None = None) -> None:
        """Note that the mapping dropped something: `detail` goes to the row's `lost`
        note, `what` (a short phrase such as "conditional visibility") to the run's
        summary of losses by kind."""
        self.warn(column, detail)
        self.losses.append(what)

    def fail(self, column: str | None, message: str, hint: str) -> None:
        self.errors.append((column, message, hint))

    def lose_unknown(self, keys: Iterable[str], understood: Collection[str], where: str) -> None:
        """Every key outside `understood` (the ones this source's reader carries over or
        knowingly drops) becomes a loss naming it: the loss report is complete by
        construction, so an attribute a future export adds is reported, never dropped
        silently. `where` names the part of the record ("config", "<Choice>")."""
        unknown = sorted({key for key in keys if key not in understood})
        if unknown:
            self.lose(
                "attributes we do not carry over",
                f"{where} {', '.join(unknown)}: not carried over",
            )

    def to_row(self, source: str) -> RawRow:
        """The row later stages validate: canonical columns, the source's notes attached."""
        cells = {
            "name": self.name or "",
            "type": self.label_type or "",
            "description": self.description or "",
            "settings": json.dumps(self.settings, ensure_ascii=False) if self.settings else "",
        }
        notes = [
            Problem(self.position, None, column, None, message, "", "warning")
            for column, message in self.warnings
        ]
        notes += [
            Problem(self.position, None, column, None, message, hint, "error")
            for column, message, hint in self.errors
        ]
        skip = self.skipped or (f"archived in {source}" if self.archived else None)
        return RawRow(
            self.position,
            None,
            cells,
            source_id=self.source_id,
            notes=tuple(notes),
            skip=skip,
            losses=tuple(self.losses),
        )


def text(value: object) -> str | None:
    """A trimmed string, or None when the value is missing, blank or not text."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def number(value: object) -> int | float | None:
    """A finite number (integer-valued floats become ints), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return int(value) if value.is_integer() else value
    return None


def spelled(value: object) -> str:
    """A value as text in the source's own spelling: a string as written, a JSON number
    without the exponent Python's str() gives small and large floats (1.2e-06)."""
    if isinstance(value, str):
        return value.strip()
    as_number = number(value)
    if isinstance(as_number, float):
        # repr gives the shortest digits that round-trip; Decimal writes them positionally.
        return format(Decimal(repr(as_number)), "f")
    return str(as_number if as_number is not None else value)


def option_value(value: object, label: str) -> str:
    """Our option values are strings: a number becomes its text, a missing one the label's slug."""
    if number(value) is not None or text(value) is not None:
        return spelled(value)
    return slug(label)


def step_for(low: int | float, high: int | float) -> int | float:
    """The stated rule for a source with no step: 1 when both bounds are integers and span
    at least 2, otherwise a tenth of the span, rounded to two significant digits."""
    span = high - low
    if isinstance(low, int) and isinstance(high, int) and span >= 2:
        return 1
    if span <= 0:
        return 1
    step = float(f"{span / 10:.2g}")
    return int(step) if step.is_integer() else step


def numeric(
    definition: Definition,
    low: object,
    high: object,
    *,
    step: object = None,
    display_type: str = "slider",
    fields: tuple[str, str] = ("min", "max"),
    where: str = "the export",
) -> None:
    """Set numeric settings from possibly open bounds, saying what was filled in.
    `fields` are the source's names of the two bounds and `where` the part of the export
    a fix goes in (Label Studio: the control), for the messages."""
    errors = len(definition.errors)
    low_number, high_number = _bounds(definition, number(low), number(high), (fields, where))
    definition.label_type = "numeric"
    # A scale we cannot hold is still set as the source gives it, so the failed-rows file
    # holds the bounds to fix and re-run; its error is the one thing said about it.
    refused = len(definition.errors) > errors
    step_number = number(step)
    if step_number is None:
        step_number = step_for(low_number, high_number)
        if not refused:
            definition.warn(
                "step_size",
                f"no step in the source: step_size {step_number} used "
                "(1 for integer bounds at least 2 apart, else a tenth of the range)",
            )
    definition.settings = {
        "min": low_number,
        "max": high_number,
        "step_size": step_number,
        "display_type": display_type,
    }


def _bounds(
    definition: Definition,
    low: int | float | None,
    high: int | float | None,
    named: tuple[tuple[str, str], str],
) -> tuple[int | float, int | float]:
    """Both bounds, an open one filled in; a scale our server cannot hold (below 0, or
    with no room above its minimum) is a row error in the source's own terms. `named` is
    the source's names of the bounds and where a fix goes."""
    if low is not None and low < 0:
        return _negative(definition, low, high, named)
    if high is not None and high <= (low or DEFAULT_MIN):
        return _no_room(definition, low, high, named)
    if low is None:
        low = DEFAULT_MIN
        definition.warn("min", f"no lower bound in the source: {DEFAULT_MIN} used")
    if high is None:
        high = low + DEFAULT_MAX if low >= DEFAULT_MAX else DEFAULT_MAX
        definition.warn("max", f"no upper bound in the source: {high} used")
    return low, high


def _negative(
    definition: Definition,
    low: int | float,
    high: int | float | None,
    named: tuple[tuple[str, str], str],
) -> tuple[int | float, int | float]:
    (low_field, _), where = named
    top = high if high is not None and high > low else low + DEFAULT_MAX
    definition.fail(
        "min",
        f"{low_field} {spelled(low)} is negative: Future AGI numeric labels start at 0",
        "Future AGI numeric labels start at 0 or above: shift the scale "
        f"(e.g. {spelled(low)}..{spelled(top)} to 0..{spelled(top - low)}) in {where}",
    )
    return low, top


def _no_room(
    definition: Definition,
    low: int | float | None,
    high: int | float,
    named: tuple[tuple[str, str], str],
) -> tuple[int | float, int | float]:
    (low_field, high_field), where = named
    given = f"{low_field} is {spelled(low)}" if low is not None else f"there is no {low_field}"
    definition.fail(
        "max",
        f"{high_field} is {spelled(high)} and {given}: "
        "Future AGI numeric labels need a maximum above a minimum of 0 or more",
        f"give it a {high_field} above its {low_field} in {where} "
        f"(e.g. {low_field} 0 and {high_field} 10)",
    )
    return low or DEFAULT_MIN, high


def categorical(
    definition: Definition,
    options: list[tuple[str, object]],
    *,
    multi_choice: bool = False,
    typed_values: bool = True,
    field: str | None = None,
) -> None:
    """Set categorical settings from (label, value) pairs; numeric values become text,
    said so unless the source's values are all text anyway (`typed_values` false: XML).
    With `field`, the export's name of the list, the options are checked here: one given
    twice alike is kept once; a label given twice with other values, a missing label or
    fewer than two options are row errors our server would refuse. Without it, the
    source checks them itself (Label Studio, in its own terms)."""
    definition.label_type = "categorical"
    pairs = [(label, option_value(value, label)) for label, value in options]
    if field is not None:
        pairs = _usable(definition, pairs, field)
    definition.settings = {
        "options": [{"label": label, "value": value} for label, value in pairs],
        "multi_choice": multi_choice,
    }
    numbers = [spelled(value) for _, value in options if number(value) is not None]
    if numbers and typed_values:
        definition.warn(
            "options", f"option values were numbers ({', '.join(numbers)}): kept as text"
        )


def _usable(
    definition: Definition, pairs: list[tuple[str, str]], field: str
) -> list[tuple[str, str]]:
    """The options without repeats; fewer than two is a row error naming `field`, unless
    the record has one already (a list that is not a list, an option without a label)."""
    pairs = _distinct(definition, pairs, field)
    if not definition.errors and len(pairs) < 2:
        shown = f"one ('{pairs[0][0]}')" if pairs else "none"
        definition.fail(
            "options",
            f"'{field}' has {shown}: a Future AGI categorical label needs at least two options",
            f"add options to '{field}' in the export, or leave this record out",
        )
    return pairs


def _distinct(
    definition: Definition, pairs: list[tuple[str, str]], field: str
) -> list[tuple[str, str]]:
    """The options without repeats (labels compare as our server compares them)."""
    kept: dict[str, tuple[str, str]] = {}
    repeated: list[str] = []
    for position, (label, value) in enumerate(pairs, start=1):
        if not label:
            definition.fail(
                "options",
                f"option {position} of '{field}' has no label",
                f"give every entry of '{field}' a label in the export",
            )
            continue
        pair = (label, value)
        first = kept.setdefault(label.casefold(), pair)
        if first is pair:
            continue
        if first == pair:
            repeated.append(label)
        else:
            definition.fail(
                "options",
                f"'{field}' gives the label '{label}' twice, with the values "
                f"'{first[1]}' and '{value}'",
                f"give each entry of '{field}' its own label in the export",
            )
    if repeated:
        shown = ", ".join(dict.fromkeys(repeated))
        definition.warn("options", f"'{field}' lists {shown} more than once: kept once")
    return list(kept.values())


# The archive or soft-delete markers the sources use, read from every record.
ARCHIVE_MARKERS = frozenset({"isArchived", "is_archived", "archived", "deleted_at", "deletedAt"})


def is_archived(record: dict[str, Any]) -> bool:
    return any(record.get(marker) for marker in ARCHIVE_MARKERS)


def mapping(value: object) -> dict[str, Any]:
    """The value when it is a JSON object, else an empty one: nested parts are often absent."""
    return value if isinstance(value, dict) else {}


def objects(definition: Definition, part: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The JSON objects of the list under `key` (options, categories); anything else in the
    list is ignored, and a value that is not a list at all is a row error naming the field."""
    value = part.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        definition.fail(
            key,
            f"record {definition.position}: '{key}' is not a list ({json.dumps(value)[:40]})",
            f"give '{key}' as a JSON list of objects in the export",
        )
        return []
    return [item for item in value if isinstance(item, dict)]


def filled(part: dict[str, Any]) -> list[str]:
    """The keys of `part` that hold something: a null or empty value carries nothing to
    lose, so it is never reported."""
    return [key for key, value in part.items() if value not in (None, "", [], {})]


def settle_names(definitions: list[Definition]) -> None:
    """For a source with a display title beside each machine name (Argilla): the titles
    name the labels when every one can (no two alike, none over NAME_MAX characters);
    otherwise the machine names do, each title kept at the head of its description. One
    rule for the whole export, so names are unique within it and never mixed."""
    titled = [d for d in definitions if d.title is not None and d.name is not None]
    if titled:
        why = _titles_unusable([d.title or d.name or "" for d in definitions if d.name])
        for definition in titled:
            _entitle(definition, why)


def _entitle(definition: Definition, why: str | None) -> None:
    """Name a titled definition by its title, or (with `why` the titles cannot) keep its
    machine name and put the title at the head of its description."""
    title, name = definition.title or "", definition.name or ""
    if why is None:
        definition.name, definition.name_key = title, "title"
    elif title.casefold() != name.casefold():
        described = definition.description
        definition.description = f"{title}\n{described}" if described else title
        definition.warn("name", f"{why}: named '{name}', the title heads the description")


def _titles_unusable(names: list[str]) -> str | None:
    """Why these names (a title, or the machine name where there is none) cannot all
    name labels, or None when they can."""
    counts = Counter(name.casefold() for name in names)
    repeated = list(dict.fromkeys(name for name in names if counts[name.casefold()] > 1))
    if repeated:
        return f"titles repeat in this export ({', '.join(repeated[:3])})"
    if any(len(name) > NAME_MAX for name in names):
        return f"a title is longer than {NAME_MAX} characters"
    return None


def refuse_repeats(definitions: list[Definition]) -> None:
    """A record with the name and type of an earlier one is a row error naming the earlier
    record and the field to change: our server keeps one label per name and type."""
    first: dict[tuple[str, str], Definition] = {}
    for definition in definitions:
        name, kind = definition.name, definition.label_type
        if name is None or kind is None or definition.errors or definition.skipped:
            continue
        if definition.archived:
            continue
        earlier = first.setdefault((name.casefold(), kind), definition)
        if earlier is not definition:
            definition.fail(
                "name",
                f"duplicate of record {earlier.position}: same name and type ({kind})",
                f"rename '{definition.name_key}' of one of the two records in the export, "
                "or leave one out",
            )
