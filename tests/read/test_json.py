"""JSON and JSON Lines: nested values become the same text a spreadsheet cell would hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.read import open_reader, read_rows
from pipeline.read.migrate import read_migration
from pipeline.validate import check_rows


def test_array_of_objects_with_nested_settings(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(
        json.dumps(
            [
                {"name": "A", "type": "star", "settings": {"no_of_stars": 4}, "allow_notes": True},
                {
                    "name": "B",
                    "type": "numeric",
                    "settings": {"min": 0.5, "max": 2e0},
                    "description": None,
                },
            ]
        )
    )
    rows = list(read_rows(path))
    assert [r.row for r in rows] == [1, 2]
    assert rows[0].cells == {
        "name": "A",
        "type": "star",
        "settings": '{"no_of_stars": 4}',
        "allow_notes": "true",
    }
    assert rows[1].cells["description"] == ""
    labels = [c.label.payload() for c in check_rows(path) if c.label]
    assert labels[1]["settings"]["max"] == 2


def test_object_with_labels_array_and_headers_union(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(
        json.dumps({"labels": [{"name": "A", "type": "text"}, {"type": "text", "kind": 1}]})
    )
    reader = open_reader(path)
    assert [r.cells for r in reader] == [
        {"name": "A", "type": "text"},
        {"type": "text", "kind": "1"},
    ]
    assert reader.headers == {None: ["name", "type", "kind"]}


def test_jsonl_rows_are_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(
        '{"name": "A", "type": "text"}\n\n{"name": "B", "type": "text", "options": ["x", "y"]}\n'
    )
    rows = list(read_rows(path))
    assert [r.row for r in rows] == [1, 3]
    assert rows[1].cells["options"] == '["x", "y"]'


def test_legacy_encoded_json_falls_back_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes('[{"name": "Café", "type": "text"}]'.encode("cp1252"))
    reader = open_reader(path)
    assert [r.cells["name"] for r in reader] == ["Café"]
    assert "cp1252" in reader.warnings[0].message


def test_utf16_json(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('[{"name": "Qualität", "type": "text"}]', encoding="utf-16")
    assert [r.cells["name"] for r in read_rows(path)] == ["Qualität"]


def test_jsonl_ends_a_line_at_newline_only(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    # U+2028 and U+0085 may stand in a JSON string as they are; str.splitlines breaks on both.
    path.write_text(
        '{"name": "A\u2028B", "type": "text"}\r\n{"name": "C\x85D", "type": "text"}\n',
        encoding="utf-8",
    )
    assert [(row.row, row.cells["name"]) for row in read_rows(path)] == [
        (1, "A\u2028B"),
        (2, "C\x85D"),
    ]


def test_json_with_a_byte_order_mark_reads(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([{"name": "A", "type": "text"}]).encode())
    assert [row.cells for row in read_rows(path)] == [{"name": "A", "type": "text"}]


@pytest.mark.parametrize("depth", [65, 5000])
def test_an_export_nested_too_deep_is_refused(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "scores.json"
    path.write_text(
        json.dumps([{"name": "A", "dataType": "BOOLEAN", "x": None}]).replace(
            "null", "[" * depth + "]" * depth
        )
    )
    with pytest.raises(InputError, match="nested"):
        read_migration(path, "langfuse")
