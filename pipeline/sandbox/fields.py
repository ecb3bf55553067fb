"""A label body's fields checked as the server's serializer checks them (Django REST
framework's fields): every field's errors at once, in the serializer's field order, in
its words.

Each check takes the raw JSON value and returns the accepted value, or records its
errors and returns None. Python's own `str()` is used where the server shows a value,
because that is what the server does (`"['text']" is not a valid choice.`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Collection
from typing import Any

from pipeline.sandbox.envelope import FieldError

LABEL_TYPES = ("text", "categorical", "numeric", "star", "thumbs_up_down")
NAME_MAX = 255
# The serializer's fields in its own order, which is the order errors are reported in.
FIELD_ORDER = ("name", "type", "settings", "project", "description", "allow_notes")
REQUIRED = ("name", "type")

# Django REST framework's BooleanField: these values and nothing else (1.0 equals 1).
_TRUE: frozenset[object] = frozenset(
    {"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1", 1}
)
_FALSE: frozenset[object] = frozenset(
    {"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0", 0}
)
# A UUID of Django's UUIDField built from an integer must fit in 128 bits.
_UUID_INTS = range(1 << 128)


class Errors:
    """Field errors in the order they are found, each field's first code kept."""

    def __init__(self) -> None:
        self.details: dict[str, list[str]] = {}
        self.codes: dict[str, str] = {}

    def add(self, field: str, message: str, code: str) -> None:
        self.details.setdefault(field, []).append(message)
        self.codes.setdefault(field, code)

    def raise_if_any(self) -> None:
        if self.details:
            raise FieldError(self.details, self.codes)


def _as_text(value: object) -> str | None:
    """A CharField takes strings and numbers (as their text), nothing else."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return str(value)


def _storable(field: str, text: str, errors: Errors) -> None:
    """The CharField's last checks: no NUL and no lone surrogate (the first one named)."""
    if "\x00" in text:
        errors.add(field, "Null characters are not allowed.", "null_characters_not_allowed")
    try:
        text.encode()
    except UnicodeEncodeError as exc:
        # UTF-8 refuses only surrogates; the codec finds the first one at C speed.
        message = f"Surrogate characters are not allowed: U+{ord(text[exc.start]):X}."
        errors.add(field, message, "surrogate_characters_not_allowed")


def text_field(
    field: str, value: object, errors: Errors, *, blank: bool, max_length: int | None = None
) -> str | None:
    """A CharField that trims white space; `blank` says whether it may end up empty."""
    if str(value).strip() == "":
        if not blank:
            errors.add(field, "This field may not be blank.", "blank")
            return None
        return ""
    text = _as_text(value)
    if text is None:
        errors.add(field, "Not a valid string.", "invalid")
        return None
    text = text.strip()
    if max_length is not None and len(text) > max_length:
        message = f"Ensure this field has no more than {max_length} characters."
        errors.add(field, message, "max_length")
    _storable(field, text, errors)
    return None if field in errors.details else text


def _name(value: object, errors: Errors, _: Collection[uuid.UUID] | None) -> str | None:
    return text_field("name", value, errors, blank=False, max_length=NAME_MAX)


def choice(field: str, value: object, errors: Errors) -> str | None:
    """A ChoiceField looks the value's text up among the label types."""
    text = str(value)
    if text in LABEL_TYPES:
        return text
    errors.add(field, f'"{text}" is not a valid choice.', "invalid_choice")
    return None


def _type(value: object, errors: Errors, _: Collection[uuid.UUID] | None) -> str | None:
    return choice("type", value, errors)


def _settings(value: object, errors: Errors, _: Collection[uuid.UUID] | None) -> object:
    """A JSONField takes any JSON value; infinity (1e999) is not one."""
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        errors.add("settings", "Value must be valid JSON.", "invalid")
        return None
    return value


def _description(value: object, errors: Errors, _: Collection[uuid.UUID] | None) -> str | None:
    return text_field("description", value, errors, blank=True)


def _project_uuid(value: object) -> uuid.UUID | None:
    """The UUID Django's UUIDField makes of a value: text in any of its forms, or an int."""
    try:
        if isinstance(value, int):
            return uuid.UUID(int=value) if value in _UUID_INTS else None
        return uuid.UUID(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _project(value: object, errors: Errors, projects: Collection[uuid.UUID] | None) -> str | None:
    """A primary key of one of the organisation's projects (any UUID when none are known)."""
    if isinstance(value, bool):
        message = "Incorrect type. Expected pk value, received bool."
        errors.add("project", message, "incorrect_type")
        return None
    found = _project_uuid(value)
    if found is None:
        errors.add("project", f"\u201c{value}\u201d is not a valid UUID.", "invalid")
        return None
    if projects is not None and found not in projects:
        message = f'Invalid pk "{value}" - object does not exist.'
        errors.add("project", message, "does_not_exist")
        return None
    return str(found)


def boolean(field: str, value: object, errors: Errors) -> bool | None:
    # Lists and objects cannot be looked up in a set; they are simply not booleans.
    hashable = not isinstance(value, list | dict)
    if hashable and value in _TRUE:
        return True
    if hashable and value in _FALSE:
        return False
    errors.add(field, "Must be a valid boolean.", "invalid")
    return None


def _allow_notes(value: object, errors: Errors, _: Collection[uuid.UUID] | None) -> bool | None:
    return boolean("allow_notes", value, errors)


_Check = Callable[[object, Errors, Collection[uuid.UUID] | None], object]
_CHECKS: dict[str, _Check] = {
    "name": _name,
    "type": _type,
    "settings": _settings,
    "project": _project,
    "description": _description,
    "allow_notes": _allow_notes,
}
# Fields whose null is a value rather than an error.
_NULLABLE = frozenset({"description"})


def parse_fields(
    body: dict[str, Any], *, required: bool, projects: Collection[uuid.UUID] | None = None
) -> dict[str, Any]:
    """The given fields of a body, checked; unknown keys are ignored, as the server does.

    `required` makes name and type required (create, PUT); `projects` are the
    organisation's projects, None accepting every well-formed project id.
    """
    errors = Errors()
    accepted: dict[str, Any] = {}
    for field in FIELD_ORDER:
        if field not in body:
            if required and field in REQUIRED:
                errors.add(field, "This field is required.", "required")
            continue
        value = body[field]
        if field == "project" and value == "":
            value = None
        if value is None and field not in _NULLABLE:
            errors.add(field, "This field may not be null.", "null")
            continue
        accepted[field] = None if value is None else _CHECKS[field](value, errors, projects)
    errors.raise_if_any()
    return accepted
