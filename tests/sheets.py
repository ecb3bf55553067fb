"""Write small input files for tests: CSV text, and workbooks with real Excel cell types."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

Cell = str | int | float | bool | None


def write_csv(path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[Cell]]]) -> Path:
    """Each sheet's rows from A1; None leaves a cell empty; types stay native."""
    workbook = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                # Plain write() would turn "=x" into a formula and "http…" into a link.
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write(r, c, value)
    workbook.close()
    return path
