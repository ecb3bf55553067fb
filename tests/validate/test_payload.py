"""Rows the label models accept but the server would refuse: text it cannot store and a
request body over its limit are that row's problem, from every reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.rows import Problem
from pipeline.validate import validate_file
from pipeline.validate.payload import MAX_BODY

SURROGATE = "Surrogate characters are not allowed: U+D800."
NUL = "Null characters are not allowed."


def errors(path: Path, source: str | None = None) -> tuple[int, list[tuple[int, str | None, str]]]:
    """How many rows are valid, and (row, column, message) of each error."""
    result = validate_file(path, source=source)
    found = [(p.row, p.column, p.message) for p in result.problems if p.severity == "error"]
    return result.valid, found


def write_json(path: Path, records: list[dict[str, object]]) -> Path:
    # json.dumps writes a lone surrogate as the escape \ud800, as any exporter would.
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(record) + "\n" for record in records))
    else:
        path.write_text(json.dumps(records))
    return path


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_lone_surrogate_or_a_nul_in_json_is_that_rows_problem(
    tmp_path: Path, suffix: str
) -> None:
    path = write_json(
        tmp_path / f"labels{suffix}",
        [
            {"name": "Broken \ud800", "type": "text"},
            {"name": "Fine", "type": "text"},
            {"name": "Nul", "type": "text", "description": "a\x00b"},
            {"name": "Hidden", "type": "text", "settings": {"placeholder": "\udfff"}},
            {"name": "Options", "type": "categorical", "options": ["a\x00", "b"]},
        ],
    )
    first = 1
    assert errors(path) == (
        1,
        [
            (first, "name", SURROGATE),
            (first + 2, "description", NUL),
            (first + 3, "settings", "Surrogate characters are not allowed: U+DFFF."),
            (first + 4, "options", NUL),
        ],
    )


def test_a_nul_in_a_csv_cell_and_an_escaped_one_in_its_settings(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    # Past the first 8 KiB, where a NUL no longer makes the file look binary.
    filler = "".join(f"Label {i},text,,\n" for i in range(1000))
    path.write_text(
        "name,type,description,settings\n"
        + filler
        + 'A,text,a\x00b,\nB,text,,"{""placeholder"": ""\\u0000""}"\n'
    )
    assert errors(path) == (1000, [(1002, "description", NUL), (1003, "settings", NUL)])


def test_an_export_with_a_lone_surrogate_is_that_records_problem(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "scores.json",
        [
            {"name": "Ok", "dataType": "BOOLEAN"},
            {"name": "Bad \ud800", "dataType": "BOOLEAN"},
            {"name": "Also", "dataType": "BOOLEAN", "description": "\ud800"},
        ],
    )
    assert errors(path, source="langfuse") == (
        1,
        [(2, "name", SURROGATE), (3, "description", SURROGATE)],
    )


def test_a_payload_over_the_servers_limit_names_the_column_that_makes_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "labels.csv"
    near = "x" * (MAX_BODY - 1000)
    over = "é" * (MAX_BODY // 2)
    options = ";".join(f"o{i}" for i in range(MAX_BODY // 25))
    path.write_text(
        "name,type,description,options\n"
        f"Near,text,{near},\nOver,text,{over},\nMany,categorical,,{options}\n",
        encoding="utf-8",
    )
    valid, found = errors(path)
    assert valid == 1
    assert [(row, column) for row, column, _ in found] == [(3, "description"), (4, "options")]
    assert all("bytes the server accepts in one request" in message for *_, message in found)


def test_the_size_problem_says_how_large_the_request_and_the_cell_are(tmp_path: Path) -> None:
    path = tmp_path / "labels.json"
    path.write_text(json.dumps([{"name": "A", "type": "text", "description": "d" * MAX_BODY}]))
    [problem] = [p for p in validate_file(path).problems if p.severity == "error"]
    assert problem == Problem(
        1,
        None,
        "description",
        "d" * MAX_BODY,
        f"the label would be sent as {MAX_BODY + 139:,} bytes, more than the 1,048,576 bytes "
        "the server accepts in one request",
        f"shorten this cell: it makes {MAX_BODY + 2:,} bytes of the request",
    )


def test_a_settings_key_the_server_would_store_is_text_it_must_be_able_to_store(
    tmp_path: Path,
) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(
        "name,type,settings\n"
        'A,thumbs_up_down,"{""x\\ud800"": 1}"\n'
        'B,text,"{""y\\u0000"": 1}"\n'
        'C,categorical,"{""options"": [{""label"": ""a"", ""k\\u0000"": 1}, {""label"": ""b""}]}"\n'
        'D,categorical,"{""options"": [{""label"": ""a"", ""k\\ud800"": 1}, {""label"": ""b""}]}"\n'
    )
    assert errors(path) == (
        0,
        [
            (2, "settings", SURROGATE),
            (3, "settings", NUL),
            (4, "settings", NUL),
            (5, "settings", SURROGATE),
        ],
    )
