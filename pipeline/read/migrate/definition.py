"""One label definition read from another tool's export, already mapped onto our types.

Each source module turns its records into `Definition`s; this module holds the rules they
share (numeric bounds and step, option values from numbers) and the step from a definition
to the `RawRow` every later stage understands, so planning, sending and reporting are the
same for a migration as for a spreadsheet.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pipeline.labels import slug
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
    where: str = "the export",
) -> None:
    """Set numeric settings from possibly open bounds, saying what was filled in; `where`
    names the part of the export a fix goes in (Label Studio: the control)."""
    low_number, high_number = number(low), number(high)
    if low_number is None:
        low_number = DEFAULT_MIN
        definition.warn("min", f"no lower bound in the source: {DEFAULT_MIN} used")
    if high_number is None:
        high_number = low_number + DEFAULT_MAX if low_number >= DEFAULT_MAX else DEFAULT_MAX
        definition.warn("max", f"no upper bound in the source: {high_number} used")
    if low_number < 0:
        definition.fail(
            "min",
            f"min cannot be negative (the source's lower bound is {low_number})",
            "Future AGI numeric labels start at 0 or above: shift the scale "
            f"(e.g. {low_number}..{high_number} to 0..{high_number - low_number}) in {where}",
        )
    step_number = number(step)
    if step_number is None:
        step_number = step_for(low_number, high_number)
        definition.warn(
            "step_size",
            f"no step in the source: step_size {step_number} used "
            "(1 for integer bounds at least 2 apart, else a tenth of the range)",
        )
    definition.label_type = "numeric"
    definition.settings = {
        "min": low_number,
        "max": high_number,
        "step_size": step_number,
        "display_type": display_type,
    }


def categorical(
    definition: Definition,
    options: list[tuple[str, object]],
    *,
    multi_choice: bool = False,
    typed_values: bool = True,
) -> None:
    """Set categorical settings from (label, value) pairs; numeric values become text,
    said so unless the source's values are all text anyway (`typed_values` false: XML)."""
    definition.label_type = "categorical"
    definition.settings = {
        "options": [
            {"label": label, "value": option_value(value, label)} for label, value in options
        ],
        "multi_choice": multi_choice,
    }
    numbers = [spelled(value) for _, value in options if number(value) is not None]
    if numbers and typed_values:
        definition.warn(
            "options", f"option values were numbers ({', '.join(numbers)}): kept as text"
        )


def is_archived(record: dict[str, Any]) -> bool:
    """The archive or soft-delete markers the sources use."""
    return bool(
        record.get("isArchived")
        or record.get("is_archived")
        or record.get("archived")
        or record.get("deleted_at")
        or record.get("deletedAt")
    )


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
