"""Rows in, typed labels or problems out: the stage behind `label-import validate`.

Rows stream through one at a time; only the keys of rows already seen are kept, so a
million-row file validates in constant memory apart from those keys.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError

from pipeline.errors import InputError
from pipeline.labels import (
    LABEL_TYPES,
    SETTINGS_DEFAULTS,
    SETTINGS_KEYS,
    LabelSpec,
    LabelType,
    ui_cap_warnings,
)
from pipeline.read import Reader
from pipeline.read.inputs import open_input
from pipeline.rows import CheckedRow, Problem, RawRow
from pipeline.validate.cells import (
    CellError,
    parse_bool,
    parse_int,
    parse_json_object,
    parse_number,
    parse_options,
)
from pipeline.validate.columns import ColumnMap, label_type, map_columns, snake_case, suggest

HINTS = {
    "name": "give the label a name of 1-255 characters, without tabs or line breaks",
    "type": "use one of: " + ", ".join(LABEL_TYPES),
    "description": "write plain text or leave blank",
    "project": "use the project's UUID from Future AGI, or leave blank",
    "allow_notes": "use true or false",
    "settings": 'write a JSON object such as {"no_of_stars": 5}',
    "placeholder": "write plain text",
    "min_length": "use a whole number of 0 or more, below max_length",
    "max_length": "use a whole number above min_length, e.g. 500",
    "options": "list at least two different choices, e.g. Good; Okay; Bad",
    "multi_choice": "use true or false",
    "rule_prompt": "write the instruction as plain text",
    "auto_annotate": "use true or false",
    "strategy": "use Rag, or leave blank",
    "min": "use a number of 0 or more, below max",
    "max": "use a number of 0 or more, above min",
    "step_size": "use a number above 0, such as 1 or 0.5",
    "display_type": "use slider or button",
    "no_of_stars": "use a whole number from 1 to 10",
}

# The server's wording (DRF) for pydantic's error kinds.
_MESSAGES = {
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

_SETTINGS_KEYS = frozenset(key for keys in SETTINGS_KEYS.values() for key in keys)


class _Report(Protocol):
    """The per-row callback that records a problem against a field's column."""

    def __call__(
        self, key: str, message: str, hint: str | None = None, *, warning: bool = False
    ) -> None: ...


@dataclass(frozen=True)
class ValidationResult:
    """What `label-import validate` reports, as typed values."""

    path: str
    format: str
    rows_read: int
    valid: int
    invalid: int
    warnings: int
    problems: list[Problem]
    file_warnings: list[Problem] = field(default_factory=list)
    # Records of another tool's export left out on purpose (archived, no equivalent).
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return self.invalid == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "rows_read": self.rows_read,
            "valid": self.valid,
            "invalid": self.invalid,
            "skipped": self.skipped,
            "warnings": self.warnings,
            "file_warnings": [asdict(problem) for problem in self.file_warnings],
            "problems": [asdict(problem) for problem in self.problems],
        }


