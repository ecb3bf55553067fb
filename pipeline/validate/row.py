"""One row in, a typed label or the reasons it is not one out.

This is the hot path of `validate`: everything that depends only on the sheet's columns is
worked out once per sheet in `RowChecker`, so each row costs dictionary lookups, the cell
parsers and one pydantic validation.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from pipeline.labels import (
    SETTINGS_DEFAULTS,
    SETTINGS_KEYS,
    WRONG_KIND,
    LabelSpec,
    LabelType,
    likely_mistakes,
    ui_cap_warnings,
)
from pipeline.rows import CheckedRow, RawRow
from pipeline.validate import messages
from pipeline.validate.cells import CellError, parse_json_object
from pipeline.validate.columns import ColumnMap, label_type, snake_case
from pipeline.validate.fields import LABEL_FIELDS, OWNERS, PARSERS, Parser
from pipeline.validate.payload import check_payload
from pipeline.validate.problems import RowProblems

# A column this sheet has, with how to read it: (field, header, parser).
_Readable = tuple[str, str, Parser]

THUMBS_HINT = "thumbs_up_down labels take no settings; clear this cell"


class RowChecker:
    """Checks the rows of one sheet against the label models."""

    def __init__(self, columns: ColumnMap, *, export: bool = False) -> None:
        self.columns = columns.columns
        # Rows mapped from another tool's export, whose hints cannot point at columns.
        self.export = export
        # The headers of the name, type and settings JSON columns.
        self.name = self.columns["name"]
        self.type = self.columns["type"]
        self.json = self.columns.get("settings")
        # The label fields beside name and type that are read from their own cell.
        self.optional = [
            (key, self.columns[key], PARSERS[key])
            for key in LABEL_FIELDS
            if key in PARSERS and key in self.columns
        ]
        self.flat_by_kind = _settings_columns(self.columns)

    def check(self, raw: RawRow) -> CheckedRow:
        problems = RowProblems(raw, self.columns)
        cells = raw.cells
        kind = _label_type(cells.get(self.type, ""), problems)
        if kind is None:
            return CheckedRow(raw, None, problems.found)
        data: dict[str, Any] = {"type": kind}
        # A JSON record may leave the name out: the server's "required", not "blank".
        if self.name in cells:
            data["name"] = cells[self.name]
        if self.optional:
            _label_fields(self.optional, cells, data, problems)
        settings, failed = self._settings(cells, kind, problems)
        data["settings"] = settings
        try:
            label = LabelSpec.parse(data)
        except ValidationError as error:
            _refused(error, kind, (settings, failed), problems)
            return CheckedRow(raw, None, problems.found)
        check_payload(cells, label, problems)
        if problems.found and problems.has_errors():
            return CheckedRow(raw, None, problems.found)
        _warn(kind, settings, label, problems, export=self.export)
        return CheckedRow(raw, label, problems.found)

    def _settings(
        self, cells: dict[str, str], kind: LabelType, problems: RowProblems
    ) -> tuple[dict[str, Any], set[str]]:
        """The settings dict: the JSON cell first, flat columns on top. Also returns the
        keys whose cells could not be read, so pydantic does not report them twice."""
        failed: set[str] = set()
        settings = (
            _json_settings(cells.get(self.json, ""), kind, problems, failed) if self.json else {}
        )
        readable, foreign = self.flat_by_kind[kind]
        if foreign:
            _foreign_settings(foreign, cells, settings, problems)
        _flat_settings(readable, cells, settings, problems, failed)
        return settings, failed


def _refused(
    error: ValidationError,
    kind: LabelType,
    read: tuple[dict[str, Any], set[str]],
    problems: RowProblems,
) -> None:
    """The model's problems on the row; `read` is the settings given and the keys whose
    cells could not be read."""
    settings, failed = read
    for key, message, hint in messages.validation_problems(error, kind, failed, settings):
        if key in SETTINGS_DEFAULTS[kind] and key not in settings and problems.from_json:
            # A default the row left out: the settings JSON is where to give it.
            problems.from_json.add(key)
        problems.add(key, message, hint)


def _settings_columns(
    columns: dict[str, str],
) -> dict[LabelType, tuple[list[_Readable], list[_Readable]]]:
    """Per type: the settings columns it reads and those of other types, so the per-row
    work does no set lookups. In the sheet's order, so problems read left to right."""
    flat = [(key, header, PARSERS[key]) for key, header in columns.items() if key in OWNERS]
    return {
        kind: (
            [column for column in flat if column[0] in keys],
            [column for column in flat if column[0] not in keys],
        )
        for kind, keys in SETTINGS_KEYS.items()
    }


