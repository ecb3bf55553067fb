"""Regenerate labels.xlsx and labels.json from labels.csv (the hand-written source).

Run: uv run python sample_data/make_samples.py

The workbook stores numbers and booleans as real Excel numbers and booleans, as a person
typing into Excel would, so the sample exercises the reader's cell conversions. The JSON
file holds the validated payloads, nested settings and all, as an API-minded user writes it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import xlsxwriter

from pipeline.validate import check_rows

HERE = Path(__file__).parent
SOURCE = HERE / "labels.csv"
# Two sheets, as a team might split its labels: answer quality first, then safety & style.
SHEETS = {"Quality": 13, "Safety and style": None}


def excel_value(text: str) -> str | float | bool:
    if text in ("true", "false"):
        return text == "true"
    try:
        return float(text)
    except ValueError:
        return text


def write_xlsx(header: list[str], rows: list[list[str]]) -> None:
    workbook = xlsxwriter.Workbook(str(HERE / "labels.xlsx"))
    bold = workbook.add_format({"bold": True})
    start = 0
    for name, size in SHEETS.items():
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, header, bold)
        chunk = rows[start : start + size] if size else rows[start:]
        for index, row in enumerate(chunk, start=1):
            for col, text in enumerate(row):
                value = excel_value(text)
                # write() would turn text such as "=x" into a formula; strings stay strings.
                if isinstance(value, str) and value:
                    sheet.write_string(index, col, value)
                elif not isinstance(value, str):
                    sheet.write(index, col, value)
        sheet.freeze_panes(1, 0)
        start += len(chunk)
    workbook.close()


def write_json() -> None:
    labels = [checked.label.payload() for checked in check_rows(SOURCE) if checked.label]
    text = json.dumps({"labels": labels}, indent=2, ensure_ascii=False)
    (HERE / "labels.json").write_text(text + "\n", encoding="utf-8")


def main() -> None:
    with SOURCE.open(encoding="utf-8", newline="") as file:
        header, *rows = list(csv.reader(file))
    write_xlsx(header, rows)
    write_json()


if __name__ == "__main__":
    main()
