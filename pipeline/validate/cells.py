"""Turn cell text as typed into typed values, with messages a spreadsheet user understands.

Each parser raises `CellError(message, hint)`; the validator attaches row and column.
The scalar parsers are cached: a sheet repeats the same few values ("true", "0", "10")
on every row, and a cache hit costs a fraction of a parse.
"""

from __future__ import annotations

import functools
import json
import math
import re
from typing import Any

from pipeline.read.jsonfile import nesting


class CellError(ValueError):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


# A label's settings nest three levels at most (settings, options, one option).
MAX_JSON_DEPTH = 32
_TOO_DEEP = object()
# The server's words (t/f, y/n, yes/no, on/off, 1/0, true/false), x and blank too.
_TRUE = frozenset({"true", "t", "yes", "y", "1", "on", "x"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "off", ""})
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PAIR = re.compile(r"^(?P<label>.*?)\s*[=:]\s*(?P<value>[^=:]*)$")


@functools.lru_cache(maxsize=4096)
def parse_bool(text: str) -> bool:
    """true/false, t/f, yes/no, y/n, 1/0, on/off, x/blank, in any case; Excel's TRUE/FALSE."""
    key = text.strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError("Must be a valid boolean.", "use true or false (yes/no, 1/0 also work)")


@functools.lru_cache(maxsize=4096)
def parse_number(text: str) -> int | float:
    """An integer or decimal; whole numbers come back as int so payloads read `5`, not `5.0`."""
    raw = text.strip()
    if _THOUSANDS.match(raw):
        raise CellError(
            "A valid number is required.",
            f"remove the thousands separators: {raw.replace(',', '')}",
        )
    try:
        value = float(raw)
    except ValueError:
        raise CellError(
            "A valid number is required.", "type a plain number such as 5 or 2.5"
        ) from None
    if not math.isfinite(value):
        raise CellError(
            "A valid number is required (not NaN or infinity).", "type a finite number such as 10"
        )
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


@functools.lru_cache(maxsize=4096)
def parse_int(text: str) -> int:
    """An integer; `5.0` is accepted because Excel often stores whole numbers that way."""
    try:
        value = parse_number(text)
    except CellError as error:
        hint = "type a whole number such as 5" if "plain number" in error.hint else error.hint
        raise CellError(error.message.replace("number", "integer"), hint) from None
    if isinstance(value, float):
        raise CellError("A valid integer is required.", f"use a whole number, e.g. {round(value)}")
    return value


def parse_options(text: str) -> list[Any]:
    """Options as typed in one cell: a JSON array, one per line, `A; B`, `A | B`,
    each optionally `Label=value` or `Label: value`. Missing values are left empty for
    the model to derive as a slug."""
    raw = text.strip()
    if raw.startswith("["):
        return _json_options(raw)
    for separator in ("\n", ";", "|"):
        if separator in raw:
            parts = raw.split(separator)
            break
    else:
        parts = [raw]
    return [_one_option(part.strip()) for part in parts if part.strip()]


def _one_option(part: str) -> dict[str, str]:
    pair = _PAIR.match(part)
    if pair and pair["label"].strip():
        return {"label": pair["label"].strip(), "value": pair["value"].strip()}
    return {"label": part, "value": ""}


def _json_options(raw: str) -> list[Any]:
    """A JSON array of options: a string is a label; an object is kept as it is, for the
    label model to check and to send its other keys as written."""
    items = json_cell(raw, "options", 'write ["Good", "Bad"] or Good; Bad')
    if not isinstance(items, list):
        raise CellError("options must be a list", 'write ["Good", "Bad"] or Good; Bad')
    options: list[Any] = []
    for item in items:
        if isinstance(item, str):
            options.append({"label": item, "value": ""})
        elif isinstance(item, dict):
            options.append(item)
        else:
            raise CellError(
                "Each option must be a dictionary with a 'label' field",
                'write each option as text or as {"label": "Good", "value": "good"}',
            )
    return options


def parse_json_object(text: str) -> dict[str, Any]:
    """A settings cell's object. A falsy value ([], 0, false, "", null) is no settings, as
    the server skips every check for it; the defaults are filled as for a blank cell."""
    value = json_cell(
        text, "settings", 'write a JSON object such as {"min": 0, "max": 5}, with double quotes'
    )
    if not value:
        return {}
    if not isinstance(value, dict):
        raise CellError(
            "settings must be a JSON object", 'write a JSON object such as {"no_of_stars": 5}'
        )
    return value


class NotFinite(ValueError):
    """NaN, Infinity or a number too large for a float: JSON has no such number."""


def _not_finite(text: str) -> float:
    raise NotFinite(text)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NotFinite(text)
    return value


def json_cell(text: str, column: str, hint: str) -> Any:
    """A cell's JSON, nested at most `MAX_JSON_DEPTH` deep: a cell nested deeper is that
    row's problem, never the file's (the json module would raise RecursionError)."""
    try:
        value = json.loads(text, parse_constant=_not_finite, parse_float=_finite)
    except NotFinite:
        raise CellError("Value must be valid JSON.", "write a finite number such as 10") from None
    except json.JSONDecodeError as error:
        raise CellError(
            f"{column} is not valid JSON: {error.msg} at character {error.pos + 1}", hint
        ) from None
    except RecursionError:
        value = _TOO_DEEP
    except ValueError:
        # Python refuses to parse an integer of more than 4,300 digits.
        raise CellError(f"{column} holds a number of more than 4,300 digits", hint) from None
    # Only a cell with many brackets can be deep; the count spares the walk for the rest.
    deep = text.count("[") + text.count("{") > MAX_JSON_DEPTH
    if value is _TOO_DEEP or (deep and nesting(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH):
        raise CellError(f"{column} is JSON nested more than {MAX_JSON_DEPTH} levels deep", hint)
    return value
