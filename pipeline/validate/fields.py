"""Every column a label sheet may have, in one table: what a person reads about it (the
hint beside a problem, the template's note) and how its cell text is read.

Which label types a setting belongs to, its default and the words it allows come from the
models in `pipeline.labels`, never from here: the table adds only what the models cannot
say. Mapping headers, checking rows, the hints and the template are all built from it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pipeline.labels import (
    LABEL_TYPES,
    NAME_MAX,
    SETTINGS_DEFAULTS,
    SETTINGS_KEYS,
    SETTINGS_MODELS,
    UI_MAX_NUMERIC,
    UI_MAX_STARS,
    LabelSpec,
    LabelType,
)
from pipeline.validate.cells import parse_bool, parse_int, parse_number, parse_options

Parser = Callable[[str], Any]


@dataclass(frozen=True, slots=True)
class Field:
    """One column: its field name, the hint for a wrong entry, and the template's note
    without the parts the models give (who uses it, required or not, its default)."""

    name: str
    hint: str
    # None: the column is left out of the template.
    note: str | None
    # How a filled cell becomes the value; None for the columns the row checker reads itself.
    parse: Parser | None = None


def _choice(text: str) -> str:
    return text.strip().lower()


def _strategy(text: str) -> str:
    text = text.strip()
    return "Rag" if text.lower() == "rag" else text


# In the order `validate` lists the known columns; the template groups them by type.
TABLE: tuple[Field, ...] = (
    Field(
        "name",
        f"give the label a name of 1-{NAME_MAX} characters, without tabs or line breaks",
        f"The label's name, 1-{NAME_MAX} characters. Unique per type.",
    ),
    Field("type", "use one of: " + ", ".join(LABEL_TYPES), f"One of: {', '.join(LABEL_TYPES)}."),
    Field("description", "write plain text or leave blank", "What annotators should judge.", str),
    Field(
        "project",
        "use the project's UUID from Future AGI, or leave blank",
        "A project UUID to scope the label to; blank for the organisation.",
        str.strip,
    ),
    Field("allow_notes", "use true or false", "true lets annotators add a note.", parse_bool),
    Field("settings", 'write a JSON object such as {"no_of_stars": 5}', None),
    Field("placeholder", "write plain text", "hint shown in the empty text box.", str.strip),
    Field(
        "min_length",
        "use a whole number of 0 or more, below max_length",
        "shortest answer in characters, 0 or more.",
        parse_int,
    ),
    Field(
        "max_length",
        "use a whole number above min_length, e.g. 500",
        "longest answer in characters, above min_length.",
        parse_int,
    ),
    Field(
        "options",
        "list at least two different choices, e.g. Good; Okay; Bad",
        "at least two choices separated by ; (e.g. Good; Okay; Bad). "
        "Label=value pairs are allowed.",
        parse_options,
    ),
    Field("multi_choice", "use true or false", "true to allow several choices.", parse_bool),
    Field("min", "use a number of 0 or more, below max", "lowest value, 0 or more.", parse_number),
    Field(
        "max",
        "use a number of 0 or more, above min",
        f"highest value, above min (the UI shows up to {UI_MAX_NUMERIC}).",
        parse_number,
    ),
    Field(
        "step_size",
        "use a number above 0, such as 1 or 0.5",
        "step between values, above 0.",
        parse_number,
    ),
    Field("display_type", "use slider or button", "slider or button.", _choice),
    Field(
        "no_of_stars",
        f"use a whole number from 1 to {UI_MAX_STARS}",
        f"number of stars, 1-{UI_MAX_STARS}.",
        parse_int,
    ),
    Field(
        "rule_prompt",
        "write the instruction as plain text",
        "optional instruction for auto-annotation.",
        str.strip,
    ),
    Field(
        "auto_annotate",
        "use true or false",
        "true to let the platform annotate automatically.",
        parse_bool,
    ),
    Field("strategy", "use Rag, or leave blank", "Rag, or blank.", _strategy),
)


def table_problems(table: Sequence[Field]) -> list[str]:
    """How a table is out of step with the label models, one line per kind of slip."""
    names = [field.name for field in table]
    settings = set[str]().union(*SETTINGS_KEYS.values())
    known = settings | set(LabelSpec.model_fields)
    slips = {
        "in the table twice": [name for name, count in Counter(names).items() if count > 1],
        "without a column": sorted(known.difference(names)),
        "in no label model": sorted(set(names) - known),
        "without a parser": [f.name for f in table if f.name in settings and f.parse is None],
    }
    return [f"{slip}: {', '.join(found)}" for slip, found in slips.items() if found]


# Checked when the package is imported, so a forgotten column never reaches a user's row.
if _problems := table_problems(TABLE):
    raise TypeError("pipeline.validate.fields.TABLE: " + "; ".join(_problems))

FIELDS: tuple[str, ...] = tuple(field.name for field in TABLE)
LABEL_FIELDS: tuple[str, ...] = tuple(name for name in FIELDS if name in LabelSpec.model_fields)
SETTINGS_FIELDS: tuple[str, ...] = tuple(name for name in FIELDS if name not in LABEL_FIELDS)
PARSERS: dict[str, Parser] = {field.name: field.parse for field in TABLE if field.parse}
# The types each settings column belongs to, in LABEL_TYPES order.
OWNERS: dict[str, tuple[LabelType, ...]] = {
    name: tuple(kind for kind in LABEL_TYPES if name in SETTINGS_KEYS[kind])
    for name in SETTINGS_FIELDS
}


def _model_field(name: str) -> Any:
    """The pydantic field behind a column (for a setting: in its first type's model)."""
    if name in LABEL_FIELDS:
        return LabelSpec.model_fields[name]
    return SETTINGS_MODELS[OWNERS[name][0]].model_fields[name]


def _default_text(value: object) -> str:
    """` Default 10.` as the template says it; nothing for an empty default."""
    if value is None or value == "":
        return ""
    return f" Default {str(value).lower() if isinstance(value, bool) else value}."


def _note(field: Field, note: str) -> str:
    if field.name in LABEL_FIELDS:
        info = LabelSpec.model_fields[field.name]
        if info.is_required():
            return f"Required. {note}"
        return f"Optional. {note}{_default_text(info.get_default())}"
    owners = OWNERS[field.name]
    default = SETTINGS_DEFAULTS[owners[0]].get(field.name)
    return f"{', '.join(owners)}: {note}{_default_text(default)}"


# The template's note on each column it shows, in table order.
NOTES: dict[str, str] = {
    field.name: _note(field, field.note) for field in TABLE if field.note is not None
}


def _words(annotation: Any) -> tuple[str, ...]:
    """The words a cell of this type may hold: true/false, or a Literal's choices."""
    if annotation is bool:
        return ("true", "false")
    is_union = get_origin(annotation) in (Union, UnionType)
    parts = get_args(annotation) if is_union else (annotation,)
    return tuple(
        str(word) for part in parts if get_origin(part) is Literal for word in get_args(part)
    )


# The columns that take one of a few words, with those words: the template's drop-downs.
CHOICES: dict[str, tuple[str, ...]] = {
    name: words for name in FIELDS if (words := _words(_model_field(name).annotation))
}
