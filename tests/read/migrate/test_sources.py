"""Each source's export maps onto our types exactly as migration-sources.md's tables say."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import InputError
from pipeline.read.migrate import SOURCES, read_migration
from pipeline.read.migrate.definition import Definition
from pipeline.rows import RawRow
from tests.paths import MIGRATION_SAMPLES

SAMPLES = MIGRATION_SAMPLES


def migrate(tmp_path: Path, doc: Any, source: str | None = None, **options: Any) -> list[RawRow]:
    path = tmp_path / "export.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return read_migration(path, source, **options).rows


def settings(row: RawRow) -> Any:
    return json.loads(row.cells["settings"]) if row.cells["settings"] else {}


def warnings(row: RawRow) -> list[str]:
    return [n.message for n in row.notes if n.severity == "warning"]


def errors(row: RawRow) -> list[str]:
    return [n.message for n in row.notes if n.severity == "error"]


def test_langfuse_kinds(tmp_path: Path) -> None:
    rows = migrate(
        tmp_path,
        {
            "data": [
                {"id": "a", "name": "Score", "dataType": "NUMERIC", "minValue": 0, "maxValue": 5},
                {
                    "id": "b",
                    "name": "Tone",
                    "dataType": "CATEGORICAL",
                    "categories": [{"label": "Nice", "value": 1}, {"label": "Rude", "value": 0}],
                },
                {"id": "c", "name": "Ok", "dataType": "BOOLEAN", "categories": []},
                {"id": "d", "name": "Old", "dataType": "BOOLEAN", "isArchived": True},
            ],
            "meta": {},
        },
        "langfuse",
    )
    assert [r.cells["type"] for r in rows] == [
        "numeric",
        "categorical",
        "thumbs_up_down",
        "thumbs_up_down",
    ]
    assert settings(rows[0]) == {"min": 0, "max": 5, "step_size": 1, "display_type": "slider"}
    assert any("step_size 1 used" in w for w in warnings(rows[0]))
    assert settings(rows[1])["options"] == [
        {"label": "Nice", "value": "1"},
        {"label": "Rude", "value": "0"},
    ]
    assert settings(rows[1])["multi_choice"] is False
    assert "option values were numbers (1, 0): kept as text" in warnings(rows[1])
    assert [r.source_id for r in rows] == ["a", "b", "c", "d"]
    assert rows[3].skip == "archived in Langfuse score configs"
    assert [r.row for r in rows] == [1, 2, 3, 4]


def test_archived_records_come_in_with_include_archived(tmp_path: Path) -> None:
    doc = [{"name": "Old", "dataType": "BOOLEAN", "isArchived": True}]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(doc))
    skipped = read_migration(path, "langfuse")
    assert skipped.archived_skipped == 1 and skipped.rows[0].skip
    included = read_migration(path, "langfuse", include_archived=True)
    assert included.archived_skipped == 0 and included.rows[0].skip is None
    assert any("--include-archived" in w for w in warnings(included.rows[0]))


def test_langsmith_kinds_rubric_descriptions_and_lost_direction(tmp_path: Path) -> None:
    rows = migrate(
        tmp_path,
        [
            {
                "feedback_key": "correct",
                "feedback_config": {"type": "continuous", "min": 0, "max": 1},
            },
            {
                "feedback_key": "kind",
                "feedback_config": {
                    "type": "categorical",
                    "categories": [{"value": 0, "label": "A"}, {"value": 1, "label": None}],
                    "allows_multiple_categories": True,
                },
                "is_lower_score_better": True,
            },
            {"feedback_key": "note", "feedback_config": {"type": "freeform"}},
            {"feedback_key": "correct", "description": "Is it right?"},
        ],
        "langsmith",
    )
    assert [r.cells["type"] for r in rows] == ["numeric", "categorical", "text", ""]
    assert rows[0].cells["description"] == "Is it right?"
    assert settings(rows[0])["step_size"] == 0.1
    assert settings(rows[1]) == {
        "options": [{"label": "A", "value": "0"}, {"label": "1", "value": "1"}],
        "multi_choice": True,
    }
    assert "category 1 has no label: '1' used" in warnings(rows[1])
    assert "is_lower_score_better: not supported, dropped" in warnings(rows[1])
    assert rows[3].skip is not None and "rubric item" in rows[3].skip


def test_phoenix_kinds(tmp_path: Path) -> None:
    rows = migrate(
        tmp_path,
        {
            "data": [
                {
                    "type": "CATEGORICAL",
                    "name": "verdict",
                    "optimization_direction": "MAXIMIZE",
                    "values": [
                        {"label": "Good Answer", "score": None},
                        {"label": "bad", "score": 0},
                    ],
                },
                {"type": "CONTINUOUS", "name": "rel", "lower_bound": 0.5, "upper_bound": 1.5},
                {
                    "type": "FREEFORM",
                    "name": "why",
                    "threshold": 0.3,
                    "optimization_direction": "NONE",
                },
            ]
        },
        "phoenix",
    )
    assert settings(rows[0])["options"] == [
        {"label": "Good Answer", "value": "good_answer"},
        {"label": "bad", "value": "0"},
    ]
    assert "optimization_direction MAXIMIZE: not supported, dropped" in warnings(rows[0])
    assert settings(rows[1]) == {"min": 0.5, "max": 1.5, "step_size": 0.1, "display_type": "slider"}
    assert rows[2].cells["type"] == "text"
    assert "threshold: not supported on text labels, dropped" in warnings(rows[2])
    assert not any("optimization_direction" in w for w in warnings(rows[2]))


def argilla_rows(tmp_path: Path) -> list[RawRow]:
    """One question of each kind, in this order: pick, many, stars, zero, gaps, say, rank, mark."""

    def question(name: str, **settings: Any) -> dict[str, Any]:
        return {"name": name, "title": name.title(), "required": True, "settings": settings}

    options = [{"value": "a", "text": "A", "description": "first"}, {"value": "b", "text": "B"}]
    return migrate(
        tmp_path,
        {
            "questions": [
                question("pick", type="label_selection", options=options),
                question(
                    "many",
                    type="multi_label_selection",
                    options=options,
                    options_order="suggestion",
                ),
                question("stars", type="rating", options=[{"value": v} for v in range(1, 8)]),
                question("zero", type="rating", options=[{"value": v} for v in range(0, 4)]),
                question("gaps", type="rating", options=[{"value": 2}, {"value": 4}]),
                question("say", type="text", use_markdown=True),
                question("rank", type="ranking", options=options),
                question("mark", type="span", options=options),
            ]
        },
        "argilla",
    )


def test_argilla_selections(tmp_path: Path) -> None:
    rows = argilla_rows(tmp_path)
    assert [r.cells["name"] for r in rows][:2] == ["Pick", "Many"]
    assert settings(rows[0]) == {
        "options": [{"label": "A", "value": "a"}, {"label": "B", "value": "b"}],
        "multi_choice": False,
    }
    assert "option descriptions: not supported, dropped" in warnings(rows[0])
    assert settings(rows[1])["multi_choice"] is True
    assert "options_order suggestion: not supported, dropped" in warnings(rows[1])


def test_argilla_ratings_text_and_kinds_without_an_equivalent(tmp_path: Path) -> None:
    rows = argilla_rows(tmp_path)
    assert (rows[2].cells["type"], settings(rows[2])) == ("star", {"no_of_stars": 7})
    assert settings(rows[3]) == {"min": 0, "max": 3, "step_size": 1, "display_type": "button"}
    assert settings(rows[4])["min"] == 2 and any("gaps" in w for w in warnings(rows[4]))
    assert rows[5].cells["type"] == "text" and "use_markdown: not supported, dropped" in warnings(
        rows[5]
    )
    assert rows[6].skip == "ranking questions have no Future AGI equivalent"
    assert rows[7].skip == "span questions have no Future AGI equivalent"


def test_argilla_questions_endpoint_shape(tmp_path: Path) -> None:
    rows = migrate(
        tmp_path,
        {"items": [{"id": "q-1", "name": "c", "title": "Comment", "settings": {"type": "text"}}]},
    )
    # The source id is the question's name, its key in both export shapes (settings.json
    # has no ids), so the title can name the label without losing the name.
    assert rows[0].source_id == "c" and rows[0].cells["name"] == "Comment"


LABEL_CONFIG = """<View>
  <Text name="t" value="$text"/>
  <Choices name="pick" toName="t" choice="multiple">
    <Choice value="Yes" alias="y" hotkey="1"/><Choice value="No"/>
  </Choices>
  <Rating name="stars" toName="t"/>
  <Number name="num" toName="t" min="0" max="1" step="0.25" slider="true"/>
  <TextArea name="why" toName="t" placeholder="Say why" maxSubmissions="2"/>
  <RectangleLabels name="box" toName="t"><Label value="Car"/></RectangleLabels>
