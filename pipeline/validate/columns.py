"""Which column holds which field, and which type a typed word means.

Kept apart from reading so that any source (a spreadsheet, another tool's export) can be
mapped the same way: headers in, a `ColumnMap` out, computed once per sheet.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.errors import InputError
from pipeline.labels import LABEL_TYPES, LabelType
from pipeline.rows import EXPORT_COLUMNS, FAILED_ROW_COLUMNS, Problem
from pipeline.validate.fields import FIELDS

COLUMN_ALIASES: dict[str, str] = {
    "label": "name",
    "label_name": "name",
    "title": "name",
    "kind": "type",
    "label_type": "type",
    "choices": "options",
    "categories": "options",
    "stars": "no_of_stars",
    "max_stars": "no_of_stars",
    "step": "step_size",
    "multiple": "multi_choice",
    "multi_select": "multi_choice",
    "multi_label": "multi_choice",
}

TYPE_ALIASES: dict[str, LabelType] = {
    "thumbs_up/down": "thumbs_up_down",
    "thumbs": "thumbs_up_down",
    "boolean": "thumbs_up_down",
    "binary": "thumbs_up_down",
    "rating": "star",
    "stars": "star",
    "number": "numeric",
    "score": "numeric",
    "continuous": "numeric",
    "category": "categorical",
    "choice": "categorical",
    "select": "categorical",
    "free_text": "text",
    "freeform": "text",
}

# A sheet this wide is a mistake, not a label list: list the first few unknown columns
# one by one and summarise the rest, so the real problems stay visible.
MAX_UNKNOWN_COLUMN_WARNINGS = 20

# Columns our own files add (the failed-rows file, an export): read back, they are ignored
# without a warning.
_OURS = frozenset((*FAILED_ROW_COLUMNS, *EXPORT_COLUMNS))
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[\s\-]+")


def snake_case(text: str) -> str:
    """`Max Length`, `max-length` and `maxLength` all become `max_length`."""
    return _SEPARATORS.sub("_", _CAMEL.sub("_", text.strip())).lower()


def field_for_header(header: str) -> str | None:
    """The canonical field a header names, or None when it names none."""
    key = snake_case(header)
    if key in FIELDS:
        return key
    return COLUMN_ALIASES.get(key)


@functools.lru_cache(maxsize=1024)
def label_type(value: str) -> LabelType | None:
    """The label type a cell means ("Thumbs up/down" → thumbs_up_down), or None."""
    key = snake_case(value)
    for candidate in LABEL_TYPES:
        if key == candidate:
            return candidate
    return TYPE_ALIASES.get(key)


def suggest(word: str, choices: Sequence[str]) -> str | None:
    """The closest known name, for 'did you mean …?' hints."""
    close = difflib.get_close_matches(snake_case(word), choices, n=1, cutoff=0.75)
    return close[0] if close else None


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """For one sheet: canonical field → header as typed, plus the warnings mapping raised."""

    sheet: str | None
    columns: dict[str, str]
    warnings: list[Problem] = field(default_factory=list)

    @property
    def is_label_sheet(self) -> bool:
        return "name" in self.columns and "type" in self.columns


def map_columns(
    headers: Sequence[str], *, sheet: str | None, where: str, records: bool = False
) -> ColumnMap:
    """Match headers to fields. Two headers for one field is an `InputError`, unless the
    headers are the keys of JSON records (`records`): a record may carry any keys, as the
    server ignores those it does not know, so a key that is a field's own name is read and
    the others meaning that field are unknown columns (warnings).

    `where` names the file (and sheet) in error messages.
    """
    fields = {header: field_for_header(header) for header in headers if header.strip()}
    chosen, aside = _choose(fields, records=records, where=where)
    # In the headers' order, so a row's problems read left to right.
    position = {header: index for index, header in enumerate(fields)}
    columns = dict(sorted(chosen.items(), key=lambda item: position[item[1]]))
    unknown = [
        header
        for header, name in fields.items()
        if header in aside or (name is None and header not in _OURS)
    ]
    return ColumnMap(sheet, columns, _unknown_column_warnings(unknown, aside, sheet))


def _choose(
    fields: dict[str, str | None], *, records: bool, where: str
) -> tuple[dict[str, str], dict[str, str]]:
    """field → the header read for it, and each record key set aside → the key read instead."""
    # A record key that is a field's own name wins over an alias, wherever it stands.
    order = sorted(fields, key=lambda h: snake_case(h) != fields[h]) if records else list(fields)
    chosen: dict[str, str] = {}
    aside: dict[str, str] = {}
    for header in order:
        name = fields[header]
        if name is None:
            continue
        if name not in chosen:
            chosen[name] = header
        elif records:
            aside[header] = chosen[name]
        else:
            raise InputError(
                f"{where}: columns {chosen[name]!r} and {header!r} both mean {name!r}; "
                "keep one of them"
            )
    return chosen, aside


def _unknown_column_warnings(
    unknown: list[str], aside: dict[str, str], sheet: str | None
) -> list[Problem]:
    warnings = []
    for header in unknown[:MAX_UNKNOWN_COLUMN_WARNINGS]:
        close = suggest(header, FIELDS + tuple(COLUMN_ALIASES))
        if header in aside:
            hint = f"{field_for_header(header)} is read from {aside[header]!r}; remove this key"
        elif close:
            hint = f"did you mean {field_for_header(close)}?"
        else:
            hint = "known columns: " + (", ".join(FIELDS))
        warnings.append(Problem(0, sheet, header, None, "unknown column, ignored", hint, "warning"))
    rest = len(unknown) - MAX_UNKNOWN_COLUMN_WARNINGS
    if rest > 0:
        warnings.append(
            Problem(
                0,
                sheet,
                None,
                None,
                f"{rest} more unknown columns ignored",
                "remove the columns that do not describe labels",
                "warning",
            )
        )
    return warnings
