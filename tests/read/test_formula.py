"""Formula-like cells are quoted on the way out and come back as the user typed them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.read import read_rows
from pipeline.read.formula import neutralise, restore
from pipeline.sandbox import SandboxHandle
from tests.import_helpers import run_import, server_labels


@given(st.text(max_size=30))
def test_restore_undoes_neutralise_for_any_text(value: str) -> None:
    assert restore(neutralise(value)) == value


@pytest.mark.parametrize("cell", ["'hello", "'-5", "'", "it's", "''=x"])
def test_restore_leaves_other_cells_alone(cell: str) -> None:
    assert restore(cell) == cell


async def test_a_fixed_failed_rows_file_creates_the_labels_the_user_named(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = tmp_path / "formulas.csv"
    source.write_text(
        "name,type,description,no_of_stars\n"
        '=1+1,star,"=HYPERLINK(""http://x"",""y"")",five\n'
        "@SUM(A1),thumbs_up_down,+cmd,\n",
        encoding="utf-8",
    )
    first = await run_import(source, sandbox, report=tmp_path / "formulas.report.xlsx")
    assert (first.created, first.invalid) == (1, 1)
    failed = tmp_path / "formulas.failed.csv"
    with failed.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["name"] == "'=1+1"  # inert when opened in a spreadsheet program
    assert [row.cells["name"] for row in read_rows(failed)] == ["=1+1"]
    failed.write_text(failed.read_text(encoding="utf-8").replace(",five,", ",5,"))

    again = await run_import(failed, sandbox, report=tmp_path / "again.report.csv")

    assert again.created == 1
    labels = {label["name"]: label for label in await server_labels(sandbox)}
    assert set(labels) == {"=1+1", "@SUM(A1)"}
    assert labels["=1+1"]["description"] == '=HYPERLINK("http://x","y")'
    assert labels["@SUM(A1)"]["description"] == "+cmd"


async def test_a_failed_rows_file_reads_back_without_warnings_about_its_own_columns(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    source = tmp_path / "labels.csv"
    source.write_text("name,type,colour\nGood,star,red\nBad,nonsense,blue\n", encoding="utf-8")
    first = await run_import(source, sandbox, report=tmp_path / "labels.report.csv")
    assert "column 'colour': unknown column, ignored" in first.file_warnings[0]

    again = await run_import(
        tmp_path / "labels.failed.csv", sandbox, report=tmp_path / "again.report.csv"
    )

    assert [w for w in again.file_warnings if "'error'" in w or "'source_row'" in w] == []
    assert len(again.file_warnings) == 1 and "'colour'" in again.file_warnings[0]
