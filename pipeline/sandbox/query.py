"""The query string of the label endpoints, checked strictly as the server's query
serializer checks it: an unknown parameter, a bad number, type, UUID or boolean is a 400.

List, GET one, PATCH, PUT and DELETE all go through it (the server's single-label views
share the list's queryset, and with it its query checks).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from multidict import MultiMapping

from pipeline.sandbox.fields import Errors, boolean, choice, text_field

DEFAULT_LIMIT = 10
MAX_LIMIT = 500
# Django REST framework's IntegerField refuses longer strings before converting them.
MAX_INTEGER_TEXT = 1000
# ASCII digits, and a decimal point followed by zeros only, which the IntegerField drops.
_INTEGER = re.compile(r"([+-]?[0-9]+)(\.0*)?")
KNOWN = (
    "page",
    "limit",
    "dataset",
    "project_id",
    "type",
    "search",
    "include_usage_count",
    "include_archived",
    "archived",
)


@dataclass(frozen=True, slots=True)
class Query:
    page: int = 1
    limit: int = DEFAULT_LIMIT
    dataset: str | None = None
    project_id: str | None = None
    type: str | None = None
    search: str = ""
    include_usage_count: bool = False
    include_archived: bool = False
    archived: bool = False

    @property
    def archived_filter(self) -> bool | None:
        """Which labels are seen: archived ones only, both (None), or active ones only."""
        if self.archived:
            return True
        return None if self.include_archived else False


def _integer(name: str, text: str, high: int | None, errors: Errors) -> int | None:
    """A query integer of at least 1 (and at most `high`), as the server's IntegerField
    reads it; the text is bounded before it is converted."""
    text = text.strip()
    if len(text) > MAX_INTEGER_TEXT:
        errors.add(name, "String value too large.", "max_string_length")
        return None
    digits = _INTEGER.fullmatch(text)
    if digits is None:
        errors.add(name, "A valid integer is required.", "invalid")
        return None
    number = int(digits.group(1))
    if number < 1:
        errors.add(name, "Ensure this value is greater than or equal to 1.", "min_value")
        return None
    if high is not None and number > high:
        errors.add(name, f"Ensure this value is less than or equal to {high}.", "max_value")
        return None
    return number


def _uuid(name: str, text: str, errors: Errors) -> str | None:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        errors.add(name, "Must be a valid UUID.", "invalid")
        return None


def _value(name: str, text: str, errors: Errors) -> object:
    if name in ("page", "limit"):
        return _integer(name, text, MAX_LIMIT if name == "limit" else None, errors)
    if name in ("dataset", "project_id"):
        return _uuid(name, text, errors)
    if name == "type":
        return choice(name, text, errors)
    if name == "search":
        return text_field(name, text, errors, blank=True)
    return boolean(name, text, errors)


def parse_query(params: MultiMapping[str]) -> Query:
    """The checked query; raises the server's 400 naming each bad parameter.

    Unknown parameters are reported alone, in name order; an empty value counts as
    absent; a parameter given twice counts by its last value, as Django reads it.
    """
    errors = Errors()
    for name in sorted(set(params) - set(KNOWN)):
        errors.add(name, "Unknown field.", "invalid")
    errors.raise_if_any()
    values: dict[str, Any] = {}
    for name in KNOWN:
        text = params.getall(name, [""])[-1]
        if text:
            values[name] = _value(name, text, errors)
    errors.raise_if_any()
    return Query(**values)
