"""What a person reads about a row: the hint for each column, pydantic's errors in the
server's words, and the few messages the row checker writes itself."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from pipeline.labels import LABEL_TYPES, SETTINGS_DEFAULTS, SETTINGS_KEYS, LabelType, option_label
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
# The hints of the note that defaults were filled in (a spreadsheet's, an export's): the one
# warning a run's report leaves out, since nearly every row without settings gets it and
# it changes nothing.
DEFAULTS_HINT = "fill these columns to choose other values"
DEFAULTS_EXPORT_HINT = "the export does not set these: Future AGI's defaults are used"
DEFAULTS_HINTS = (DEFAULTS_HINT, DEFAULTS_EXPORT_HINT)
SURROGATE_HINT = (
    "the text holds half of a UTF-16 character pair (a broken \\ud800-style escape); "
    "delete it or type the character again"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
LABEL_AS_TEXT_HINT = "put the label in quotes to keep it as you mean it"


def unknown_type(text: str) -> tuple[str, str]:
    close = suggest(text, LABEL_TYPES)
    hint = f"did you mean {close}? " if close else ""
    return f'"{text.strip()}" is not a valid choice.', hint + HINTS["type"]


def mistake_hint(key: str, kind: LabelType) -> str:
    """How to fix what `likely_mistakes` found on `key`, if it is a slip."""
    if key == "name":
        return "retype the name without tabs or line breaks, unless you mean them"
    if key == "min_length":
        return "use 0 or more, unless you mean it"
    if key == "options":
        return "remove the other keys of the option, unless you need them stored"
    if key in OWNERS:
        return f"clear this cell, or change type to {', '.join(OWNERS[key])}"
    allowed = SETTINGS_KEYS[kind]
    close = suggest(key, allowed)
    if close:
        return f"did you mean {close}?"
    return f"remove it unless the platform needs it; a {kind} label takes: " + (
        ", ".join(allowed) or "no settings"
    )


def labels_as_text(options: Any) -> list[str]:
    """An option label that is not text (5, true) is sent as the text the server reads."""
    if not isinstance(options, list):
        return []
    return [
        f"option label {json.dumps(option['label'])} is not text; sent as "
        f"{json.dumps(option_label(option['label']))}"
        for option in options
        if isinstance(option, dict) and not isinstance(option.get("label"), str)
    ]


def default_clash(key: str, default: Any) -> str:
    """The hint for a cross-field rule broken by a default the row left to us."""
    return f"{key} is left out and its default {json.dumps(default)} breaks this rule; fill {key}"


def overridden(key: str, cell: str, in_json: Any) -> tuple[str, str]:
    """A flat column and the settings JSON disagree; the flat column wins."""
    shown = cell.strip()
    return (
        f"{key} is {shown} here but {json.dumps(in_json)} in the settings JSON; {shown} is used",
        f"keep {key} in one place",
    )


def defaults_filled(filled: dict[str, Any], *, export: bool = False) -> tuple[str, str]:
    """The defaults a row left out; an export has no columns to fill, so its hint differs."""
    return (
        "defaults filled: "
        + ", ".join(f"{key}={json.dumps(value)}" for key, value in filled.items()),
        DEFAULTS_EXPORT_HINT if export else DEFAULTS_HINT,
    )


def validation_problems(
    error: ValidationError, kind: LabelType, failed: set[str], given: dict[str, Any]
) -> list[tuple[str, str, str]]:
    """(field or settings key, message, hint) for each problem pydantic found, once each;
    keys in `failed` are left out, their cells have already been reported. A settings key
    not in `given` broke a rule with its default, which the hint says."""
    seen: set[tuple[str, str]] = set()
    found = []
    defaults = SETTINGS_DEFAULTS[kind]
    for item in error.errors():
        key = _key(item["loc"])
        if key in failed or (key == "settings" and "settings" in failed):
            continue
        message, hint = describe(item, key)
        if key in defaults and key not in given:
            hint = default_clash(key, defaults[key])
        if (key, message) not in seen:
            seen.add((key, message))
            found.append((key, message, hint))
    return found


def _key(loc: tuple[int | str, ...]) -> str:
    """The field or settings key of an error's location (after the label type's tag)."""
    if loc[1] == "settings" and len(loc) > 2:
        return str(loc[2])
    return str(loc[1])


def surrogate_message(character: str) -> str:
    return f"Surrogate characters are not allowed: U+{ord(character):04X}."


def describe(item: Any, key: str) -> tuple[str, str]:
    """One pydantic error as (message, hint), in the server's words where it has them."""
    kind_of_error = item["type"]
    if kind_of_error == "string_unicode" and (found := _SURROGATE.search(str(item["input"]))):
        # A settings key sent as written, holding a lone surrogate.
        return surrogate_message(found.group()), SURROGATE_HINT
    if kind_of_error == "value_error":
        return str(item["msg"]).removeprefix("Value error, "), HINTS.get(key, "")
    if kind_of_error == "literal_error":
        return f'"{item["input"]}" is not a valid choice.', HINTS.get(key, "")
    template = SERVER_WORDING.get(kind_of_error)
    message = template.format(kind=type(item["input"]).__name__) if template else str(item["msg"])
    return message, HINTS.get(key, "")
