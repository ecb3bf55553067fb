"""Workbooks through calamine: native cell types become the text the user sees."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import xlsxwriter

from pipeline.read import open_reader, read_rows
from pipeline.read.excel import cell_text
from tests.sheets import write_ods, write_xlsx


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (5.0, "5"),
        (2.5, "2.5"),
        (0.1 + 0.2, "0.3"),
        (True, "TRUE"),
        (False, "FALSE"),
        ("007", "007"),
        (dt.date(2024, 1, 5), "2024-01-05"),
        (dt.datetime(2024, 1, 5), "2024-01-05"),
        (dt.datetime(2024, 1, 5, 9, 30), "2024-01-05T09:30:00"),
        (dt.time(9, 30), "09:30:00"),
        (7, "7"),
    ],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_reads_every_sheet_with_row_numbers_and_sheet_names(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "a.xlsx",
        {
            "Quality": [
                ["name", "type", "no_of_stars"],
                ["A", "star", 5],
                [None],
                ["B", "star", 3.0],
            ],
            "Safety": [[None], ["name", "type"], ["C", True]],
        },
    )
    rows = list(read_rows(path))
    assert [(r.sheet, r.row) for r in rows] == [("Quality", 2), ("Quality", 4), ("Safety", 3)]
    assert rows[0].cells == {"name": "A", "type": "star", "no_of_stars": "5"}
    assert rows[1].cells["no_of_stars"] == "3"
    assert rows[2].cells["type"] == "TRUE"


def test_sheet_option_reads_one_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", {"A": [["name"], ["x"]], "B": [["name"], ["y"]]})
    reader = open_reader(path, sheet="B")
    assert [r.cells for r in reader] == [{"name": "y"}]
    assert reader.headers == {"B": ["name"]}


def test_formulas_read_their_cached_value_and_dates_read_as_iso(tmp_path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(tmp_path / "a.xlsx"))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["name", "type", "max", "description"])
    sheet.write_row(1, 0, ["A", "numeric"])
    sheet.write_formula(1, 2, "=2*5", None, 10)
    sheet.write_datetime(
        1, 3, dt.datetime(2024, 3, 1), workbook.add_format({"num_format": "yyyy-mm-dd"})
    )
    workbook.close()
    [row] = read_rows(tmp_path / "a.xlsx")
    assert row.cells == {"name": "A", "type": "numeric", "max": "10", "description": "2024-03-01"}


def test_merged_cells_warn_and_read_blank(tmp_path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(tmp_path / "a.xlsx"))
    sheet = workbook.add_worksheet("S")
    sheet.write_row(0, 0, ["name", "type"])
    sheet.merge_range(1, 1, 2, 1, "text")
    sheet.write(1, 0, "A")
    sheet.write(2, 0, "B")
    workbook.close()
    reader = open_reader(tmp_path / "a.xlsx")
    assert [r.cells["type"] for r in reader] == ["text", ""]
    [warning] = reader.warnings
    assert warning.message.startswith("merged cells B2:B3")


def test_opendocument_spreadsheet(tmp_path: Path) -> None:
    path = write_ods(
        tmp_path / "a.ods",
        {
            "Notes": [["Read me"]],
            "Labels": [
                ["name", "type", "no_of_stars", "allow_notes"],
                ["Stars", "star", 4.0, True],
            ],
        },
    )
    reader = open_reader(path)
    assert reader.format == "ods"
    [row] = [r for r in reader if r.sheet == "Labels"]
    assert (row.row, row.cells) == (
        2,
        {"name": "Stars", "type": "star", "no_of_stars": "4", "allow_notes": "TRUE"},
    )


def test_many_merged_ranges_warn_each_of_the_first_and_count_the_rest(tmp_path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(tmp_path / "a.xlsx"))
    sheet = workbook.add_worksheet("S")
    sheet.write_row(0, 0, ["name", "type"])
    for row in range(1, 101):
        sheet.write(row, 0, f"L{row}")
        sheet.merge_range(row, 1, row, 2, "text")
    workbook.close()
    reader = open_reader(tmp_path / "a.xlsx")
    assert len(list(reader)) == 100
    assert len(reader.warnings) == 21
    assert reader.warnings[-1].message == "80 more merged ranges"
