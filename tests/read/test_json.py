"""JSON and JSON Lines: nested values become the same text a spreadsheet cell would hold."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.read import open_reader, read_rows
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
