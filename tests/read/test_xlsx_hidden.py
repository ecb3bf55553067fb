"""Excel errors and formulas without a saved result are row errors, never silent blanks."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import openpyxl

from pipeline.read.xlsx_hidden import hidden_cells
from pipeline.validate import check_rows
from tests.sheets import write_xlsx


def workbook_with_hidden_cells(path: Path) -> Path:
    """Column C of row 2 holds #DIV/0!, A4 holds #N/A, D3 a formula never calculated."""
    plain = path.with_name("plain.xlsx")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Labels"
    sheet.append(["name", "type", "no_of_stars", "description"])
    sheet.append(["Stars", "star", 1, "fine"])
    sheet.append(["Described", "star", 4, '=CONCAT("a","b")'])
    sheet.append(["Broken", "star", 3, "fine"])
    sheet.append(["Clean", "star", 5, "fine"])
    book.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                xml = re.sub(
                    r'<c r="C2"[^>]*>.*?</c>', '<c r="C2" t="e"><f>1/0</f><v>#DIV/0!</v></c>', xml
                )
                xml = re.sub(r'<c r="A4"[^>]*>.*?</c>', '<c r="A4" t="e"><v>#N/A</v></c>', xml)
                data = xml.encode()
            target.writestr(item, data)
    return path


def test_error_and_unsaved_formula_cells_are_errors_naming_the_cell(tmp_path: Path) -> None:
    rows = list(check_rows(workbook_with_hidden_cells(tmp_path / "book.xlsx")))

    assert [row.valid for row in rows] == [False, False, False, True]
    first, second, third = (
        [(p.column, p.value, p.message) for p in row.problems if p.severity == "error"]
        for row in rows[:3]
    )
    assert first[0] == ("no_of_stars", "#DIV/0!", "the cell shows the Excel error #DIV/0!")
    assert second[0] == (
        "description",
        '=CONCAT("a","b")',
        'the formula =CONCAT("a","b") has no saved result, so the cell reads as blank',
    )
    assert third[0] == ("name", "#N/A", "the cell shows the Excel error #N/A")
    assert rows[0].raw.cells["no_of_stars"] == "#DIV/0!"


def test_a_calculated_formula_reads_as_its_value(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    workbook_with_hidden_cells(path)
    with zipfile.ZipFile(path) as source:
        xml = source.read("xl/worksheets/sheet1.xml").decode()
        items = [(i, source.read(i.filename)) for i in source.infolist()]
    cached = re.sub(
        r'<c r="D3"[^>]*>.*?</c>', '<c r="D3" t="str"><f>CONCAT("a","b")</f><v>ab</v></c>', xml
    )
    with zipfile.ZipFile(path, "w") as target:
        for item, data in items:
            target.writestr(item, cached.encode() if item.filename.endswith("sheet1.xml") else data)

    rows = list(check_rows(path))

    assert rows[1].valid and rows[1].raw.cells["description"] == "ab"


def sheet_xml_workbook(path: Path, closing: str, cells: int) -> Path:
    """A workbook whose one sheet has `cells` text cells closed with `closing`, one formula
    without a value and one error cell at the end."""
    rows = "".join(
        f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>x</t></is>{closing}</row>'
        for i in range(1, cells + 1)
    )
    last = cells + 1
    rows += (
        f'<row r="{last}"><c r="A{last}"><f>1+1</f>{closing}'
        f'<c r="B{last}" t="e"><v>#N/A</v>{closing}</row>'
    )
    write_xlsx(path, {"Labels": [["name"]]})
    with zipfile.ZipFile(path) as source:
        items = [(item, source.read(item.filename)) for item in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item, data in items:
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb"<sheetData>.*</sheetData>|<sheetData/>",
                    b"<sheetData>" + rows.encode() + b"</sheetData>",
                    data,
                    flags=re.S,
                )
            target.writestr(item.filename, data)
    return path


def scan_seconds(path: Path) -> float:
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        found = hidden_cells(path)
        best = min(best, time.perf_counter() - started)
    assert found == {"Labels": {(5001, 0): "=1+1", (5001, 1): "#N/A"}}
    return best


def test_cells_closed_with_a_space_are_scanned_in_linear_time(tmp_path: Path) -> None:
    spaced = scan_seconds(sheet_xml_workbook(tmp_path / "spaced.xlsx", "</c >", 5000))
    usual = scan_seconds(sheet_xml_workbook(tmp_path / "usual.xlsx", "</c> ", 5000))
    # The same bytes either way; a scan that rereads the rest of the file for each cell
    # takes hundreds of times longer.
    assert spaced < 5 * usual
