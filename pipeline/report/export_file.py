"""An organisation's labels as a file that `run` reads back unchanged: the columns of
`template` and `validate`, one row per label, and the label's id and creation time beside.

Each setting goes in its own column when that column carries it: its cell, read back by
`validate`'s parser, gives the same value. Anything else goes in the `settings` JSON
column, which `validate` reads under the columns: a key no column has, a value the column
would change (a placeholder with leading spaces), and an empty one (`rule_prompt: ""`,
`strategy: null`), which a blank cell would leave for `validate` to fill with a warning.
Options read `Good; Okay; Bad` when the values are the ones `validate` derives, `Good=1;
Bad=0` when that reads back the same, and as a JSON array otherwise. CSV and XLSX
hold every value as its cell text; JSON and JSON Lines hold numbers, booleans and the
options list as JSON values, which the JSON reader turns into the same cell text. Labels
become rows page by page (`export_rows`), so the work overlaps the reading of the next.

Rows are sorted by project, name and type, the server's uniqueness key, so an export of
the same labels is the same file whatever order the server created them in.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pipeline.errors import UsageError
from pipeline.labels import LABEL_TYPES, SETTINGS_KEYS, Option
from pipeline.read.jsonfile import value_text
from pipeline.rows import EXPORT_COLUMNS, StopReason
from pipeline.validate.cells import CellError, parse_options
from pipeline.validate.fields import LABEL_FIELDS, PARSERS
from pipeline.validate.template import COLUMNS

EXPORT_FORMATS = (".csv", ".xlsx", ".json", ".jsonl")
# The template's columns, then the settings JSON for what they cannot carry, then ours.
LABEL_COLUMNS: tuple[str, ...] = (*COLUMNS, "settings")
LABEL_ID, CREATED_AT, ARCHIVED = EXPORT_COLUMNS
SHEET = "Labels"
_ABSENT = object()


def check_export_path(path: Path) -> None:
    """Refuse, before any request, a file the export could not write, or one that is a
    symlink: the new file would replace the link, not what it points to (as `run`'s
    outputs, it is refused)."""
    if path.is_dir():
        raise UsageError(f"{path}: is a folder; name the file to write")
    if path.suffix.lower() not in EXPORT_FORMATS:
        shown = path.suffix or "(none)"
        raise UsageError(f"{path.name}: export to a {', '.join(EXPORT_FORMATS)} file, not {shown}")
    if path.is_symlink():
        raise UsageError(f"{path}: is a symlink; remove it or name another file")
    if not path.parent.is_dir():
        raise UsageError(f"{path}: the folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK):
        raise UsageError(f"{path}: cannot write in {path.parent}")


def export_columns(*, archived: bool) -> list[str]:
    """The file's columns; `archived` says which labels are archived, when they are listed."""
    return [*LABEL_COLUMNS, LABEL_ID, CREATED_AT, *([ARCHIVED] if archived else [])]


def label_record(label: Mapping[str, Any], *, archived: bool = False) -> dict[str, Any]:
    """One label as a row of values: `validate` reads it back as the same label."""
    kind = value_text(label.get("type"))
    record: dict[str, Any] = {key: label.get(key) for key in LABEL_FIELDS}
    record["name"], record["type"] = value_text(label.get("name")), kind
    settings = label.get("settings")
    given = settings if isinstance(settings, dict) else {}
    extra = {}
    for key, value in given.items():
        column = _column_value(kind, key, value)
        if column is _ABSENT:
            extra[key] = value
        else:
            record[key] = column
    record["settings"] = extra or None
    record[LABEL_ID] = label.get("id")
    record[CREATED_AT] = label.get("created_at")
    if archived:
        record[ARCHIVED] = bool(label.get("archived"))
    return record


def _column_value(kind: str, key: str, value: Any) -> Any:
    """What `key`'s column holds for `value`, or `_ABSENT` when it cannot carry it."""
    if key == "options":
        return value if kind == "categorical" and options_text(value) is not None else _ABSENT
    if isinstance(value, list | dict):
        return _ABSENT
    # The type goes in the key: True, 1 and 1.0 are one key to a cache, not to a column.
    return value if _carried(kind, key, type(value).__name__, value) else _ABSENT


@functools.lru_cache(maxsize=4096)
def _carried(kind: str, key: str, kind_of_value: str, value: Any) -> bool:
    """Whether `key`'s column of a `kind` label reads back as `value`. Cached: settings
    repeat the same few values (0, 10, 1, slider, false) on label after label."""
    if kind not in LABEL_TYPES or key not in SETTINGS_KEYS[kind]:
        return False
    cell = value_text(value)
    if not cell.strip():
        # A blank cell would be read as "fill the default", which `validate` warns of.
        return False
    try:
        back = PARSERS[key](cell)
    except CellError:
        return False
    return bool(back == value) and isinstance(back, bool) == isinstance(value, bool)


