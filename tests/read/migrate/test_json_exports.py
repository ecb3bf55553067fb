"""Issue 11 for the JSON sources, on tiny inline records for the shapes no real export in
../shared/realworld has: every key a reader does not understand is a named loss, names
are settled for the whole export, and a record our server cannot hold is refused once,
in the export's own terms."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.validate.file import FileCheck, check_rows
from tests.read.migrate.test_sources import errors, migrate, settings, warnings

LOST = "attributes we do not carry over"


@pytest.mark.parametrize(
    ("source", "doc", "note"),
    [
        ("langfuse", [{"name": "a", "dataType": "TEXT", "maxLength": 9}], "score config maxLength"),
        (
            "langfuse",
            [
                {
                    "name": "a",
                    "dataType": "CATEGORICAL",
                    "categories": [{"label": "x", "value": 1, "color": "red"}, {"label": "y"}],
                }
            ],
            "categories color",
        ),
        (
            "langsmith",
            [{"feedback_key": "a", "feedback_config": {"type": "freeform", "rows": 3}}],
            "feedback_config rows",
        ),
        (
            "langsmith",
            [{"feedback_key": "a", "feedback_config": {"type": "freeform"}, "owner": "me"}],
            "feedback config owner",
        ),
        (
            "langsmith",
            [
                {"feedback_key": "a", "feedback_config": {"type": "freeform"}},
                {"feedback_key": "a", "description": "d", "hotkey": "k"},
            ],
            "rubric item hotkey",
        ),
        ("phoenix", [{"name": "a", "type": "FREEFORM", "color": "red"}], "annotation config color"),
        (
            "argilla",
            {"questions": [{"name": "a", "settings": {"type": "text"}, "hidden": True}]},
            "question hidden",
        ),
        (
            "argilla",
            {"questions": [{"name": "a", "settings": {"type": "text", "rows": 4}}]},
            "settings rows",
        ),
        (
            "argilla",
            {
                "questions": [
                    {
                        "name": "a",
                        "settings": {
                            "type": "label_selection",
                            "options": [{"value": "x", "color": "red"}, {"value": "y"}],
                        },
                    }
                ]
            },
            "options color",
        ),
        (
            "opik",
            [{"name": "a", "type": "numerical", "details": {"min": 0, "max": 1, "unit": "ms"}}],
            "details unit",
        ),
        (
            "opik",
            [{"name": "a", "type": "boolean", "details": {}, "workspace": "w"}],
            "feedback definition workspace",
        ),
        (
            "braintrust",
            [{"name": "a", "score_type": "free-form", "config": {"hidden": True}}],
            "config hidden",
        ),
        (
            "braintrust",
            [{"name": "a", "score_type": "slider", "color": "red"}],
            "project score color",
        ),
    ],
)
def test_a_key_a_reader_does_not_understand_is_named_as_lost(
    tmp_path: Path, source: str, doc: Any, note: str
) -> None:
    row = migrate(tmp_path, doc, source)[0]
    assert f"{note}: not carried over" in warnings(row)
    assert LOST in row.losses


@pytest.mark.parametrize(
    ("source", "doc"),
    [
        # Keys that are bookkeeping, or null, or read and at their default.
        (
            "braintrust",
            [
                {
                    "id": "1",
                    "project_id": "p",
                    "user_id": "u",
                    "created": "t",
                    "position": "a0",
                    "name": "a",
                    "score_type": "free-form",
                    "categories": None,
                    "config": None,
                }
            ],
        ),
        (
            "argilla",
            {
                "questions": [
                    {
                        "id": None,
                        "dataset_id": None,
                        "inserted_at": None,
                        "updated_at": None,
                        "name": "a",
                        "type": "text",
                        "required": False,
                        "settings": {"type": "text", "use_markdown": False},
                    }
                ]
            },
        ),
        (
            "opik",
            [
                {
                    "id": "1",
                    "name": "a",
                    "type": "boolean",
                    "details": {"trueLabel": None},
                    "created_at": "t",
                    "created_by": "u",
                    "last_updated_at": "t",
                    "last_updated_by": "u",
                }
            ],
        ),
    ],
)
def test_bookkeeping_and_empty_keys_lose_nothing(tmp_path: Path, source: str, doc: Any) -> None:
    (row,) = migrate(tmp_path, doc, source)
    assert (warnings(row), row.losses) == ([], ())


def test_each_loss_is_summed_up_by_its_kind(tmp_path: Path) -> None:
    doc = {
        "objects": [
            {
                "name": "a",
                "score_type": "slider",
                "config": {"destination": "expected", "online": {"sampling_rate": 1}},
            }
        ]
    }
    (row,) = migrate(tmp_path, doc, "braintrust")
    assert row.losses == ("score destination", "online scoring rules")
    assert warnings(row) == [
        "config.destination expected: not supported, dropped",
        "config.online (sampling_rate): not supported, dropped",
    ]


def question(name: str, title: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "title": title, "settings": {"type": "text"}, **extra}


def test_argilla_titles_name_the_labels_when_they_are_unique(tmp_path: Path) -> None:
    doc = {"questions": [question("q1", "Is it right?"), question("q2", "Why?")]}
    rows = migrate(tmp_path, doc, "argilla")
    assert [(r.cells["name"], r.source_id) for r in rows] == [
        ("Is it right?", "q1"),
        ("Why?", "q2"),
    ]
    assert [warnings(r) for r in rows] == [[], []]


def test_argilla_names_name_the_labels_when_titles_repeat(tmp_path: Path) -> None:
    doc = {
        "questions": [
            question("q1", "Rate it", description="Overall."),
            question("q2", "rate it"),
            question("q3", "q3"),
        ]
    }
    rows = migrate(tmp_path, doc, "argilla")
    assert [r.cells["name"] for r in rows] == ["q1", "q2", "q3"]
    assert [r.cells["description"] for r in rows] == ["Rate it\nOverall.", "rate it", ""]
    assert warnings(rows[0]) == [
        "titles repeat in this export (Rate it, rate it): "
        "named 'q1', the title heads the description"
    ]
    assert warnings(rows[2]) == []


def test_argilla_names_name_the_labels_when_a_title_is_too_long(tmp_path: Path) -> None:
    doc = {"questions": [question("q1", "x" * 256), question("q2", "Short")]}
    rows = migrate(tmp_path, doc, "argilla")
    assert [r.cells["name"] for r in rows] == ["q1", "q2"]
    assert "a title is longer than 255 characters" in warnings(rows[1])[0]


def test_a_repeated_record_is_refused_in_the_exports_terms(tmp_path: Path) -> None:
    doc = [{"feedback_key": k, "feedback_config": {"type": "freeform"}} for k in ("a", "b", "A")]
    rows = migrate(tmp_path, doc, "langsmith")
    assert errors(rows[2]) == ["duplicate of record 1: same name and type (text)"]
    (note,) = [n for n in rows[2].notes if n.severity == "error"]
    assert (
        note.hint
        == "rename 'feedback_key' of one of the two records in the export, or leave one out"
    )


@pytest.mark.parametrize(
    ("categories", "message"),
    [
        (
            [{"label": "A", "value": 0}, {"label": "a", "value": 1}],
            "'categories' gives the label 'a' twice, with the values '0' and '1'",
        ),
        ([{"label": "A", "value": 0}], "'categories' has one ('A'): a Future AGI categorical"),
        ([], "'categories' has none: a Future AGI categorical"),
    ],
)
def test_options_our_server_would_refuse_are_a_row_error_naming_the_field(
    tmp_path: Path, categories: list[dict[str, Any]], message: str
) -> None:
    doc = [{"name": "c", "dataType": "CATEGORICAL", "categories": categories}]
    (row,) = migrate(tmp_path, doc, "langfuse")
    (error,) = errors(row)
    assert error.startswith(message)


def test_an_option_given_twice_alike_is_kept_once(tmp_path: Path) -> None:
    doc = [{"name": "c", "type": "CATEGORICAL", "values": [{"label": "A"}, {"label": "B"}] * 2}]
    (row,) = migrate(tmp_path, doc, "phoenix")
    assert [o["label"] for o in settings(row)["options"]] == ["A", "B"]
    assert "'values' lists A, B more than once: kept once" in warnings(row)
    assert errors(row) == []


@pytest.mark.parametrize(
    ("source", "doc"),
    [
        ("argilla", {"questions": [{"name": "r", "settings": {"type": "rating", "options": []}}]}),
        ("phoenix", [{"name": "n", "type": "CONTINUOUS", "lower_bound": -10, "upper_bound": 1}]),
        ("langfuse", [{"name": "n", "dataType": "NUMERIC", "minValue": 3, "maxValue": 3}]),
        ("opik", [{"name": "c", "type": "categorical", "details": {"categories": {"x": 1}}}]),
    ],
)
def test_a_refused_record_has_its_one_error_only(tmp_path: Path, source: str, doc: Any) -> None:
    path = tmp_path / "export.json"
    migrate(tmp_path, doc, source)  # writes the export
    (checked,) = check_rows(path, source=source)
    assert not checked.valid
    assert len([p for p in checked.problems if p.severity == "error"]) == 1, checked.problems


def test_a_langfuse_scale_with_no_room_above_zero_is_refused_in_its_terms(tmp_path: Path) -> None:
    (row,) = migrate(tmp_path, [{"name": "n", "dataType": "NUMERIC", "maxValue": 0}], "langfuse")
    (note,) = [n for n in row.notes if n.severity == "error"]
    assert note.message == (
        "maxValue is 0 and there is no minValue: "
        "Future AGI numeric labels need a maximum above a minimum of 0 or more"
    )
    assert "minValue 0 and maxValue 10" in note.hint
    assert warnings(row) == []


def test_a_langsmith_rubric_item_without_its_config_says_so(tmp_path: Path) -> None:
    (row,) = migrate(tmp_path, [{"feedback_key": "a", "description": "d"}], "langsmith")
    assert row.skip == "rubric item with no feedback config of this key in the export"


def test_argilla_rating_values_given_twice_are_kept_once(tmp_path: Path) -> None:
    options = [{"value": v} for v in (1, 2, 2, 3)]
    doc = {"items": [{"name": "r", "settings": {"type": "rating", "options": options}}]}
    (row,) = migrate(tmp_path, doc, "argilla")
    assert settings(row) == {"no_of_stars": 3}
    assert warnings(row) == ["rating values 2 listed more than once: kept once"]


def test_defaults_filled_on_a_migrated_row_are_not_a_column_to_fill(tmp_path: Path) -> None:
    migrate(tmp_path, [{"name": "note", "dataType": "TEXT"}], "langfuse")
    (checked,) = check_rows(tmp_path / "export.json", source="langfuse")
    (filled,) = [p for p in checked.problems if p.message.startswith("defaults filled")]
    assert filled.hint == "the export does not set these: Future AGI's defaults are used"


def test_a_rubric_description_beside_the_configs_own_is_named_as_lost(tmp_path: Path) -> None:
    doc = [
        {"feedback_key": "a", "feedback_config": {"type": "freeform"}, "description": "Own"},
        {"feedback_key": "a", "description": "Rubric"},
    ]
    row = migrate(tmp_path, doc, "langsmith")[0]
    assert row.cells["description"] == "Own"
    assert warnings(row) == ["rubric description: not carried over (the config has its own)"]


def test_argilla_dataset_guidelines_are_named_as_not_carried(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    question = {"name": "q", "settings": {"type": "text"}}
    path.write_text(json.dumps({"guidelines": "Rate it.", "questions": [question]}))
    (note,) = [w for w in FileCheck(path).warnings if "guidelines" in w.message]
    assert note.message == "dataset guidelines: not carried over"
    path.write_text(json.dumps({"guidelines": None, "questions": [question]}))
    assert not [w for w in FileCheck(path).warnings if "guidelines" in w.message]
