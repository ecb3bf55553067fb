"""JSON (an array of objects, or an object with a `labels` array) and JSON Lines.

Nested values (a settings object, an options list) become JSON text, so the mapping
stage treats them exactly like the same text typed into a spreadsheet cell."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.read.base import Reader, Sheet
from pipeline.read.detect import check_whole_file_size
from pipeline.read.text import sniff_encoding
from pipeline.rows import RawRow

_SURROGATE = re.compile("[\ud800-\udfff]")


def value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def json_document(path: Path, text: str, line: int | None = None) -> Any:
    """The parsed text, or one line saying where its JSON breaks; `line` is the line of a
    JSON Lines file the text is."""
    where = path.name if line is None else f"{path.name}: line {line}"
    if not text.strip():
        raise InputError(f"{where}: holds no JSON, only white space")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        at = f"column {error.colno}" if line else f"line {error.lineno}, column {error.colno}"
        raise InputError(f"{where}: not valid JSON: {error.msg} ({at})") from None
    except RecursionError:
        # The json module's own depth bound (the recursion limit), met while parsing.
        raise InputError(
            f"{where}: JSON nested too deeply to read (over {sys.getrecursionlimit():,} "
            "levels); a label needs only a few"
        ) from None
    except ValueError:
        # Python refuses to parse an integer of more than 4,300 digits.
        raise InputError(f"{where}: holds a number of more than 4,300 digits") from None


def nesting(value: Any, limit: int) -> int:
    """How many arrays and objects deep a parsed value goes, counted level by level (no
    recursion, so any depth is safe) and only up to `limit + 1`."""
    depth, level = 0, [value]
    while depth <= limit:
        containers = [item for item in level if isinstance(item, list | dict)]
        if not containers:
            break
        depth += 1
        level = [
            child
            for container in containers
            for child in (container.values() if isinstance(container, dict) else container)
        ]
    return depth


@dataclass
class JsonReader(Reader):
    def _sheets(self) -> Iterator[Sheet]:
        if self.sheet is not None:
            raise InputError(f"{self.path.name}: --sheet applies only to workbooks")
        records = self._records()
        headers: dict[str, None] = {}
        for _, record in records:
            headers.update(dict.fromkeys(record))
        if not records:
            return
        rows = (
            RawRow(number, None, {key: value_text(value) for key, value in record.items()})
            for number, record in records
        )
        yield Sheet(None, list(headers), rows)

    def _text(self) -> str:
        check_whole_file_size(self.path)
        encoding, fell_back = sniff_encoding(self.path)
        if fell_back:
            self.warn(
                "the file is not UTF-8; read it as Windows-1252 (cp1252)",
                "check accented characters, or save the file as UTF-8",
            )
        return self.path.read_text(encoding=encoding, errors="replace")

    def _records(self) -> list[tuple[int, dict[str, Any]]]:
        if self.format == "jsonl":
            return self._lines()
        document = json_document(self.path, self._text())
        if isinstance(document, dict) and isinstance(document.get("labels"), list):
            document = document["labels"]
        if not isinstance(document, list):
            raise InputError(
                f"{self.path.name}: expected an array of label objects or an object with a "
                f'"labels" array, not {_kind(document)}'
            )
        return [(index, self._object(item, index)) for index, item in enumerate(document, 1)]

    def _lines(self) -> list[tuple[int, dict[str, Any]]]:
        """One record per line. JSON Lines ends a line at \\n alone: str.splitlines would
        also split at U+2028 and other breaks a JSON string may hold as they are."""
        records = []
        for number, line in enumerate(self._text().split("\n"), start=1):
            if line.strip():
                item = json_document(self.path, line, number)
                records.append((number, self._object(item, number)))
        return records

    def _object(self, item: Any, number: int) -> dict[str, Any]:
        if not isinstance(item, dict):
            where = "line" if self.format == "jsonl" else "record"
            raise InputError(
                f"{self.path.name}: {where} {number} is {_kind(item)}, not an object "
                "with name and type"
            )
        if not all(map(str.isascii, item)) and any(map(_SURROGATE.search, item)):
            # A key is a column name, which every report writes: a lone surrogate (from a
            # \ud800 escape) cannot be written, so the key keeps the escape instead.
            return {escaped(key): value for key, value in item.items()}
        return item


def escaped(text: str) -> str:
    """The text with each lone surrogate as its \\ud800 escape, so it can be written."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _kind(value: Any) -> str:
    """A JSON value's kind as JSON calls it, for messages."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "true or false"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")