def options_text(options: Any) -> str | None:
    """The options cell that reads back as `options`, or None if none does (not a list
    of objects with labels)."""
    if not isinstance(options, list):
        return None
    return _options_cell(json.dumps(options, ensure_ascii=False))


@functools.lru_cache(maxsize=4096)
def _options_cell(dumped: str) -> str | None:
    """`options_text` of the options that are `dumped` as JSON, the text they are known
    by: an organisation's labels often share their options (Good; Okay; Bad)."""
    options = json.loads(dumped)
    wanted = _options_read(options)
    if wanted is None:
        return None
    labels = [value_text(option.get("label")) for option in options]
    values = [value_text(option.get("value")) for option in options]
    plain = "; ".join(labels)
    pairs = "; ".join(f"{label}={value}" for label, value in zip(labels, values, strict=True))
    for text in (plain, pairs):
        try:
            if _options_read(parse_options(text)) == wanted:
                return text
        except CellError:
            continue
    return dumped


def _options_read(options: list[Any]) -> list[dict[str, Any]] | None:
    """The options as `validate` reads them, or None when it cannot (not objects with labels)."""
    try:
        return [Option.model_validate(option).model_dump() for option in options]
    except ValidationError:
        return None


def storable(value: Any) -> Any:
    """`value` with every lone surrogate in its text as an escape: the live server stores
    none (a `\\ud800` escape in a hostile answer makes one), and UTF-8, in which every
    format here is written, cannot hold one."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {storable(key): storable(part) for key, part in value.items()}
    if isinstance(value, list):
        return [storable(part) for part in value]
    return value


def sort_key(record: Mapping[str, Any]) -> tuple[str, ...]:
    """Project, name (case-folded, then as written), type, then creation and id, which
    tell apart archived labels that share the rest."""
    name, project, created, label_id, kind = map(_text, map(record.get, _SORTED_BY))
    return (project, name.casefold(), name, kind, created, label_id)


_SORTED_BY = ("name", "project", CREATED_AT, LABEL_ID, "type")


def _text(value: Any) -> str:
    """`value_text`, with the common case (text already) spared the call."""
    return value if type(value) is str else value_text(value)


def cell_record(record: Mapping[str, Any], columns: Iterable[str]) -> dict[str, str]:
    """A record as spreadsheet cells in `columns`: each value as the text `validate`
    reads. Most columns of a label are blank: only its filled ones are converted."""
    cells = dict.fromkeys(columns, "")
    for column, value in record.items():
        if value is not None and column in cells:
            cells[column] = _text(value)
    options = record.get("options")
    if options is not None:
        cells["options"] = options_text(options) or value_text(options)
    return cells


def export_rows(
    labels: Iterable[Mapping[str, Any]], *, text: bool, archived: bool
) -> list[dict[str, Any]]:
    """Labels as the rows of the file, in its columns: cell text (`text`, for CSV and
    XLSX) or JSON values, whole numbers as integers (for JSON and JSON Lines)."""
    columns = export_columns(archived=archived)
    rows = []
    for label in labels:
        record = label_record(label, archived=archived)
        if text:
            rows.append(cell_record(record, columns))
        else:
            rows.append({column: _whole(record.get(column)) for column in columns})
    return rows


def in_order(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each label once, sorted (`sort_key`). A label created while the pages are read
    shifts the later pages (newest first), so one label can come back on two of them."""
    seen: set[str] = set()
    kept = []
    for row in rows:
        label_id = value_text(row.get(LABEL_ID))
        if label_id:
            if label_id in seen:
                continue
            seen.add(label_id)
        kept.append(row)
    kept.sort(key=sort_key)
    return kept


def _whole(value: Any) -> Any:
    """10.0 as 10, as `validate` reads a whole number, so two exports of one label match."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


@dataclass(slots=True)
class ExportSummary:
    """What an export tells its caller: how many labels went to which file, the effort,
    and why it stopped when it did (then nothing was written: a file that holds only part
    of the labels would pass for a whole backup)."""

    labels: int
    path: str
    requests: int
    retries: int
    elapsed_s: float
    stopped: StopReason | None = None
    stop_message: str = ""

    @property
    def exit_code(self) -> int:
        """0 written, 3 stopped (bad keys, a server that stopped answering or would not
        stop paginating, an interruption)."""
        return 3 if self.stopped is not None else 0

    def to_dict(self) -> dict[str, Any]:
        """The `--json` object."""
        return {
            "labels": self.labels,
            "path": self.path,
            "requests": self.requests,
            "retries": self.retries,
            "elapsed_s": round(self.elapsed_s, 3),
            "stopped": self.stopped,
            "stop_message": self.stop_message,
        }
