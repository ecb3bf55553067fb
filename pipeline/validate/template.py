"""A file to fill in: the columns `validate` understands, one example row per type, and
(in xlsx) drop-down lists, notes and instructions that make wrong entries hard."""

from __future__ import annotations

import csv
from pathlib import Path

import xlsxwriter

from pipeline.errors import InputError
from pipeline.labels import LabelType
from pipeline.validate.fields import CHOICES, NOTES, OWNERS

# The template shows the settings columns type by type, these types first.
_TYPE_ORDER: tuple[LabelType, ...] = ("categorical", "numeric", "star", "text")


def _place(name: str) -> int:
    """Label fields first, then each type's settings, in `_TYPE_ORDER`; a type that is
    not listed there goes last."""
    if name not in OWNERS:
        return -1
    owner = OWNERS[name][0]
    return _TYPE_ORDER.index(owner) if owner in _TYPE_ORDER else len(_TYPE_ORDER)


# Column → the note shown on its header cell (and on the Instructions sheet).
COLUMNS: dict[str, str] = {name: NOTES[name] for name in sorted(NOTES, key=_place)}

EXAMPLES: list[dict[str, str]] = [
    {
        "name": "Reviewer comment",
        "type": "text",
        "description": "Free-form feedback on the answer",
        "allow_notes": "false",
        "placeholder": "What should change?",
        "min_length": "0",
        "max_length": "1000",
    },
    {
        "name": "Answer quality",
        "type": "categorical",
        "description": "Overall quality of the answer",
        "allow_notes": "true",
        "options": "Good; Okay; Bad",
        "multi_choice": "false",
        "rule_prompt": "",
        "auto_annotate": "false",
    },
    {
        "name": "Factual accuracy",
        "type": "numeric",
        "description": "0 = wrong, 10 = fully correct",
        "allow_notes": "false",
        "min": "0",
        "max": "10",
        "step_size": "1",
        "display_type": "slider",
    },
    {
        "name": "Helpfulness",
        "type": "star",
        "description": "How helpful the answer is",
        "allow_notes": "false",
        "no_of_stars": "5",
    },
    {
        "name": "Safe response",
        "type": "thumbs_up_down",
        "description": "Thumbs down for unsafe content",
        "allow_notes": "true",
    },
]

INSTRUCTIONS = [
    "How to fill the Labels sheet",
    "",
    "1. One label per row. Fill name and type on every row; keep the header row as it is.",
    "2. Fill only the columns for the row's type (the note on each header says which type "
    "uses it); leave the others blank. Blank settings get the platform's defaults.",
    "3. Use the drop-down lists for type, display_type, strategy and the true/false columns.",
    "4. Replace or delete the example rows (one per type) before importing.",
    "5. Check the file: label-import validate FILE.xlsx  (it reads every sheet that has "
    "name and type columns and skips this one).",
    "6. Import it: label-import run FILE.xlsx",
    "",
    "Columns",
]

_LAST_ROW = 5000


def write_template(path: Path) -> None:
    """Write an .xlsx or .csv template. Raises InputError for any other extension."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        _write_xlsx(path)
    elif suffix == ".csv":
        _write_csv(path)
    else:
        raise InputError(f"{path.name}: a template is .xlsx or .csv, not {suffix or '(none)'}")


def _write_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(EXAMPLES)


def _write_xlsx(path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    try:
        _labels_sheet(workbook)
        _instructions_sheet(workbook)
    finally:
        workbook.close()


def _labels_sheet(workbook: xlsxwriter.Workbook) -> None:
    sheet = workbook.add_worksheet("Labels")
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    names = list(COLUMNS)
    for col, name in enumerate(names):
        sheet.write_string(0, col, name, bold)
        sheet.write_comment(0, col, COLUMNS[name], {"x_scale": 2, "y_scale": 1.5})
        # Text format stops Excel turning "1/2" into a date or "007" into 7.
        sheet.set_column(col, col, max(14, len(name) + 4), text)
    for row, example in enumerate(EXAMPLES, start=1):
        for col, name in enumerate(names):
            if example.get(name):
                sheet.write_string(row, col, example[name])
    sheet.freeze_panes(1, 0)
    for name in names:
        if name in CHOICES:
            _drop_down(sheet, names, name, list(CHOICES[name]))


def _drop_down(sheet: object, names: list[str], column: str, choices: list[str]) -> None:
    col = names.index(column)
    sheet.data_validation(  # type: ignore[attr-defined]
        1,
        col,
        _LAST_ROW,
        col,
        {
            "validate": "list",
            "source": choices,
            "error_title": f"Invalid {column}",
            "error_message": "Pick one of: " + ", ".join(choices),
        },
    )


def _instructions_sheet(workbook: xlsxwriter.Workbook) -> None:
    sheet = workbook.add_worksheet("Instructions")
    bold = workbook.add_format({"bold": True})
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 100)
    for row, line in enumerate(INSTRUCTIONS):
        sheet.write_string(row, 0, line, bold if row == 0 or line == "Columns" else None)
    for row, (name, note) in enumerate(COLUMNS.items(), start=len(INSTRUCTIONS)):
        sheet.write_string(row, 0, name, bold)
        sheet.write_string(row, 1, note)
