"""What the server accepts in a create or patch body, with the server's own wording.

Field checks follow the server's serializer (all field errors reported together, keyed by
field); settings checks follow its model validation (the first broken rule, wrapped in
`Annotation label creation failed: {'__all__': [...]}`), including its quirk that an empty
settings object skips every check.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from pipeline.sandbox.envelope import ApiError, FieldError

LABEL_TYPES = ("text", "categorical", "numeric", "star", "thumbs_up_down")
NAME_MAX = 255

# The keys each type must carry once settings are non-empty, in the server's order.
REQUIRED_SETTINGS: dict[str, tuple[str, ...]] = {
    "text": ("placeholder", "min_length", "max_length"),
    "numeric": ("min", "max", "step_size", "display_type"),
    "categorical": ("options", "multi_choice", "rule_prompt", "auto_annotate", "strategy"),
    "star": ("no_of_stars",),
    "thumbs_up_down": (),
}

# The serializer's boolean parsing (Django REST framework's BooleanField).
_TRUE = {"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1"}
_FALSE = {"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0"}


@dataclass(slots=True)
class LabelFields:
    """The accepted, normalised fields of a create or patch body (None = not given)."""

    name: str | None = None
    type: str | None = None
    settings: dict[str, Any] | None = None
    description: str | None = None
    description_given: bool = False
    project: str | None = None
    allow_notes: bool | None = None


class _Errors:
    def __init__(self) -> None:
        self.details: dict[str, list[str]] = {}
        self.codes: dict[str, str] = {}

    def add(self, field: str, message: str, code: str) -> None:
        self.details.setdefault(field, []).append(message)
        self.codes.setdefault(field, code)

    def raise_if_any(self) -> None:
        if self.details:
            raise FieldError(self.details, self.codes)


def _string(value: object) -> str | None:
    """A serializer CharField accepts strings and numbers (as text), nothing else."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return str(value)


def _name(value: object, errors: _Errors) -> str | None:
    if value is None:
        errors.add("name", "This field may not be null.", "null")
        return None
    text = _string(value)
    if text is None:
        errors.add("name", "Not a valid string.", "invalid")
        return None
    text = text.strip()
    if not text:
        errors.add("name", "This field may not be blank.", "blank")
        return None
    if len(text) > NAME_MAX:
        errors.add(
            "name", f"Ensure this field has no more than {NAME_MAX} characters.", "max_length"
        )
    return _storable("name", text, errors)


def _storable(field: str, text: str, errors: _Errors) -> str | None:
    """The serializer's last checks of any text: no NUL and no lone surrogate (which has no
    UTF-8 form, so no database could store it)."""
    if "\x00" in text:
        errors.add(field, "Null characters are not allowed.", "null_characters_not_allowed")
    try:
        text.encode()
    except UnicodeEncodeError as exc:
        # UTF-8 refuses only surrogates; the codec finds the first one at C speed.
        message = f"Surrogate characters are not allowed: U+{ord(text[exc.start]):X}."
        errors.add(field, message, "surrogate_characters_not_allowed")
    return None if field in errors.details else text


def _type(value: object, errors: _Errors) -> str | None:
    if value is None:
        errors.add("type", "This field may not be null.", "null")
        return None
    if isinstance(value, str) and value in LABEL_TYPES:
        return value
    shown = value if isinstance(value, str | int | float) else json.dumps(value)
    errors.add("type", f'"{shown}" is not a valid choice.', "invalid_choice")
    return None


def _description(value: object, errors: _Errors) -> str | None:
    if value is None:
        return None
    text = _string(value)
    if text is None:
        errors.add("description", "Not a valid string.", "invalid")
        return None
    return _storable("description", text, errors)


def _project(value: object, errors: _Errors) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value))
        except ValueError:
            pass
    errors.add("project", "Must be a valid UUID.", "invalid")
    return None


def _allow_notes(value: object, errors: _Errors) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value in _TRUE:
        return True
    if isinstance(value, str) and value in _FALSE:
        return False
    errors.add("allow_notes", "Must be a valid boolean.", "invalid")
    return None


def _settings(value: object, errors: _Errors) -> dict[str, Any] | None:
    if value is None:
        return {}
    if not isinstance(value, dict):
        kind = {list: "list", str: "str", bool: "bool", int: "int", float: "float"}.get(
            type(value), type(value).__name__
        )
        errors.add(
            "settings", f'Expected a dictionary of items but got type "{kind}".', "not_a_dict"
        )
        return None
    return value


