"""What a person reads about a row: the hint for each column, pydantic's errors in the
server's words, and the few messages the row checker writes itself."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from pipeline.labels import LABEL_TYPES, SETTINGS_KEYS, LabelType
from pipeline.validate.columns import suggest
from pipeline.validate.fields import OWNERS, TABLE

HINTS: dict[str, str] = {field.name: field.hint for field in TABLE}

# The server's wording (DRF) for pydantic's error kinds.
SERVER_WORDING = {
    "missing": "This field is required.",
    "int_parsing": "A valid integer is required.",
    "int_type": "A valid integer is required.",
    "int_from_float": "A valid integer is required.",
    "float_parsing": "A valid number is required.",
    "float_type": "A valid number is required.",
    "finite_number": "A valid number is required (not NaN or infinity).",
    "bool_parsing": "Must be a valid boolean.",
    "bool_type": "Must be a valid boolean.",
    "string_type": "Not a valid string.",
    "list_type": 'Expected a list of items but got type "{kind}".',
    "model_type": "Expected an object.",
    "dict_type": "Expected an object.",
}

UI_CAP_HINT = "fine for the API, but the UI will not show it fully"


def unknown_type(text: str) -> tuple[str, str]:
    close = suggest(text, LABEL_TYPES)
    hint = f"did you mean {close}? " if close else ""
    return f'"{text.strip()}" is not a valid choice.', hint + HINTS["type"]


def not_a_setting(key: str, kind: LabelType) -> str:
    return f"{key} is not a setting of a {kind} label"


def foreign_setting(key: str, kind: LabelType) -> tuple[str, str]:
    """A filled column that belongs to another type."""
    return not_a_setting(key, kind), f"clear this cell, or change type to {', '.join(OWNERS[key])}"


def overridden(key: str, cell: str, in_json: Any) -> tuple[str, str]:
    """A flat column and the settings JSON disagree; the flat column wins."""
    shown = cell.strip()
    return (
        f"{key} is {shown} here but {json.dumps(in_json)} in the settings JSON; {shown} is used",
        f"keep {key} in one place",
    )


def defaults_filled(filled: dict[str, Any]) -> tuple[str, str]:
    return (
        "defaults filled: "
        + ", ".join(f"{key}={json.dumps(value)}" for key, value in filled.items()),
        "fill these columns to choose other values",
    )


def validation_problems(
    error: ValidationError, kind: LabelType, failed: set[str]
) -> list[tuple[str, str, str]]:
    """(field or settings key, message, hint) for each problem pydantic found, once each;
    keys in `failed` are left out, their cells have already been reported."""
    seen: set[tuple[str, str]] = set()
    found = []
    for item in error.errors():
        loc = [str(part) for part in item["loc"][1:]]
        key = loc[1] if loc[0] == "settings" and len(loc) > 1 else loc[0]
        if key in failed or (key == "settings" and "settings" in failed):
            continue
        message, hint = describe(item, key, kind)
        if item["loc"][-1] in ("int", "float"):
            # Both branches of an `int | float` setting failed: one number problem.
            message = SERVER_WORDING["float_parsing"]
        if (key, message) not in seen:
            seen.add((key, message))
            found.append((key, message, hint))
    return found


def describe(item: Any, key: str, kind: LabelType) -> tuple[str, str]:
    """One pydantic error as (message, hint), in the server's words where it has them."""
    kind_of_error = item["type"]
    if kind_of_error == "extra_forbidden":
        allowed = SETTINGS_KEYS[kind]
        close = suggest(key, allowed)
        hint = (
            f"did you mean {close}?"
            if close
            else (f"remove it; a {kind} label takes: {', '.join(allowed) or 'no settings'}")
        )
        return not_a_setting(key, kind), hint
    if kind_of_error == "value_error":
        return str(item["msg"]).removeprefix("Value error, "), HINTS.get(key, "")
    if kind_of_error == "literal_error":
        return f'"{item["input"]}" is not a valid choice.', HINTS.get(key, "")
    template = SERVER_WORDING.get(kind_of_error)
    message = template.format(kind=type(item["input"]).__name__) if template else str(item["msg"])
    return message, HINTS.get(key, "")