def _label_fields(
    optional: list[_Readable], cells: dict[str, str], data: dict[str, Any], problems: RowProblems
) -> None:
    """Description, project, allow_notes: a blank cell leaves the model's default."""
    for key, header, parse in optional:
        cell = cells.get(header)
        if cell and not cell.isspace():
            try:
                data[key] = parse(cell)
            except CellError as error:
                problems.add(key, error.message, error.hint)


def _label_type(text: str, problems: RowProblems) -> LabelType | None:
    if not text.strip():
        problems.add("type", messages.SERVER_WORDING["missing"])
        return None
    kind = label_type(text)
    if kind is None:
        problems.add("type", *messages.unknown_type(text))
    return kind


def _json_settings(
    text: str, kind: LabelType, problems: RowProblems, failed: set[str]
) -> dict[str, Any]:
    if not text.strip():
        return {}
    try:
        settings = {_setting_key(key): value for key, value in parse_json_object(text).items()}
    except CellError as error:
        if kind == "thumbs_up_down":
            # The server never checks a thumbs label's settings and stores whatever they
            # are; the type takes none, so sending none loses nothing.
            problems.warn("settings", f"{error.message}: nothing of it was sent", THUMBS_HINT)
            return {}
        problems.add("settings", error.message, error.hint)
        failed.add("settings")
        return {}
    problems.from_json.update(settings)
    return settings


def _setting_key(key: str) -> str:
    """`noOfStars` is no_of_stars; a key no type documents is sent as it is written."""
    known = snake_case(key)
    return known if known in OWNERS else key


def _foreign_settings(
    foreign: list[_Readable],
    cells: dict[str, str],
    settings: dict[str, Any],
    problems: RowProblems,
) -> None:
    """Filled columns of another type's settings are sent as written, as the server stores
    any key; `_warn` says so on their columns. A cell its parser cannot read goes as text."""
    for key, header, parse in foreign:
        cell = cells.get(header)
        if cell and not cell.isspace():
            # The flat cell overrides the JSON; the warning names the flat cell.
            problems.from_json.discard(key)
            try:
                settings[key] = parse(cell)
            except CellError:
                settings[key] = cell.strip()


def _flat_settings(
    readable: list[_Readable],
    cells: dict[str, str],
    settings: dict[str, Any],
    problems: RowProblems,
    failed: set[str],
) -> None:
    """A filled settings column overrides the same key of the settings JSON."""
    from_json = problems.from_json
    for key, header, parse in readable:
        cell = cells.get(header)
        if not cell or cell.isspace():
            continue
        in_json = None
        if key in from_json:
            in_json = settings.get(key)
            from_json.discard(key)
        try:
            settings[key] = value = parse(cell)
        except CellError as error:
            # As the server would word the value sent as typed; the hint says what to type.
            problems.add(key, WRONG_KIND.get(key, error.message), error.hint)
            settings.pop(key, None)
            failed.add(key)
            continue
        if in_json is not None and in_json != value:
            problems.warn(key, *messages.overridden(key, cell, in_json))


def _warn(
    kind: LabelType,
    settings: dict[str, Any],
    label: LabelSpec,
    problems: RowProblems,
    *,
    export: bool = False,
) -> None:
    """What a valid row is worth knowing: the defaults filled in, the values the UI caps,
    what the server accepts but is likely a slip."""
    filled = {key: value for key, value in SETTINGS_DEFAULTS[kind].items() if key not in settings}
    if filled:
        problems.warn("settings", *messages.defaults_filled(filled, export=export))
    for key, message in ui_cap_warnings(label):
        problems.warn(key, message, messages.UI_CAP_HINT)
    for key, message in likely_mistakes(label):
        problems.warn(key, message, messages.mistake_hint(key, kind))
    for message in messages.labels_as_text(settings.get("options")):
        problems.warn("options", message, messages.LABEL_AS_TEXT_HINT)