class _RowChecker:
    """Checks rows of one sheet; the column lookup is computed once, not per row."""

    def __init__(self, columns: ColumnMap) -> None:
        self.columns = columns.columns
        flat = [(key, header) for key, header in self.columns.items() if key in _SETTINGS_KEYS]
        # Per type: the flat columns it reads (with their parser) and the ones that must
        # stay empty, so the per-row loop does no set lookups.
        self.flat_by_kind = {
            kind: (
                [(key, header, _PARSERS[key]) for key, header in flat if key in keys],
                [(key, header) for key, header in flat if key not in keys],
            )
            for kind, keys in SETTINGS_KEYS.items()
        }

    def check(self, raw: RawRow) -> CheckedRow:
        problems: list[Problem] = []
        cells = raw.cells
        columns = self.columns
        # Settings keys whose value came from the settings JSON cell, so problems with
        # them point at that cell rather than at an empty flat column.
        from_json: set[str] = set()

        def problem(
            key: str, message: str, hint: str | None = None, *, warning: bool = False
        ) -> None:
            column = columns.get("settings" if key in from_json else key, key)
            problems.append(
                Problem(
                    raw.row,
                    raw.sheet,
                    column,
                    cells.get(column),
                    message,
                    HINTS.get(key, "") if hint is None else hint,
                    "warning" if warning else "error",
                )
            )

        kind = self._type(cells.get(columns["type"], ""), problem)
        if kind is None:
            return CheckedRow(raw, None, problems)
        data: dict[str, Any] = {"name": cells.get(columns["name"], ""), "type": kind}
        self._optional_fields(cells, data, problem)
        settings, failed = self._settings(cells, kind, problem, from_json)
        data["settings"] = settings
        try:
            label = LabelSpec.parse(data)
        except ValidationError as error:
            self._report(error, kind, failed, problem)
            return CheckedRow(raw, None, problems)
        if problems and any(found.severity == "error" for found in problems):
            return CheckedRow(raw, None, problems)
        self._warn_defaults(kind, settings, problem)
        for key, message in ui_cap_warnings(label):
            problem(
                key, message, "fine for the API, but the UI will not show it fully", warning=True
            )
        return CheckedRow(raw, label, problems)

    def _type(self, text: str, problem: _Report) -> LabelType | None:
        if not text.strip():
            problem("type", "This field is required.")
            return None
        kind = label_type(text)
        if kind is None:
            close = suggest(text, LABEL_TYPES)
            hint = f"did you mean {close}? " if close else ""
            problem("type", f'"{text.strip()}" is not a valid choice.', hint + HINTS["type"])
        return kind

    def _optional_fields(
        self, cells: dict[str, str], data: dict[str, Any], problem: _Report
    ) -> None:
        columns = self.columns
        for key in ("description", "project"):
            if key in columns and (text := cells.get(columns[key], "")).strip():
                data[key] = text.strip() if key == "project" else text
        if "allow_notes" in columns:
            try:
                data["allow_notes"] = parse_bool(cells.get(columns["allow_notes"], ""))
            except CellError as error:
                problem("allow_notes", error.message, error.hint)

    def _settings(
        self, cells: dict[str, str], kind: LabelType, problem: _Report, from_json: set[str]
    ) -> tuple[dict[str, Any], set[str]]:
        """The settings dict: the JSON column first, flat columns on top. Returns the keys
        whose cells could not be parsed, so pydantic does not report them twice."""
        settings: dict[str, Any] = {}
        failed: set[str] = set()
        if "settings" in self.columns and (text := cells.get(self.columns["settings"], "")).strip():
            try:
                settings = {snake_case(k): v for k, v in parse_json_object(text).items()}
                from_json.update(settings)
            except CellError as error:
                problem("settings", error.message, error.hint)
                failed.add("settings")
        readable, foreign = self.flat_by_kind[kind]
        for key, header in foreign:
            cell = cells.get(header)
            if cell and not cell.isspace():
                # The flat cell overrides the JSON; do not report the key a second time.
                settings.pop(key, None)
                from_json.discard(key)
                owners = ", ".join(t for t in LABEL_TYPES if key in SETTINGS_KEYS[t])
                problem(
                    key,
                    f"{key} is not a setting of a {kind} label",
                    f"clear this cell, or change type to {owners}",
                )
        for key, header, parse in readable:
            cell = cells.get(header)
            if not cell or cell.isspace():
                continue
            overridden = settings.get(key) if key in from_json else None
            if settings:
                # A filled flat column overrides the same key of the settings JSON.
                from_json.discard(key)
            try:
                settings[key] = parse(cell)
                if overridden is not None and overridden != settings[key]:
                    problem(
                        key,
                        f"{key} is {cell.strip()} here but {json.dumps(overridden)} in the "
                        f"settings JSON; {cell.strip()} is used",
                        f"keep {key} in one place",
                        warning=True,
                    )
            except CellError as error:
                problem(key, error.message, error.hint)
                settings.pop(key, None)
                failed.add(key)
        return settings, failed

    def _report(
        self, error: ValidationError, kind: LabelType, failed: set[str], problem: _Report
    ) -> None:
        seen: set[tuple[str, str]] = set()
        for item in error.errors():
            loc = [str(part) for part in item["loc"][1:]]
            key = loc[1] if loc[0] == "settings" and len(loc) > 1 else loc[0]
            if key in failed or (key == "settings" and "settings" in failed):
                continue
            message, hint = _describe(item, key, kind)
            if item["loc"][-1] in ("int", "float"):
                # Both branches of an `int | float` setting failed: one number problem.
                message = _MESSAGES["float_parsing"]
            if (key, message) in seen:
                continue
            seen.add((key, message))
            problem(key, message, hint)

    def _warn_defaults(self, kind: LabelType, settings: dict[str, Any], problem: _Report) -> None:
        filled = [
            f"{key}={json.dumps(default)}"
            for key, default in SETTINGS_DEFAULTS[kind].items()
            if key not in settings
        ]
        if filled:
            problem(
                "settings",
                "defaults filled: " + ", ".join(filled),
                "fill these columns to choose other values",
                warning=True,
            )


def _choice(text: str) -> str:
    return text.strip().lower()


