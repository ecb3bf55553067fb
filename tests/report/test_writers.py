"""Report and failed-rows files: every row in order, cells untouched, formulas defused."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

from pipeline.read.formula import neutralise
from pipeline.read.inputs import read_rows
from pipeline.report.sheet_names import workbook_sheet_names
from pipeline.report.writers import (
    failed_rows_path,
    write_failed_rows,
    write_report,
)
from pipeline.rows import RawRow, RowOutcome
from pipeline.validate import FileCheck

RAWS = [
    RawRow(2, "Quality", {"Name": "Tone", "Type": "star", "Notes": " keep  spacing "}),
    RawRow(3, "Quality", {"Name": '=HYPERLINK("x")', "Type": "star", "Notes": "-5"}),
    RawRow(4, "Other", {"Name": "Bad", "Type": "xyz", "Notes": ""}),
]
OUTCOMES = [
    RowOutcome(2, "Quality", "Tone", "star", "created", "id-1", 1, 200),
    RowOutcome(3, "Quality", '=HYPERLINK("x")', "star", "failed", None, 7, 503, "gave up"),
    RowOutcome(4, "Other", "Bad", "xyz", "invalid", error="Type: not a valid choice"),
]


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-5", "-5"),
        ("+3.5", "+3.5"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_formula_cells_are_neutralised_but_plain_numbers_kept(cell: str, safe: str) -> None:
    assert neutralise(cell) == safe


def test_the_csv_report_has_one_line_per_row_in_input_order(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    write_report(path, OUTCOMES)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [r["row"] for r in rows] == ["2", "3", "4"]
    assert list(rows[0]) == [
        "row",
        "sheet",
        "name",
        "type",
        "status",
        "label_id",
        "attempts",
        "http_status",
        "error",
        "warnings",
    ]
    assert rows[1]["name"] == '\'=HYPERLINK("x")'


def test_source_id_is_a_column_only_when_rows_have_one(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    with_id = [RowOutcome(2, None, "A", "star", "created", source_id="lf-1")]
    write_report(path, with_id)
    assert json.loads(path.read_text())[0]["source_id"] == "lf-1"


def test_the_xlsx_report_keeps_numbers_and_defuses_formulas(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    write_report(path, OUTCOMES)
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    assert sheet["A2"].value == 2 and sheet["C3"].value == '\'=HYPERLINK("x")'
    assert sheet["C3"].data_type == "s"


def test_failed_rows_keep_the_users_columns_and_cells(tmp_path: Path) -> None:
    path = failed_rows_path(tmp_path / "labels.report.csv", Path("labels.csv"))
    assert write_failed_rows(path, RAWS, OUTCOMES) == 2
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert list(rows[0]) == ["Name", "Type", "Notes", "error", "source_row"]
    assert [r["source_row"] for r in rows] == ["3", "4"]
    assert rows[0]["Notes"] == "-5" and rows[0]["error"] == "gave up"


def test_workbook_failed_rows_land_on_their_own_sheets(tmp_path: Path) -> None:
    path = failed_rows_path(tmp_path / "x.report.csv", Path("labels.xls"))
    assert path.name == "labels.failed.xlsx"
    write_failed_rows(path, RAWS, OUTCOMES)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Quality", "Other"]
    assert book["Other"]["A2"].value == "Bad"


def test_a_clean_run_removes_a_stale_failed_rows_file(tmp_path: Path) -> None:
    path = tmp_path / "labels.failed.csv"
    path.write_text("old")
    assert write_failed_rows(path, RAWS[:1], OUTCOMES[:1]) == 0
    assert not path.exists()


def test_an_unknown_report_extension_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="use one of"):
        write_report(tmp_path / "r.txt", OUTCOMES)


AWKWARD_SHEETS = [
    "Q1/Q2 labels",
    "[x]",
    "a:b",
    "what? *everything* \\ here",
    "'quoted'",
    "History",
    "",
    "a sheet name much longer than thirty-one characters",
    "x" * 31 + "A",
    "x" * 31 + "B",
    "X" * 31,
    "emoji " + "😀" * 20,
    "Quality",
]


def test_sheet_names_xlsx_cannot_hold_become_valid_distinct_names() -> None:
    names = workbook_sheet_names(AWKWARD_SHEETS)
    chosen = list(names.values())
    assert len({n.lower() for n in chosen}) == len(AWKWARD_SHEETS)
    for name in chosen:
        assert 0 < len(name.encode("utf-16-le")) // 2 <= 31
        assert not set(name) & set("[]:*?/\\") and not name.startswith("'")
        assert name.lower() != "history" and not name.endswith("'")
    assert names["Quality"] == "Quality" and names["Q1/Q2 labels"] == "Q1_Q2 labels"


def test_awkward_sheet_names_give_a_workbook_our_reader_reads_back(tmp_path: Path) -> None:
    raws = [RawRow(2, s, {"Name": f"n{i}", "Type": "bad"}) for i, s in enumerate(AWKWARD_SHEETS)]
    outcomes = [RowOutcome(2, r.sheet, r.cells["Name"], "bad", "invalid", error="e") for r in raws]
    path = failed_rows_path(tmp_path / "labels.report.csv", Path("labels.ods"))

    assert write_failed_rows(path, raws, outcomes) == len(raws)

    back = {r.cells["Name"]: r for r in read_rows(path)}
    assert len(back) == len(raws)
    for raw in raws:
        row = back[raw.cells["Name"]]
        assert row.cells["source_row"] == "2" and row.cells["error"] == "e"
        # Where the name had to change, the row still says which sheet it came from.
        assert row.cells.get("source_sheet", row.sheet) == raw.sheet
    assert "source_sheet" not in back["n12"].cells  # "Quality" kept its name
    check = FileCheck(path)
    list(check)
    assert not [w for w in check.warnings if "source_sheet" in w.message]