</View>"""


@pytest.mark.parametrize("wrapped", [True, False])
def test_label_studio_controls_in_order(tmp_path: Path, wrapped: bool) -> None:
    if wrapped:
        rows = migrate(tmp_path, {"id": 1, "label_config": LABEL_CONFIG}, "labelstudio")
    else:
        path = tmp_path / "config.xml"
        path.write_text(LABEL_CONFIG)
        rows = read_migration(path).rows
    assert [(r.row, r.cells["name"]) for r in rows] == [
        (1, "pick"),
        (2, "stars"),
        (3, "num"),
        (4, "why"),
        (5, "box"),
    ]
    assert settings(rows[0]) == {
        "options": [{"label": "Yes", "value": "y"}, {"label": "No", "value": "No"}],
        "multi_choice": True,
    }
    assert "hotkey on Yes: keyboard shortcuts are not carried over" in warnings(rows[0])
    assert settings(rows[1]) == {"no_of_stars": 5}
    assert settings(rows[2]) == {"min": 0, "max": 1, "step_size": 0.25, "display_type": "slider"}
    assert settings(rows[3]) == {"placeholder": "Say why"}
    assert any("maxSubmissions" in w for w in warnings(rows[3]))
    assert rows[4].skip is not None and rows[4].skip.startswith("<RectangleLabels> labels regions")


@pytest.mark.parametrize(
    ("xml", "words"),
    [
        ("<View><Choices name='a' toName='b'>", "not well-formed"),
        (
            '<?xml version="1.0"?><!DOCTYPE v [<!ENTITY x "boom">]><View>&x;</View>',
            "DTDs or entities",
        ),
        (
            '<!DOCTYPE v SYSTEM "http://127.0.0.1:9/evil.dtd"><View/>',
            "DTDs or entities",
        ),
    ],
)
def test_label_studio_xml_is_parsed_hardened(tmp_path: Path, xml: str, words: str) -> None:
    path = tmp_path / "config.xml"
    path.write_text(xml)
    with pytest.raises(InputError, match=words):
        read_migration(path, "labelstudio")


def test_opik_kinds(tmp_path: Path) -> None:
    rows = migrate(
        tmp_path,
        {
            "content": [
                {"name": "n", "type": "numerical", "details": {"min": 1, "max": 3}},
                {
                    "name": "c",
                    "type": "categorical",
                    "details": {"categories": {"Hi": 1, "Lo": 0.5}},
                },
                {
                    "name": "b",
                    "type": "boolean",
                    "details": {"trueLabel": "Pass", "falseLabel": "Fail"},
                },
            ]
        },
        "opik",
    )
    assert settings(rows[0]) == {"min": 1, "max": 3, "step_size": 1, "display_type": "slider"}
    assert settings(rows[1])["options"] == [
        {"label": "Hi", "value": "1"},
        {"label": "Lo", "value": "0.5"},
    ]
    assert rows[2].cells["type"] == "thumbs_up_down"
    assert "trueLabel/falseLabel (Pass / Fail): not supported, dropped" in warnings(rows[2])


def test_braintrust_kinds(tmp_path: Path) -> None:
    rows = migrate(
        tmp_path,
        {
            "objects": [
                {"id": "1", "name": "s", "score_type": "slider"},
                {
                    "id": "2",
                    "name": "c",
                    "score_type": "categorical",
                    "categories": [{"name": "A", "value": 1}, {"name": "B", "value": 0}],
                    "config": {"multi_select": True},
                },
                {"id": "3", "name": "f", "score_type": "free-form"},
                *(
                    {"id": k, "name": k, "score_type": k}
                    for k in ("weighted", "minimum", "maximum", "online")
                ),
            ]
        },
        "braintrust",
    )
    assert settings(rows[0]) == {"min": 0, "max": 1, "step_size": 0.01, "display_type": "slider"}
    assert settings(rows[1])["multi_choice"] is True
    assert rows[2].cells["type"] == "text"
    assert all(r.skip and "computed" in r.skip for r in rows[3:])


def test_negative_lower_bound_is_a_row_error_with_a_hint(tmp_path: Path) -> None:
    rows = migrate(
        tmp_path, [{"name": "s", "dataType": "NUMERIC", "minValue": -1, "maxValue": 1}], "langfuse"
    )
    (note,) = [n for n in rows[0].notes if n.severity == "error"]
    assert note.column == "min" and "negative" in note.message and "0..2" in note.hint


def test_missing_name_or_kind_is_a_row_error(tmp_path: Path) -> None:
    rows = migrate(
        tmp_path,
        [{"dataType": "BOOLEAN"}, {"name": "x"}, {"name": "y", "dataType": "SCORE"}, 7],
        "langfuse",
    )
    assert errors(rows[0]) == ["record has no 'name'"]
    assert errors(rows[1]) == ["'dataType' is missing"]
    assert errors(rows[2]) == ["'dataType' is 'SCORE'"]
    assert errors(rows[3]) == ["record 4 is not an object"]


@pytest.mark.parametrize(
    ("source", "doc", "expected"),
    [
        (
            "langfuse",
            {"items": []},
            "no 'data' array and not a list: is this a Langfuse score-config export?",
        ),
        ("langsmith", {"data": []}, "not a list of feedback configs"),
        ("phoenix", {"rows": []}, "is this a Phoenix annotation-config export?"),
        ("argilla", [], "is this an Argilla settings.json or questions export?"),
        ("labelstudio", {"title": "x"}, "is this a Label Studio project or config?"),
        ("opik", {"page": 1}, "is this an Opik feedback-definition export?"),
        ("braintrust", {"data": []}, "is this a Braintrust project-score export?"),
    ],
)
def test_wrong_shape_names_the_source(tmp_path: Path, source: str, doc: Any, expected: str) -> None:
    with pytest.raises(InputError, match=re.escape(expected)):
        migrate(tmp_path, doc, source)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (
            "{not json",
            "not valid JSON: Expecting property name enclosed in double quotes (line 1, column 2)",
        ),
        ('{"mystery": [1, 2]}', "cannot tell which tool this export is from: give --from"),
        ("[]", "cannot tell which tool"),
    ],
)
def test_unusable_files(tmp_path: Path, content: str, words: str) -> None:
    with pytest.raises(InputError, match=re.escape(words)):
        migrate(tmp_path, content)


def test_unknown_source_name(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown source 'wandb'"):
        migrate(tmp_path, [], "wandb")


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_sample_export_is_detected_and_covers_the_source(name: str) -> None:
    (path,) = [p for p in SAMPLES.iterdir() if p.name.startswith(name)]
    migration = read_migration(path)
    assert migration.detected and migration.source.name == name
    rows = migration.rows
    assert len(rows) >= 8
    assert any(warnings(r) for r in rows), "each sample has a lossy record"
    assert {r.cells["type"] for r in rows if not r.skip} >= {"numeric"} | (
        {"categorical"} if name != "labelstudio" else {"categorical", "star", "text"}
    )


@pytest.mark.parametrize(
    ("source", "doc", "hint"),
    [
        (
            "langfuse",
            [{"name": "x", "dataType": "SCORE"}],
            "NUMERIC, CATEGORICAL, BOOLEAN or TEXT",
        ),
        (
            "langsmith",
            [{"feedback_key": "x", "feedback_config": {"type": "x"}}],
            "continuous, categorical or freeform",
        ),
        ("phoenix", [{"name": "x", "type": "x"}], "CATEGORICAL, CONTINUOUS or FREEFORM"),
        (
            "argilla",
            {"questions": [{"name": "x", "settings": {"type": "x"}}]},
            "label_selection, multi_label_selection, rating or text",
        ),
        ("opik", [{"name": "x", "type": "x"}], "numerical, categorical or boolean"),
        # Computed scores are known but skipped, so they are not offered.
        ("braintrust", [{"name": "x", "score_type": "x"}], "slider, categorical or free-form"),
    ],
)
def test_an_unknown_kind_is_an_error_naming_the_kinds_we_import(
    tmp_path: Path, source: str, doc: Any, hint: str
) -> None:
    (row,) = migrate(tmp_path, doc, source)
    (note,) = [n for n in row.notes if n.severity == "error"]
    assert (note.column, note.hint) == ("type", f"use one of {hint}")


def test_a_kind_that_is_not_text_is_unknown(tmp_path: Path) -> None:
    rows = migrate(
        tmp_path,
        [{"name": "a", "dataType": ["NUMERIC"]}, {"name": "b", "dataType": 3}],
        "langfuse",
    )
    assert [errors(row) for row in rows] == [["'dataType' is '['NUMERIC']'"], ["'dataType' is '3'"]]


def test_keys_a_reader_does_not_understand_are_each_named_as_lost() -> None:
    definition = Definition(1)
    definition.lose_unknown(["min", "zeta", "alpha", "zeta"], {"min"}, "config")

    assert definition.warnings == [(None, "config alpha, zeta: not carried over")]
    assert definition.losses == ["attributes we do not carry over"]
    assert definition.to_row("X").losses == ("attributes we do not carry over",)