def _strategy(text: str) -> str:
    text = text.strip()
    return "Rag" if text.lower() == "rag" else text


# One parser per flat settings column, picked once per sheet rather than per cell.
_PARSERS: dict[str, Callable[[str], Any]] = {
    "min_length": parse_int,
    "max_length": parse_int,
    "no_of_stars": parse_int,
    "min": parse_number,
    "max": parse_number,
    "step_size": parse_number,
    "multi_choice": parse_bool,
    "auto_annotate": parse_bool,
    "options": parse_options,
    "display_type": _choice,
    "strategy": _strategy,
    "placeholder": str.strip,
    "rule_prompt": str.strip,
}


def _describe(item: Any, key: str, kind: LabelType) -> tuple[str, str]:
    kind_of_error = item["type"]
    if kind_of_error == "extra_forbidden":
        allowed = SETTINGS_KEYS[kind]
        close = suggest(key, allowed)
        hint = (
            f"did you mean {close}?"
            if close
            else (f"remove it; a {kind} label takes: {', '.join(allowed) or 'no settings'}")
        )
        return f"{key} is not a setting of a {kind} label", hint
    if kind_of_error == "value_error":
        return str(item["msg"]).removeprefix("Value error, "), HINTS.get(key, "")
    if kind_of_error == "literal_error":
        return f'"{item["input"]}" is not a valid choice.', HINTS.get(key, "")
    template = _MESSAGES.get(kind_of_error)
    message = template.format(kind=type(item["input"]).__name__) if template else str(item["msg"])
    return message, HINTS.get(key, "")


class FileCheck:
    """Check every row of a file as it streams by. Iterate it for `CheckedRow`s in input
    order; `format`, `headers` and `warnings` (file-level) are available as reading goes."""

    def __init__(
        self,
        path: Path,
        *,
        sheet: str | None = None,
        source: str | None = None,
        include_archived: bool = False,
    ) -> None:
        self.path = Path(path)
        self.reader: Reader = open_input(
            self.path, sheet=sheet, source=source, include_archived=include_archived
        )
        self.column_maps: dict[str | None, ColumnMap] = {}
        self._warnings: list[Problem] = []
        self._sheet_names: list[str | None] = []
        # name key -> packed (row, sheet index, type index) of its first valid row; a
        # second dict only for names that recur with another type. Ints, not rows: memory.
        self._first: dict[str, int] = {}
        self._other_types: dict[tuple[str, int], int] = {}

    @property
    def format(self) -> str:
        return self.reader.format

    @property
    def headers(self) -> dict[str | None, list[str]]:
        return self.reader.headers

    @property
    def warnings(self) -> list[Problem]:
        return self.reader.warnings + self._warnings

    def __iter__(self) -> Iterator[CheckedRow]:
        label_sheets = rows = 0
        for sheet in self.reader.sheets():
            columns = map_columns(sheet.headers, sheet=sheet.name, where=self._where(sheet.name))
            if not columns.is_label_sheet:
                self._skip_sheet(columns, sheet.headers)
                continue
            label_sheets += 1
            self.column_maps[sheet.name] = columns
            self._warnings.extend(columns.warnings)
            self._sheet_names.append(sheet.name)
            checker = _RowChecker(columns)
            for raw in sheet.rows:
                rows += 1
                if raw.skip is not None:
                    yield _named(_skipped(raw), columns)
                    continue
                checked = checker.check(raw)
                if raw.notes:
                    checked = _with_notes(checked)
                if checked.label is not None:
                    checked = self._check_duplicate(checked, columns)
                yield checked if checked.label is not None else _named(checked, columns)
        if label_sheets == 0 and not self.reader.headers:
            raise InputError(f"{self.path.name}: the file is empty")
        if label_sheets == 0:
            raise InputError(
                f"{self.path.name}: no sheet has both a name and a type column; "
                "add them (see `label-import template`)"
            )
        if rows == 0:
            raise InputError(f"{self.path.name}: has a header but no label rows")

    def _where(self, sheet: str | None) -> str:
        return self.path.name + (f", sheet {sheet!r}" if sheet is not None else "")

    def _skip_sheet(self, columns: ColumnMap, headers: list[str]) -> None:
        missing = " and ".join(f for f in ("name", "type") if f not in columns.columns)
        found = ", ".join(h for h in headers if h)[:200]
        if columns.sheet is None or self.reader.sheet is not None:
            raise InputError(
                f"{self._where(columns.sheet)}: no {missing} column (found: {found}); "
                "add it or rename a column to it"
            )
        self._warnings.append(
            Problem(
                0,
                columns.sheet,
                None,
                None,
                f"sheet skipped: no {missing} column",
                "leave it if it holds notes; otherwise add the column",
                "warning",
            )
        )

    def _check_duplicate(self, checked: CheckedRow, columns: ColumnMap) -> CheckedRow:
        label = checked.label
        assert label is not None
        # The name is already trimmed; key() would trim it again on every row.
        key = f"{label.project or ''}\x00{label.name.casefold()}"
        kind_index = _KIND_INDEX[label.type]
        here = _pack(checked.raw.row, len(self._sheet_names) - 1, kind_index)
        first = self._first.get(key)
        if first is None:
            self._first[key] = here
            return checked
        if first & 7 != kind_index:
            earlier = self._other_types.get((key, kind_index))
            if earlier is None:
                self._other_types[key, kind_index] = here
                return self._with_problem(checked, columns, first, warning=True)
            first = earlier
        return self._with_problem(checked, columns, first, warning=False)

    def _with_problem(
        self, checked: CheckedRow, columns: ColumnMap, first: int, *, warning: bool
    ) -> CheckedRow:
        row, sheet_index, kind_index = _unpack(first)
        sheet = self._sheet_names[sheet_index]
        where = f"row {row}" + (f" of sheet {sheet!r}" if sheet != checked.raw.sheet else "")
        if warning:
            message = f"same name as {where}, which has type {LABEL_TYPES[kind_index]}"
            hint = "the server allows it, but the documentation says names are unique; rename one"
        else:
            message = f"duplicate of {where}: same name and type"
            hint = "delete this row or rename the label; the server would reject it"
        column = columns.columns["name"]
        found = Problem(
            checked.raw.row,
            checked.raw.sheet,
            column,
            checked.raw.cells.get(column),
            message,
            hint,
            "warning" if warning else "error",
        )
        label = checked.label if warning else None
        return replace(checked, label=label, problems=[*checked.problems, found])


