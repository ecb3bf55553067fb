"""JSON (an array of objects, or an object with a `labels` array) and JSON Lines.

Nested values (a settings object, an options list) become JSON text, so the mapping
stage treats them exactly like the same text typed into a spreadsheet cell."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.read.base import Reader, Sheet
from pipeline.read.text import sniff_encoding
from pipeline.rows import RawRow


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


def json_document(path: Path, text: str) -> Any:
    """The parsed file, or one line saying where its JSON breaks."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"{path.name}: not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None


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
                '"labels" array'
            )
        return [(index, self._object(item, index)) for index, item in enumerate(document, 1)]

    def _lines(self) -> list[tuple[int, dict[str, Any]]]:
        records = []
        for number, line in enumerate(self._text().splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as error:
                raise InputError(
                    f"{self.path.name}: line {number} is not valid JSON: {error.msg}"
                ) from None
            records.append((number, self._object(item, number)))
        return records

    def _object(self, item: Any, number: int) -> dict[str, Any]:
        if not isinstance(item, dict):
            raise InputError(
                f"{self.path.name}: record {number} is {type(item).__name__}, not an object "
                "with name and type"
            )
        return item
