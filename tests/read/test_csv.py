"""CSV, TSV and TXT: cells exactly as typed, row numbers as Excel shows them, any encoding."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.read import detect_format, open_reader, read_rows
from pipeline.read import text as text_reader
from pipeline.read.text import MAX_CELL, sniff_delimiter
from tests.sheets import write_csv


def cells(path: Path) -> list[dict[str, str]]:
    return [row.cells for row in read_rows(path)]


def test_cells_are_text_exactly_as_typed(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", "name,type,x\n007,1e3,NA\nnull,True,\n")
    assert cells(path) == [
        {"name": "007", "type": "1e3", "x": "NA"},
        {"name": "null", "type": "True", "x": ""},
    ]


def test_row_numbers_count_blank_rows_and_quoted_newlines_as_excel_does(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", '\nname,type\n"two\nlines",text\n,\n\nB,text\n')
    rows = list(read_rows(path))
    assert [row.row for row in rows] == [3, 6]
    assert rows[0].cells["name"] == "two\nlines"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_sniffed_for_csv_and_txt(tmp_path: Path, delimiter: str) -> None:
    for suffix in ("csv", "txt"):
        path = write_csv(tmp_path / f"a.{suffix}", f"name{delimiter}type\nA{delimiter}text\n")
        assert cells(path) == [{"name": "A", "type": "text"}]


def test_tsv_is_tab_separated_even_with_commas(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.tsv", "name\ttype\tdescription\nA\ttext\ta, b, c\n")
    assert cells(path) == [{"name": "A", "type": "text", "description": "a, b, c"}]


def test_sniffer_prefers_the_header_line() -> None:
    assert sniff_delimiter("\n\nname;type;x,y\n") == ";"
    assert sniff_delimiter("name\n") == ","


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-32"])
def test_unicode_encodings(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "a.csv", "name,type\nQualität ✓,text\n", encoding=encoding)
    reader = open_reader(path)
    assert [row.cells for row in reader] == [{"name": "Qualität ✓", "type": "text"}]
    assert reader.warnings == []


def test_cp1252_falls_back_with_a_warning(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", "name,type\nCafé “quoted”,text\n", encoding="cp1252")
    reader = open_reader(path)
    assert [row.cells["name"] for row in reader] == ["Café “quoted”"]
    [warning] = reader.warnings
    assert "cp1252" in warning.message and warning.severity == "warning"


def test_trailing_empty_columns_and_short_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", "name,type,,\nA,text,,\nB\n")
    reader = open_reader(path)
    assert [row.cells for row in reader] == [
        {"name": "A", "type": "text"},
        {"name": "B", "type": ""},
    ]
    assert reader.headers == {None: ["name", "type"]}


def test_stray_cells_beyond_the_header_warn_once(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", "name,type\nA,text,oops\nB,text,again\n")
    reader = open_reader(path)
    assert len(list(reader)) == 2
    assert [w.row for w in reader.warnings] == [2]


def test_large_file_streams_in_constant_memory(tmp_path: Path) -> None:
    row = "A label,text,a description long enough to make the file a few megabytes\n"
    path = write_csv(tmp_path / "a.csv", "name,type,description\n" + row * 60_000)
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_rows(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 60_000
    # The file is 4.4 MB; streaming holds one row, the encoding scan's chunk and a buffer.
    assert peak < path.stat().st_size / 4


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.csv", "csv"),
        ("a.TSV", "tsv"),
        ("a.txt", "txt"),
        ("a.xlsx", "xlsx"),
        ("a.xlsm", "xlsm"),
        ("a.xls", "xls"),
        ("a.ods", "ods"),
        ("a.json", "json"),
        ("a.jsonl", "jsonl"),
    ],
)
def test_detect_format(name: str, expected: str) -> None:
    assert detect_format(Path(name)) == expected


def test_rows_of_white_space_are_blank_and_keep_their_numbers(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", "name,type\n  ,\t\nA,text\n")
    assert [(row.row, row.cells["name"]) for row in read_rows(path)] == [(3, "A")]


def test_a_column_without_a_header_is_left_out(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", "name,,type\nA,lost,text\nB\n")
    assert cells(path) == [{"name": "A", "type": "text"}, {"name": "B", "type": ""}]


def test_blank_cells_beyond_the_header_do_not_warn(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", "name,type\nA,text,, \n")
    reader = open_reader(path)
    assert cells(path) == [{"name": "A", "type": "text"}]
    assert list(reader) and reader.warnings == []


def test_cells_our_reports_quoted_read_back_as_typed(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", "name,type\n'=SUM(A1),'-x\nit's,'-5\n")
    assert cells(path) == [
        {"name": "=SUM(A1)", "type": "-x"},
        {"name": "it's", "type": "'-5"},
    ]


def refusal(path: Path) -> str:
    with pytest.raises(InputError) as error:
        list(read_rows(path))
    return str(error.value)


def test_a_quote_never_closed_refuses_the_file_naming_the_line(tmp_path: Path) -> None:
    text = 'name,type,description\nA,text,"oops\nB,text,x\nC,text,y\n'
    message = refusal(write_csv(tmp_path / "a.csv", text))
    assert message.startswith("a.csv: line 2: a cell opens a quote that is never closed")
    assert 'add the closing "' in message


def test_a_quote_closed_by_a_later_cells_quote_names_where_it_opened(tmp_path: Path) -> None:
    text = 'name\ttype\tdescription\n\nA\ttext\t"oops\nB\ttext\tx\nC\ttext\t"fine"\n'
    message = refusal(write_csv(tmp_path / "a.tsv", text))
    assert message.startswith("a.tsv: line 3: a cell opens a quote that is not closed")
    assert "on line 5" in message


def test_text_after_a_closing_quote_is_refused(tmp_path: Path) -> None:
    message = refusal(write_csv(tmp_path / "a.csv", 'name,type\n"two\nlines",text\nA,"x"y\n'))
    assert message.startswith("a.csv: line 4: text follows the closing quote of a cell")


def test_quoted_cells_with_line_breaks_and_doubled_quotes_still_read(tmp_path: Path) -> None:
    text = 'name,type,description\nA,text,"two\r\nlines, ""quoted"""\nB,text,"x"\n'
    assert cells(write_csv(tmp_path / "a.csv", text)) == [
        {"name": "A", "type": "text", "description": 'two\r\nlines, "quoted"'},
        {"name": "B", "type": "text", "description": "x"},
    ]


def test_a_cell_beyond_the_bound_is_refused(tmp_path: Path) -> None:
    text = 'name,type,description\nA,text,"' + "x" * (MAX_CELL + 1) + '"\n'
    message = refusal(write_csv(tmp_path / "a.csv", text))
    assert message == (
        "a.csv: line 2: a cell is longer than 16 MiB (the quote opened on line 2 may never "
        "be closed); shorten the cell, or close its quote"
    )


def test_a_line_beyond_the_bound_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_reader, "MAX_LINE", 40)
    path = write_csv(tmp_path / "a.csv", "name,type\nA,text\n" + "B," * 30 + "\n")
    assert refusal(path).startswith("a.csv: line 3 is longer than")
