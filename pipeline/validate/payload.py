"""What the server refuses in a label the models accept: text it cannot store (NUL and lone
surrogates, which the server refuses and which our UTF-8 request body cannot even hold) and
a request body beyond its size limit.

Both are rare and both need the whole payload, so a row's cells are looked at first and
only a row that could have either problem has its payload checked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from pipeline.labels import LabelSpec
from pipeline.rows import Problem, RawRow
from pipeline.validate.messages import SURROGATE_HINT, surrogate_message
from pipeline.validate.problems import RowProblems

# The server refuses a request body over 1 MiB (HTTP 413); the sandbox's MAX_BODY must
# agree (tests/sandbox/test_agreement.py).
MAX_BODY = 1024 * 1024

_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# A cell character becomes at most 6 bytes of JSON (\u00e9), and a one-character option
# about 30 more with its value; a row with less text than this cannot reach MAX_BODY.
_SMALL_ROW = MAX_BODY // 64 - 4096


def check_payload(cells: dict[str, str], label: LabelSpec, problems: RowProblems) -> None:
    """Add an error for each payload field the server would refuse as text or size."""
    joined = "".join(cells.values())
    # A JSON escape (\u0000) in a settings cell becomes a bad character only once parsed.
    if "\x00" in joined or "\\u" in joined or (not joined.isascii() and _BAD_TEXT.search(joined)):
        _check_text(label.payload(), problems)
    if len(joined) > _SMALL_ROW:
        _check_size(label.payload(), problems)


def _fields(payload: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(field or settings key, value): the keys problems are reported on. A settings key
    is text the server must store too, so it is part of the value looked at."""
    for key, value in payload.items():
        if key == "settings":
            yield from ((name, {name: part}) for name, part in value.items())
        else:
            yield key, value


def _strings(value: Any) -> Iterator[str]:
    """Every text in a payload value: the value itself, or in an option list or a key
    sent as written, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, part in value.items():
            yield key
            yield from _strings(part)
    elif isinstance(value, list):
        for part in value:
            yield from _strings(part)


def _check_text(payload: dict[str, Any], problems: RowProblems) -> None:
    for key, value in _fields(payload):
        found = next((m.group() for text in _strings(value) if (m := _BAD_TEXT.search(text))), None)
        if found == "\x00":
            problems.add(
                key,
                "Null characters are not allowed.",
                "delete the NUL character (\\x00) from this cell; most editors do not show it",
            )
        elif found is not None:
            problems.add(key, surrogate_message(found), SURROGATE_HINT)


def _check_size(payload: dict[str, Any], problems: RowProblems) -> None:
    """Measured as ASCII-escaped JSON with spaces: what an update sends, and never less
    than the compact UTF-8 body of a create."""
    size = len(json.dumps(payload))
    if size <= MAX_BODY:
        return
    key, part = max(
        ((key, len(json.dumps(value))) for key, value in _fields(payload)), key=lambda item: item[1]
    )
    problems.add(
        key,
        f"the label would be sent as {size:,} bytes, more than the {MAX_BODY:,} bytes the "
        "server accepts in one request",
        f"shorten this cell: it makes {part:,} bytes of the request",
    )


def writable(raw: RawRow) -> tuple[RawRow, list[Problem]]:
    """The row with each lone surrogate written as its escape (\\ud800), as no file can
    hold one, and an error on each cell that held one. Only the JSON readers can pass one
    on; every row comes through here, so the common case is one join and one test."""
    joined = "".join(raw.cells.values())
    if joined.isascii() or not _SURROGATE.search(joined):
        return raw, []
    cells = dict(raw.cells)
    problems = []
    for header, text in raw.cells.items():
        found = _SURROGATE.search(text)
        if found:
            cells[header] = escaped = text.encode("utf-8", "backslashreplace").decode("utf-8")
            message = surrogate_message(found.group())
            problems.append(Problem(raw.row, raw.sheet, header, escaped, message, SURROGATE_HINT))
    return replace(raw, cells=cells), problems