def parse_create(body: dict[str, Any]) -> LabelFields:
    """Check a create body field by field; every field error is reported at once."""
    errors = _Errors()
    fields = LabelFields()
    for required in ("name", "type"):
        if required not in body:
            errors.add(required, "This field is required.", "required")
    if "name" in body:
        fields.name = _name(body["name"], errors)
    if "type" in body:
        fields.type = _type(body["type"], errors)
    fields.settings = _settings(body.get("settings"), errors)
    fields.description = _description(body.get("description"), errors)
    fields.project = _project(body.get("project"), errors)
    fields.allow_notes = (
        _allow_notes(body["allow_notes"], errors) if "allow_notes" in body else False
    )
    errors.raise_if_any()
    assert fields.type is not None and fields.settings is not None
    check_settings(fields.type, fields.settings, action="creation")
    return fields


def parse_patch(body: dict[str, Any], label_type: str) -> LabelFields:
    """Check a patch body: name, description, settings and allow_notes may change; type may not."""
    errors = _Errors()
    fields = LabelFields()
    if "name" in body:
        fields.name = _name(body["name"], errors)
    if "type" in body and body["type"] != label_type:
        errors.add("type", "The label type cannot be changed.", "invalid")
    if "settings" in body:
        fields.settings = _settings(body["settings"], errors)
    if "description" in body:
        fields.description = _description(body["description"], errors)
        fields.description_given = True
    if "allow_notes" in body:
        fields.allow_notes = _allow_notes(body["allow_notes"], errors)
    errors.raise_if_any()
    if fields.settings is not None:
        check_settings(label_type, fields.settings, action="update")
    return fields


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def settings_problem(label_type: str, settings: dict[str, Any]) -> str | None:
    """The first settings rule this label breaks, in the server's words, or None.

    An empty settings object is accepted as it is: the live server skips every check then.
    """
    if not settings:
        return None
    required = REQUIRED_SETTINGS[label_type]
    if any(key not in settings for key in required):
        keys = ", ".join(f"'{key}'" for key in required)
        return f"{label_type.replace('_', ' ').capitalize()} type requires {{{keys}}} settings"
    check = _CHECKS.get(label_type)
    return check(settings) if check else None


def _text_problem(s: dict[str, Any]) -> str | None:
    if not isinstance(s["placeholder"], str):
        return "placeholder must be a string"
    if not (_is_integer(s["min_length"]) and _is_integer(s["max_length"])):
        return "min_length and max_length must be integers"
    if s["min_length"] >= s["max_length"]:
        return "min_length must be less than max_length"
    return None


def _numeric_problem(s: dict[str, Any]) -> str | None:
    if not (_is_number(s["min"]) and _is_number(s["max"])):
        return "min and max must be numbers"
    if s["min"] < 0:
        return "min cannot be negative"
    if s["max"] < 0:
        return "max cannot be negative"
    if s["min"] >= s["max"]:
        return "min must be less than max"
    if not _is_number(s["step_size"]):
        return "step_size must be a number"
    if s["step_size"] <= 0:
        return "step_size must be greater than 0"
    if s["display_type"] not in ("slider", "button"):
        return "display_type must be either 'slider' or 'button'"
    return None


def _options_problem(options: object) -> str | None:
    if not isinstance(options, list):
        return "options must be a list"
    if len(options) < 2:
        return "There must be at least two options"
    seen: set[str] = set()
    for option in options:
        label = option.get("label") if isinstance(option, dict) else None
        if not isinstance(label, str) or not label.strip():
            return "Each option must have a non-empty label"
        folded = label.strip().casefold()
        if folded in seen:
            return "Categorical option labels must be unique"
        seen.add(folded)
    return None


def _categorical_problem(s: dict[str, Any]) -> str | None:
    problem = _options_problem(s["options"])
    if problem is not None:
        return problem
    if not isinstance(s["multi_choice"], bool):
        return "multi_choice must be a boolean"
    if not isinstance(s["auto_annotate"], bool):
        return "auto_annotate must be a boolean"
    if not isinstance(s["rule_prompt"], str):
        return "rule_prompt must be a string"
    if s["strategy"] not in ("Rag", None):
        return "strategy must be 'Rag' or null"
    return None


def _star_problem(s: dict[str, Any]) -> str | None:
    if not _is_integer(s["no_of_stars"]):
        return "no_of_stars must be an integer"
    if s["no_of_stars"] < 1:
        return "no_of_stars must be at least 1"
    return None


_CHECKS = {
    "text": _text_problem,
    "numeric": _numeric_problem,
    "categorical": _categorical_problem,
    "star": _star_problem,
}


def check_settings(label_type: str, settings: dict[str, Any], *, action: str) -> None:
    problem = settings_problem(label_type, settings)
    if problem is not None:
        message = f"Annotation label {action} failed: {{'__all__': [{problem!r}]}}"
        raise ApiError(400, message, "invalid")
