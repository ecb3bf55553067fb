"""A sheet too large for calamine to hold is refused before calamine allocates it."""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.read import read_rows
from pipeline.read.sheet_size import MAX_SHEET_CELLS
from tests.sheets import write_ods, write_xlsx


def text_cell(reference: str | None, text: str) -> str:
    at = f' r="{reference}"' if reference else ""
    return f'<c{at} t="inlineStr"><is><t>{text}</t></is></c>'


LABELS = (
    f'<row r="1">{text_cell("A1", "name")}{text_cell("B1", "type")}</row>'
    f'<row r="2">{text_cell("A2", "Tone")}{text_cell("B2", "text")}</row>'
)


def workbook(path: Path, sheet_data: str) -> Path:
    """A real workbook (from xlsxwriter) whose sheet `Labels` holds `sheet_data`."""
    write_xlsx(path, {"Labels": [["name"]]})
    with zipfile.ZipFile(path) as source:
        items = [(item.filename, source.read(item.filename)) for item in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in items:
            if name == "xl/worksheets/sheet1.xml":
                head, rest = data.split(b"<sheetData>", 1)
                data = (
                    head
                    + f"<sheetData>{sheet_data}</sheetData>".encode()
                    + rest.split(b"</sheetData>", 1)[1]
                )
            target.writestr(name, data)
    return path


def refusal(path: Path) -> str:
    with pytest.raises(InputError) as error:
        list(read_rows(path))
    return str(error.value)


def _at_most_4_gib() -> None:
    # Should the bound fail, calamine asks for 512 GiB: let it fail fast, not swap.
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


@pytest.mark.cli
@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_stray_cell_at_the_last_cell_of_a_sheet_exits_2_not_134(
    tmp_path: Path, command: str
) -> None:
    path = workbook(
        tmp_path / "stray.xlsx", LABELS + f'<row r="1048576">{text_cell("XFD1048576", "x")}</row>'
    )
    assert path.stat().st_size < 8192
    args = [sys.executable, "-m", "pipeline", command, str(path)]
    if command == "run":
        args += ["--sandbox", "--dry-run"]
    done = subprocess.run(
        args, capture_output=True, text=True, check=False, cwd=tmp_path, preexec_fn=_at_most_4_gib
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().endswith(
        "stray.xlsx, sheet 'Labels': its used range A1:XFD1048576 is 1,048,576 rows by "
        f"16,384 columns, more than the {MAX_SHEET_CELLS:,} cells a sheet may have; delete the "
        "stray cells far from the labels (the furthest: XFD1048576) and save it again"
    )


@pytest.mark.parametrize(
    "far",
    [
        # Placed by calamine as the cell after the one before it, in the row's row.
        f'<row r="1">{text_cell("XFC1", "x")}{text_cell(None, "y")}</row>'
        f'<row r="1048576">{text_cell(None, "z")}</row>',
        # A quoted `>` ends no tag: the `r` after it still counts.
        '<row r="9"><c s=">" r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
        # Prefixed, single-quoted and spaced, as XML allows.
        "<row r='5'><x:c xmlns:x='urn:x' r = 'xfd1048576' t='inlineStr'>"
        "<x:is><x:t>x</x:t></x:is></x:c></row>",
    ],
)
def test_cells_placed_far_in_any_legal_way_are_found(tmp_path: Path, far: str) -> None:
    message = refusal(workbook(tmp_path / "far.xlsx", LABELS + far))
    assert "its used range A1:XFD1048576 is 1,048,576 rows by 16,384 columns" in message


def test_empty_cells_far_away_do_not_count_as_calamine_does_not(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "styled.xlsx", LABELS + '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    )
    assert [row.cells for row in read_rows(path)] == [{"name": "Tone", "type": "text"}]


@pytest.mark.parametrize(("far", "row"), [("Y3", 3), ("XFD3", 3), ("A1000001", 1000001)])
def test_sheets_wide_or_long_within_the_bound_read(tmp_path: Path, far: str, row: int) -> None:
    path = workbook(tmp_path / "big.xlsx", LABELS + f'<row r="{row}">{text_cell(far, "x")}</row>')
    assert next(read_rows(path)).cells["name"] == "Tone"


@pytest.mark.parametrize(
    "twice",
    [
        '<row r="3"><c r="A3" r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
        '<row r="3"><c r="A3" s=">" r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    ],
)
def test_a_cell_with_two_references_is_refused(tmp_path: Path, twice: str) -> None:
    # calamine places it by the second, the one a first harmless-looking one would hide.
    message = refusal(workbook(tmp_path / "twice.xlsx", LABELS + twice))
    assert "(a cell tag with two references in xl/worksheets/sheet1.xml)" in message


def test_a_cell_tag_that_cannot_be_read_refuses_the_file(tmp_path: Path) -> None:
    message = refusal(
        workbook(tmp_path / "odd.xlsx", LABELS + '<row r="3"><c r=XFD3><v>1</v></c></row>')
    )
    assert message.startswith(
        "odd.xlsx: cannot be read as an Excel or OpenDocument workbook (a cell or row tag"
    )


def test_a_cell_beyond_excels_last_row_is_refused(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "beyond.xlsx",
        LABELS + f'<row r="5000000000">{text_cell("A5000000000", "x")}</row>',
    )
    assert (
        "a cell lies beyond Excel's last row 1,048,576 or column XFD (at A5000000000)"
        in refusal(path)
    )


def ods(path: Path, rows: str) -> Path:
    """An OpenDocument spreadsheet whose table `Labels` holds `rows`, after a label row."""
    write_ods(path, {"Labels": [["name", "type"], ["Tone", "text"]]})
    with zipfile.ZipFile(path) as source:
        items = [(item.filename, source.read(item.filename)) for item in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in items:
            if name == "content.xml":
                data = data.replace(b"</table:table>", rows.encode() + b"</table:table>")
            target.writestr(name, data)
    return path


VALUE = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
WIDE_VALUE = VALUE.replace(
    "<table:table-cell", '<table:table-cell table:number-columns-repeated="5000"'
)


def test_what_libreoffice_leaves_after_the_last_row_reads(tmp_path: Path) -> None:
    blank = (
        '<table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    path = ods(tmp_path / "blank.ods", blank)
    assert [row.cells for row in read_rows(path)] == [{"name": "Tone", "type": "text"}]


@pytest.mark.parametrize(
    ("rows", "used"),
    [
        (
            '<table:table-row table:number-rows-repeated="1048570"><table:table-cell/>'
            "</table:table-row><table:table-row>"
            f'<table:table-cell table:number-columns-repeated="16383"/>{VALUE}</table:table-row>',
            "A1:XFD1048573 is 1,048,573 rows by 16,384 columns",
        ),
        (
            '<table:table-row table:number-rows-repeated="5000">'
            + WIDE_VALUE
            + "</table:table-row>",
            "A1:GJH5002 is 5,002 rows by 5,000 columns",
        ),
    ],
)
def test_repeated_rows_and_cells_that_make_a_table_too_large_are_refused(
    tmp_path: Path, rows: str, used: str
) -> None:
    message = refusal(ods(tmp_path / "far.ods", rows))
    assert message.startswith(f"far.ods, sheet 'Labels': its used range {used}, more than")


def test_a_shared_strings_table_claiming_billions_is_refused_before_calamine_opens_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "claims.xlsx"
    write_xlsx(path, {"Labels": [["name", "type"], ["Tone", "text"]]})
    with zipfile.ZipFile(path) as source:
        items = [(item.filename, source.read(item.filename)) for item in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for name, data in items:
            if name == "xl/sharedStrings.xml":
                # The first looks harmless; calamine takes the second.
                data = re.sub(
                    rb'uniqueCount="\d+"', b'uniqueCount="1" uniqueCount="4000000000"', data
                )
            target.writestr(name, data)
    assert refusal(path) == (
        "claims.xlsx: its shared-strings table says it holds 4,000,000,000 texts, more than "
        f"the {MAX_SHEET_CELLS:,} a workbook may have; save it again from Excel or LibreOffice"
    )


def test_a_table_attribute_given_twice_is_refused(tmp_path: Path) -> None:
    twice = WIDE_VALUE.replace(
        "<table:table-cell", '<table:table-cell table:number-columns-repeated="1"'
    )
    message = refusal(ods(tmp_path / "twice.ods", f"<table:table-row>{twice}</table:table-row>"))
    assert message.endswith(
        "(an attribute given twice in one tag); open it in LibreOffice and save it again"
    )
