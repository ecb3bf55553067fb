"""Label Studio configs: every control a record, and everything a mapping drops named.

Real configs are read where they are in ../shared/realworld; the shapes no real file has
are tiny inline configs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.rows import RawRow
from pipeline.validate import check_rows
from tests.read.migrate.test_realworld_fixes import REALWORLD, named, real
from tests.read.migrate.test_sources import errors, migrate, settings, warnings


def config(tmp_path: Path, controls: str) -> list[RawRow]:
    xml = f'<View><Text name="t" value="$t"/>{controls}</View>'
    return migrate(tmp_path, xml, "labelstudio")


@pytest.mark.parametrize(
    "relative",
    ["labelstudio/tpl-chatbot-assessment.xml", "labelstudio/project-tpl-chatbot-assessment.json"],
)
def test_a_control_without_to_name_is_a_record_not_dropped(relative: str) -> None:
    rows = real(relative, "labelstudio")
    assert len(rows) == 12
    likert = rows[0]
    assert (likert.cells["name"], likert.cells["type"]) == ("likert_scale", "star")
    assert settings(likert) == {"no_of_stars": 7}
    assert any("no toName" in w for w in warnings(likert))
    assert errors(likert) == [] and likert.skip is None


def test_per_region_and_conditional_controls_are_whole_item_labels_that_say_so() -> None:
    rows = real("labelstudio/tpl-chat_red_team.xml", "labelstudio")
    assert [r.cells["type"] for r in rows] == ["categorical"] * 4
    for row in rows:
        assert {"per-region scope", "conditional visibility"} <= set(row.losses)
    (condition,) = [w for w in warnings(rows[3]) if w.startswith("shown only when")]
    # Both <View>s around it, outermost first.
    assert 'whenRole="assistant"' in condition
    assert 'whenChoiceValue="Safe-refusal,Policy Violation,Over refusal"' in condition


def test_a_condition_on_a_view_around_the_control_is_named() -> None:
    rows = real("labelstudio/user-monach-eval.xml", "labelstudio")
    stage, adult = named(rows, "life_stage"), named(rows, "adult_behavior")
    assert "conditional visibility" not in stage.losses
    assert "conditional visibility" in adult.losses
    assert (
        'shown only when visibleWhen="choice-selected" whenTagName="life_stage" '
        'whenChoiceValue="Adult": imported as a label always shown'
    ) in warnings(adult)


def test_any_when_attribute_on_the_control_is_a_condition(tmp_path: Path) -> None:
    (row,) = config(
        tmp_path,
        '<TextArea name="n" toName="t" whenSomethingNew="x"/>',
    )
    assert row.losses == ("conditional visibility",)
    assert warnings(row) == [
        'shown only when whenSomethingNew="x": imported as a label always shown'
    ]


def test_dynamic_choices_say_the_options_come_from_the_data() -> None:
    path = REALWORLD / "labelstudio/tpl-asr-hypotheses-dynamic.xml"
    (checked,) = check_rows(path, source="labelstudio")
    problems = [p for p in checked.problems if p.severity == "error"]
    assert [(p.column, p.message) for p in problems] == [
        (
            "options",
            'the options of <Choices name="transcriptions"> come from each task\'s data '
            "($transcriptions), so the config does not hold them",
        )
    ]
    assert problems[0].hint == (
        'list every option as a <Choice value="..."/> inside it and remove value="$transcriptions"'
    )
    assert not checked.valid


def test_a_one_option_choices_names_the_control_not_a_spreadsheet_cell() -> None:
    path = REALWORLD / "labelstudio/fe-e2e-numpad-hotkeys.xml"
    (checked,) = check_rows(path, source="labelstudio")
    (problem,) = [p for p in checked.problems if p.severity == "error"]
    assert problem.message.startswith('<Choices name="choises"> has 1 option(s)')
    assert "Good; Okay; Bad" not in problem.hint


def test_a_repeated_control_is_one_label_without_the_placeholder() -> None:
    (row,) = real("labelstudio/fe-repeater.xml", "labelstudio")
    assert row.cells["name"] == "utterance_action"
    assert row.source_id == "utterance_action_{{idx}}"
    assert "repeated per item" in row.losses
    assert (
        "inside a <Repeater> over $utterances: Label Studio repeats it for each item; "
        "imported once, as utterance_action"
    ) in warnings(row)


def test_a_repeater_with_its_own_index_flag(tmp_path: Path) -> None:
    xml = (
        '<View><Repeater on="$items" indexFlag="{{i}}"><Text name="x_{{i}}" value="$v"/>'
        '<Rating name="q_{{i}}_score" toName="x_{{i}}"/></Repeater></View>'
    )
    (row,) = migrate(tmp_path, xml, "labelstudio")
    assert row.cells["name"] == "q_score"


@pytest.mark.parametrize(
    ("relative", "name", "words"),
    [
        ("labelstudio/fe-required.xml", "second", "required: an answer was mandatory"),
        ("labelstudio/fe-repeater.xml", "utterance_action", "selected on No Action"),
        ("labelstudio/doc-llm_rag_human_feedback.xml", "faithfulness", "html on Relevant"),
        ("labelstudio/user-video-eval-number-step.xml", "score_0_0", "defaultValue 0"),
        ("labelstudio/fe-e2e-numpad-hotkeys.xml", "choises", "hotkey on Click me"),
        ("labelstudio/doc-two_level_sentiment_x_twitter.xml", "sentiment", "hint on Positive"),
    ],
)
def test_each_dropped_attribute_is_named(relative: str, name: str, words: str) -> None:
    row = named(real(relative, "labelstudio"), name)
    assert any(w.startswith(words) for w in warnings(row)), warnings(row)


@pytest.mark.parametrize(
    "control",
    [
        '<Choices name="c" toName="t" glow="1"><Choice value="a"/><Choice value="b"/></Choices>',
        '<Rating name="c" toName="t" glow="1"/>',
        '<Number name="c" toName="t" min="0" max="4" step="1" glow="1"/>',
        '<TextArea name="c" toName="t" glow="1"/>',
    ],
)
def test_an_attribute_a_future_export_adds_is_reported(tmp_path: Path, control: str) -> None:
    (row,) = config(tmp_path, control)
    tag = control[1 : control.index(" ")]
    assert warnings(row) == [f"<{tag}> glow: not carried over"]
    assert row.losses == ("attributes we do not carry over",)


def test_unknown_option_attributes_and_elements_inside_a_control_are_reported(
    tmp_path: Path,
) -> None:
    (row,) = config(
        tmp_path,
        '<Choices name="c" toName="t"><Header value="Pick"/>'
        '<Choice value="a" glow="y"><Choice value="a1"/></Choice><Choice value="b"/></Choices>',
    )
    assert [o["label"] for o in settings(row)["options"]] == ["a", "b"]
    assert warnings(row) == [
        "<Choice> glow: not carried over",
        "options nested under a: not carried over (only the top level is)",
        "<Header> inside the control: not carried over",
    ]


def test_attribute_names_match_regardless_of_case(tmp_path: Path) -> None:
    stars, number = config(
        tmp_path,
        '<Rating name="r" toName="t" MAXRATING="7"/>'
        '<Number name="n" toName="t" Min="1" MAX="3" step="1" Slider="TRUE" PERREGION="true"/>',
    )
    assert settings(stars) == {"no_of_stars": 7} and warnings(stars) == []
    assert settings(number) == {"min": 1, "max": 3, "step_size": 1, "display_type": "slider"}
    assert number.losses == ("per-region scope",)


def test_a_control_we_do_not_know_is_skipped_and_said(tmp_path: Path) -> None:
    box, fancy = config(
        tmp_path,
        '<RectangleLabels name="b" toName="t"><Label value="x"/></RectangleLabels>'
        '<FancyNewControl name="f" toName="t"/>',
    )
    assert box.skip is not None and "regions" in box.skip
    assert fancy.skip == "<FancyNewControl> is not a Label Studio control we know"


def test_a_control_without_a_name_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "config.xml"
    path.write_text('<View><Text name="t" value="$t"/><Rating toName="t"/></View>')
    (checked,) = check_rows(path, source="labelstudio")
    assert [p.message for p in checked.problems if p.severity == "error"] == [
        "<Rating> (control 1) has no name"
    ]


def test_a_deeply_nested_config_is_read_without_crashing(tmp_path: Path) -> None:
    depth = 5000
    xml = "<View>" * depth + '<TextArea name="deep" toName="t"/>' + "</View>" * depth
    (row,) = migrate(tmp_path, xml, "labelstudio")
    assert row.cells["name"] == "deep"


def test_an_option_without_a_value_is_one_error_naming_the_control(tmp_path: Path) -> None:
    path = tmp_path / "config.xml"
    path.write_text(
        '<View><Text name="t" value="$t"/><Choices name="c" toName="t">'
        '<Choice value="a"/><Choice alias="b"/></Choices></View>'
    )
    (checked,) = check_rows(path, source="labelstudio")
    assert [p.message for p in checked.problems if p.severity == "error"] == [
        '<Choices name="c"> has a <Choice> with no value'
    ]


def test_an_unknown_option_attribute_is_named_once(tmp_path: Path) -> None:
    (row,) = config(
        tmp_path,
        '<Choices name="c" toName="t"><Choice value="a" glow="1"/><Choice value="b" glow="2"/>'
        "</Choices>",
    )
    assert warnings(row) == ["<Choice> glow: not carried over"]


def test_a_negative_number_scale_says_which_control_to_shift(tmp_path: Path) -> None:
    (row,) = config(tmp_path, '<Number name="shift" toName="t" min="-1" max="1" step="1"/>')
    (problem,) = [n for n in row.notes if n.severity == "error"]
    assert problem.hint.endswith('(e.g. -1..1 to 0..2) in <Number name="shift"> of the config')
