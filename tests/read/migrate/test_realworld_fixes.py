"""Issue 11's small items, checked on the real exports in ../shared/realworld (read where
they are, never copied) and on tiny inline records for the shapes no real file has."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.read.migrate import read_migration
from pipeline.rows import RawRow
from tests.paths import REPO
from tests.read.migrate.test_sources import errors, migrate, settings, warnings

REALWORLD = REPO.parent / "shared" / "realworld"


def real(relative: str, source: str | None = None) -> list[RawRow]:
    return read_migration(REALWORLD / relative, source).rows


def named(rows: list[RawRow], name: str) -> RawRow:
    return next(row for row in rows if row.cells["name"] == name)


@pytest.mark.parametrize(
    ("relative", "name"),
    [
        ("langfuse/langfuse-servertest-score-configs.json", "text-config-name"),
        ("langfuse/langfuse-seed-postgres-configs.json", "Feedback"),
        ("langfuse/langfuse-seeder-annotation-queue-configs.json", "Feedback"),
    ],
)
def test_langfuse_text_configs_become_text_labels(relative: str, name: str) -> None:
    row = named(real(relative, "langfuse"), name)
    assert row.cells["type"] == "text"
    assert errors(row) == []


def test_label_studio_tag_names_match_regardless_of_case() -> None:
    rows = real("labelstudio/sdk-textarea-lowercase-tag.xml", "labelstudio")
    textarea = named(rows, "from_name")
    assert textarea.skip is None
    assert textarea.cells["type"] == "text"


def test_label_studio_choice_children_match_regardless_of_case(tmp_path: Path) -> None:
    xml = (
        '<View><Text name="t" value="$t"/><CHOICES name="c" toName="t">'
        '<choice value="Yes"/><Choice value="No"/></CHOICES></View>'
    )
    (row,) = migrate(tmp_path, xml, "labelstudio")
    assert [o["label"] for o in settings(row)["options"]] == ["Yes", "No"]


def test_option_values_keep_the_sources_spelling_of_numbers() -> None:
    row = named(
        real("opik/opik-frontend-e2e-feedback-definitions.json", "opik"), "e2e-ui-categorical"
    )
    values = [o["value"] for o in settings(row)["options"]]
    assert values == ["0.0000012", "-2", "333"]
    assert "option values were numbers (0.0000012, -2, 333): kept as text" in warnings(row)


def test_a_label_made_from_a_number_keeps_its_spelling(tmp_path: Path) -> None:
    doc = [
        {
            "name": "tiny",
            "dataType": "CATEGORICAL",
            "categories": [{"value": 0.00005}, {"value": 1.5}],
        }
    ]
    (row,) = migrate(tmp_path, doc, "langfuse")
    assert settings(row)["options"] == [
        {"label": "0.00005", "value": "0.00005"},
        {"label": "1.5", "value": "1.5"},
    ]


@pytest.mark.parametrize("value", [1, 3])
def test_an_argilla_rating_with_one_value_is_an_error(tmp_path: Path, value: int) -> None:
    doc = {
        "questions": [{"name": "q", "settings": {"type": "rating", "options": [{"value": value}]}}]
    }
    (row,) = migrate(tmp_path, doc, "argilla")
    assert errors(row) == ["a rating question needs at least two values"]
    assert row.cells["type"] == ""


@pytest.mark.parametrize(
    ("source", "record", "field"),
    [
        ("langfuse", {"name": "a", "dataType": "CATEGORICAL", "categories": 5}, "categories"),
        ("langfuse", {"name": "a", "dataType": "CATEGORICAL", "categories": "ab"}, "categories"),
        (
            "phoenix",
            {"name": "a", "type": "CATEGORICAL", "optimization_direction": "NONE", "values": 5},
            "values",
        ),
        (
            "argilla",
            {"questions": [{"name": "a", "settings": {"type": "label_selection", "options": 5}}]},
            "options",
        ),
        (
            "argilla",
            {"questions": [{"name": "a", "settings": {"type": "rating", "options": {"x": 1}}}]},
            "options",
        ),
        (
            "langsmith",
            [{"feedback_key": "a", "feedback_config": {"type": "categorical", "categories": 5}}],
            "categories",
        ),
        (
            "braintrust",
            {"objects": [{"name": "a", "score_type": "categorical", "categories": 5}]},
            "categories",
        ),
    ],
)
def test_a_list_field_that_is_not_a_list_is_a_row_error(
    tmp_path: Path, source: str, record: Any, field: str
) -> None:
    doc = record if not isinstance(record, dict) or "name" not in record else [record]
    (row,) = migrate(tmp_path, doc, source)
    problems = [n for n in row.notes if n.severity == "error"]
    assert [n.column for n in problems] == [field]
    assert f"'{field}'" in problems[0].message and "not a list" in problems[0].message


@pytest.mark.parametrize("key", [["a", "b"], {"k": "v"}, 5])
def test_a_langsmith_feedback_key_that_is_not_text_is_a_row_error(tmp_path: Path, key: Any) -> None:
    doc = [
        {"feedback_key": key, "feedback_config": {"type": "freeform"}},
        {"feedback_key": key, "description": "rubric"},
        {"feedback_key": "ok", "feedback_config": {"type": "freeform"}},
    ]
    rows = migrate(tmp_path, json.dumps(doc), "langsmith")
    assert errors(rows[0]) == ["'feedback_key' is not text"]
    assert rows[2].cells["type"] == "text"
