"""The server's settings rules (its model validation), in the order it checks them.

The first broken rule wins and is reported in the server's words. Falsy settings (`{}`,
`[]`, `""`, `0`, `false`) skip every check, for every type; a Python bool counts as an
integer and as a number, as it does on the server. Truthy settings that are not an
object crash the server's checks for the four types that have any.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from pipeline.sandbox.envelope import ApiError, ServerCrash, non_field_error
from pipeline.sandbox.fields import LABEL_TYPES, parse_fields

__all__ = [
    "DUPLICATE_MESSAGE",
    "LABEL_TYPES",
    "REQUIRED_SETTINGS",
    "LabelFields",
    "parse_create",
    "settings_problem",
]

DUPLICATE_MESSAGE = "A label with this name and type already exists in the selected project."

# The keys each type must carry once settings are non-empty, in the order the server's
# message lists them (it prints a Python set, whose order varies per server process).
REQUIRED_SETTINGS: dict[str, tuple[str, ...]] = {
    "text": ("placeholder", "max_length", "min_length"),
    "numeric": ("min", "max", "step_size", "display_type"),
    "categorical": ("rule_prompt", "multi_choice", "options", "auto_annotate", "strategy"),
    "star": ("no_of_stars",),
    "thumbs_up_down": (),
}
_TYPE_WORDS = {
    "text": "Text",
    "numeric": "Numeric",
    "categorical": "Categorical",
    "star": "Star",
}


@dataclass(frozen=True, slots=True)
class LabelFields:
    """A create body as the server accepts it."""

    name: str
    type: str
    settings: Any
    description: str | None
    project: str | None
    allow_notes: bool


def _is_number(value: object) -> bool:
    return isinstance(value, int | float)


def _text_problem(s: dict[str, Any]) -> str | None:
    if not isinstance(s["placeholder"], str):
        return "placeholder must be a string"
    if not isinstance(s["max_length"], int):
        return "max_length must be an integer"
    if not isinstance(s["min_length"], int):
        return "min_length must be an integer"
    if s["min_length"] >= s["max_length"]:
        return "min_length must be less than max_length"
    return None


def _numeric_problem(s: dict[str, Any]) -> str | None:
    for key in ("min", "max", "step_size"):
        if s[key] is None:
            return f"{key} cannot be null"
        if not _is_number(s[key]):
            return f"{key} must be an float"
    if s["min"] < 0:
        return "min cannot be negative"
    if s["max"] < 0:
        return "max cannot be negative"
    if s["min"] >= s["max"]:
        return "min must be less than max"
    if s["step_size"] <= 0:
        return "step_size must be greater than 0"
    if s["display_type"] not in ("slider", "button"):
        return "display_type must be either 'slider' or 'button'"
    return None


def _options_problem(options: object) -> str | None:
    if not isinstance(options, list):
        return "options must be a list"
    labels: list[str] = []
    for option in options:
        if not isinstance(option, dict) or "label" not in option:
            return "Each option must be a dictionary with a 'label' field"
        label = str(option["label"] or "").strip()
        if not label:
            return "Option labels cannot be empty"
        labels.append(label.casefold())
    if len(set(labels)) != len(labels):
        return "Categorical option labels must be unique"
    if len(options) < 2:
        return "There must be at least two options"
    return None


def _categorical_problem(s: dict[str, Any]) -> str | None:
    problem = _options_problem(s["options"])
    if problem is not None:
        return problem
    if not isinstance(s["multi_choice"], bool):
        return "multi_choice must be a boolean"
    if not isinstance(s["rule_prompt"], str):
        return "rule_prompt must be a string"
    if s["strategy"] not in ("Rag", None):
        return "Strategy must be 'Rag' or None."
    if not isinstance(s["auto_annotate"], bool):
        return "auto_annotate must be a boolean"
    return None


def _star_problem(s: dict[str, Any]) -> str | None:
    if not isinstance(s["no_of_stars"], int):
        return "no_of_stars must be an integer"
    if s["no_of_stars"] <= 0:
        return "no_of_stars must be greater than 0"
    return None


_CHECKS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "text": _text_problem,
    "numeric": _numeric_problem,
    "categorical": _categorical_problem,
    "star": _star_problem,
}


def settings_problem(label_type: str, settings: object) -> str | None:
    """The first settings rule this label breaks, in the server's words, or None.

    Raises ServerCrash where the server's own check fails: truthy settings that are not
    an object, on a type that checks its settings.
    """
    check = _CHECKS.get(label_type)
    if check is None or not settings:
        return None
    if not isinstance(settings, dict):
        raise ServerCrash(f"{label_type} settings of type {type(settings).__name__}")
    required = REQUIRED_SETTINGS[label_type]
    if any(key not in settings for key in required):
        keys = ", ".join(f"'{key}'" for key in required)
        return f"{_TYPE_WORDS[label_type]} type requires {{{keys}}} settings"
    return check(settings)


def settings_text(problem: str) -> str:
    """The server's rendering of its model error: a Python dict's repr."""
    return f"{{'__all__': [{problem!r}]}}"


def creation_failed(problem: str) -> ApiError:
    """A create's settings error: the message only, no `attr`, no `details`."""
    return ApiError(400, f"Annotation label creation failed: {settings_text(problem)}", "invalid")


def parse_create(
    body: dict[str, Any],
    projects: Collection[uuid.UUID] | None = None,
    exists: Callable[[LabelFields], bool] | None = None,
) -> LabelFields:
    """Check a create body in the server's order: the fields, then uniqueness (when
    `exists` is given, once every field is valid), then the settings rules.

    Raises the ApiError the server answers, or ServerCrash where the server fails.
    """
    given = parse_fields(body, required=True, projects=projects)
    fields = LabelFields(
        name=given["name"],
        type=given["type"],
        settings=given.get("settings", {}),
        description=given.get("description"),
        project=given.get("project"),
        allow_notes=given.get("allow_notes", False),
    )
    if exists is not None and exists(fields):
        raise non_field_error(DUPLICATE_MESSAGE)
    problem = settings_problem(fields.type, fields.settings)
    if problem is not None:
        raise creation_failed(problem)
    return fields