def _skipped(raw: RawRow) -> CheckedRow:
    """A record left out on purpose still gets a line saying why."""
    why = Problem(raw.row, raw.sheet, None, None, f"skipped: {raw.skip}", "", "warning")
    return CheckedRow(raw, None, [*raw.notes, why])


def _named(checked: CheckedRow, columns: ColumnMap) -> CheckedRow:
    """A row without a label still shows its name and type cells in the report."""
    cells = checked.raw.cells
    return replace(
        checked,
        name=cells.get(columns.columns["name"], "").strip(),
        type=cells.get(columns.columns["type"], "").strip(),
    )


def _with_notes(checked: CheckedRow) -> CheckedRow:
    """Put what a migration reader found first; an error there makes the row invalid."""
    notes = list(checked.raw.notes)
    label = None if any(note.severity == "error" for note in notes) else checked.label
    return replace(checked, label=label, problems=[*notes, *checked.problems])


_KIND_INDEX = {kind: index for index, kind in enumerate(LABEL_TYPES)}


def _pack(row: int, sheet_index: int, kind_index: int) -> int:
    return (row << 16 | sheet_index) << 3 | kind_index


def _unpack(packed: int) -> tuple[int, int, int]:
    return packed >> 19, (packed >> 3) & 0xFFFF, packed & 7


def check_rows(
    path: Path,
    *,
    sheet: str | None = None,
    source: str | None = None,
    include_archived: bool = False,
) -> Iterator[CheckedRow]:
    """Every input row in input order, checked, with in-file duplicates marked invalid."""
    return iter(FileCheck(path, sheet=sheet, source=source, include_archived=include_archived))


def validate_file(
    path: Path,
    *,
    sheet: str | None = None,
    source: str | None = None,
    include_archived: bool = False,
) -> ValidationResult:
    """Check a whole file without sending anything. Raises InputError if it is unusable.

    `source` names the tool whose export the file is (see `pipeline.read.migrate.SOURCES`);
    without it, a JSON or XML export of a known shape is recognised by itself.
    """
    check = FileCheck(path, sheet=sheet, source=source, include_archived=include_archived)
    rows = valid = warnings = skipped = 0
    problems: list[Problem] = []
    for checked in check:
        rows += 1
        valid += checked.valid
        skipped += checked.skipped is not None
        for found in checked.problems:
            warnings += found.severity == "warning"
            problems.append(found)
    file_warnings = check.warnings
    return ValidationResult(
        path=str(path),
        format=check.format,
        rows_read=rows,
        valid=valid,
        invalid=rows - valid - skipped,
        skipped=skipped,
        warnings=warnings + len(file_warnings),
        problems=problems,
        file_warnings=file_warnings,
    )
