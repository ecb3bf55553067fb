"""open_input: which reader an input gets, and what it says about the whole file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.read import open_input
from pipeline.read.excel import WorkbookReader
from pipeline.read.jsonfile import JsonReader
from pipeline.read.migrate.reader import MigrationReader
from pipeline.read.text import TextReader
from tests.paths import MIGRATION_SAMPLES, SAMPLES

SCORES = [
    {"name": "Ok", "dataType": "BOOLEAN"},
    {"name": "Old", "dataType": "BOOLEAN", "isArchived": True},
]


def export(tmp_path: Path, doc: object, name: str = "scores.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize(
    ("name", "reader"),
    [("labels.csv", TextReader), ("labels.xlsx", WorkbookReader), ("labels.json", JsonReader)],
)
def test_a_spreadsheet_gets_the_reader_its_extension_names(name: str, reader: type) -> None:
    assert type(open_input(SAMPLES / name)) is reader


def test_a_detected_export_says_which_source_and_what_it_skipped(tmp_path: Path) -> None:
    reader = open_input(export(tmp_path, SCORES))
    assert isinstance(reader, MigrationReader) and reader.format == "json"
    assert [(w.message, w.hint, w.severity) for w in reader.warnings] == [
        (
            "detected source: Langfuse score configs (--from langfuse)",
            "give --from NAME to read it as another tool's export",
            "warning",
        ),
        (
            "1 archived record(s) skipped",
            "use --include-archived to import them too",
            "warning",
        ),
    ]
    assert [row.skip for row in reader] == [None, "archived in Langfuse score configs"]


def test_a_named_export_is_not_said_to_be_detected(tmp_path: Path) -> None:
    reader = open_input(export(tmp_path, SCORES), source="langfuse", include_archived=True)
    assert reader.warnings == []
    assert [row.skip for row in reader] == [None, None]


def test_an_unknown_source_name_is_reported_before_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown source 'wandb'"):
        open_input(tmp_path / "missing.json", source="wandb")


def test_json_that_is_no_tools_export_is_read_as_a_sheet(tmp_path: Path) -> None:
    reader = open_input(export(tmp_path, [{"name": "A", "type": "text"}]))
    assert isinstance(reader, JsonReader)
    assert [row.cells for row in reader] == [{"name": "A", "type": "text"}]


def test_xml_that_is_not_a_label_studio_config_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "page.xml"
    path.write_text("<html/>")
    with pytest.raises(InputError, match="not a Label Studio labeling config"):
        open_input(path)


def test_a_label_studio_config_is_recognised_as_xml() -> None:
    reader = open_input(MIGRATION_SAMPLES / "labelstudio-project.json")
    assert isinstance(reader, MigrationReader)
    assert "detected source: Label Studio labeling config" in reader.warnings[0].message
