"""The domain model: server defaults filled, every server rule enforced in its wording."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from pipeline.labels import (
    LABEL_CLASSES,
    LABEL_TYPES,
    SETTINGS_KEYS,
    SETTINGS_MODELS,
    WRONG_KIND,
    LabelSpec,
    LabelType,
    likely_mistakes,
    slug,
    ui_cap_warnings,
)


def messages(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        LabelSpec.parse(data)
    return [str(error["msg"]).removeprefix("Value error, ") for error in caught.value.errors()]


@pytest.mark.parametrize(
    ("data", "class_name", "settings"),
    [
        ({"type": "text"}, "TextLabel", {"placeholder": "", "min_length": 0, "max_length": 500}),
        (
            {"type": "numeric"},
            "NumericLabel",
            {"min": 0, "max": 10, "step_size": 1, "display_type": "slider"},
        ),
        ({"type": "star"}, "StarLabel", {"no_of_stars": 5}),
        ({"type": "thumbs_up_down"}, "ThumbsLabel", {}),
        (
            {"type": "categorical", "settings": {"options": [{"label": "A"}, {"label": "B"}]}},
            "CategoricalLabel",
            {
                "options": [{"label": "A", "value": "a"}, {"label": "B", "value": "b"}],
                "multi_choice": False,
                "rule_prompt": "",
                "auto_annotate": False,
                "strategy": None,
            },
        ),
    ],
)
def test_payload_fills_every_setting_the_server_requires(
    data: dict[str, Any], class_name: str, settings: dict[str, Any]
) -> None:
    label = LabelSpec.parse({"name": "X", **data})
    assert isinstance(label, LABEL_CLASSES[data["type"]])
    assert type(label).__name__ == class_name
    assert label.payload() == {
        "name": "X",
        "type": data["type"],
        "settings": settings,
        "allow_notes": False,
    }


def test_payload_carries_description_project_and_notes() -> None:
    label = LabelSpec.parse(
        {
            "name": "  Tone ",
            "type": "star",
            "description": "d",
            "project": "6F9619FF-8B86-D011-B42D-00C04FC964FF",
            "allow_notes": True,
        }
    )
    assert label.payload() == {
        "name": "Tone",
        "type": "star",
        "settings": {"no_of_stars": 5},
        "allow_notes": True,
        "description": "d",
        "project": "6f9619ff-8b86-d011-b42d-00c04fc964ff",
    }


def test_description_is_sent_trimmed_as_the_server_stores_it() -> None:
    label = LabelSpec.parse({"name": "a", "type": "star", "description": " \tJudge tone \n"})
    assert label.payload()["description"] == "Judge tone"


def test_key_is_case_folded_trimmed_name_type_and_project() -> None:
    label = LabelSpec.parse({"name": " STRASSE ", "type": "text"})
    assert label.key() == ("strasse", "text", None)


SERVER_RULES: list[tuple[dict[str, Any], str]] = [
    ({"name": "", "type": "text"}, "This field may not be blank."),
    ({"name": "   ", "type": "text"}, "This field may not be blank."),
    ({"name": "x" * 256, "type": "text"}, "Ensure this field has no more than 255 characters."),
    ({"name": "a", "type": "text", "project": " nope "}, "“nope” is not a valid UUID."),
    (
        {"name": "a", "type": "text", "settings": {"min_length": 5, "max_length": 5}},
        "min_length must be less than max_length",
    ),
    (
        {"name": "a", "type": "text", "settings": {"min_length": 500}},
        "min_length must be less than max_length",
    ),
    ({"name": "a", "type": "numeric", "settings": {"min": -1}}, "min cannot be negative"),
    ({"name": "a", "type": "numeric", "settings": {"min": 10}}, "min must be less than max"),
    (
        {"name": "a", "type": "numeric", "settings": {"min": 0, "max": -2}},
        "max cannot be negative",
    ),
    (
        {"name": "a", "type": "numeric", "settings": {"min": 5, "max": 5}},
        "min must be less than max",
    ),
    (
        {"name": "a", "type": "numeric", "settings": {"step_size": 0}},
        "step_size must be greater than 0",
    ),
    (
        {"name": "a", "type": "categorical", "settings": {"options": [{"label": "A"}]}},
        "There must be at least two options",
    ),
    (
        {
            "name": "a",
            "type": "categorical",
            "settings": {"options": [{"label": "A"}, {"label": " a "}]},
        },
        "Categorical option labels must be unique",
    ),
    (
        {
            "name": "a",
            "type": "categorical",
            "settings": {"options": [{"label": "A"}, {"label": " "}]},
        },
        "Option labels cannot be empty",
    ),
    (
        {"name": "a", "type": "star", "settings": {"no_of_stars": 0}},
        "no_of_stars must be greater than 0",
    ),
]


@pytest.mark.parametrize(("data", "message"), SERVER_RULES)
def test_server_rules_in_server_wording(data: dict[str, Any], message: str) -> None:
    assert message in messages(data)


def test_unicode_names_are_kept() -> None:
    assert LabelSpec.parse({"name": "Qualität ✓ 日本", "type": "text"}).name == "Qualität ✓ 日本"


def test_categorical_requires_options() -> None:
    assert "Field required" in messages({"name": "a", "type": "categorical"})


def test_option_value_derived_as_slug_when_missing() -> None:
    assert slug("Partly grounded!") == "partly_grounded"
    assert slug("日本") == "日本"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"type": "star", "settings": {"no_of_stars": 11}}, "no_of_stars"),
        ({"type": "numeric", "settings": {"max": 100}}, "max"),
    ],
)
def test_ui_caps_are_warnings(data: dict[str, Any], key: str) -> None:
    label = LabelSpec.parse({"name": "a", **data})
    assert [found for found, _ in ui_cap_warnings(label)] == [key]


@pytest.mark.parametrize("kind", LABEL_TYPES)
def test_each_type_gets_a_class_built_from_its_settings_model(kind: LabelType) -> None:
    cls = LABEL_CLASSES[kind]
    assert issubclass(cls, LabelSpec)
    assert cls.model_fields["settings"].annotation is SETTINGS_MODELS[kind]
    assert list(cls.model_fields) == list(LabelSpec.model_fields)


def test_likely_mistakes_are_kept_and_named() -> None:
    label = LabelSpec.parse(
        {
            "name": "a\tb",
            "type": "text",
            "settings": {"min_length": -1, "max_lenght": 3, "inputs": ["q"]},
        }
    )
    assert label.payload()["settings"] == {
        "placeholder": "",
        "min_length": -1,
        "max_length": 500,
        "max_lenght": 3,
        "inputs": ["q"],
    }
    assert likely_mistakes(label) == [
        ("name", "the name holds a control character (a tab, line break or similar)"),
        ("min_length", "min_length is negative; the server accepts it as written"),
        ("max_lenght", "max_lenght is not a setting of a text label; sent as written"),
        ("inputs", "inputs is not a setting of a text label; sent as written"),
    ]


def test_a_setting_the_server_stores_must_still_be_json() -> None:
    assert messages({"name": "a", "type": "thumbs_up_down", "settings": {"x": float("nan")}}) == [
        "Value must be valid JSON."
    ]
    options = [{"label": "A", "weight": float("inf")}, {"label": "B"}]
    assert messages({"name": "a", "type": "categorical", "settings": {"options": options}}) == [
        "Value must be valid JSON."
    ]


def test_option_labels_are_read_as_the_server_reads_them() -> None:
    options = [{"label": 5, "colour": "red"}, {"label": True, "value": 0}, {"label": " c "}]
    label = LabelSpec.parse({"name": "a", "type": "categorical", "settings": {"options": options}})
    assert label.payload()["settings"]["options"] == [
        {"label": "5", "value": "5", "colour": "red"},
        {"label": "True", "value": 0},
        {"label": "c", "value": "c"},
    ]


def test_every_setting_but_options_has_the_servers_words_for_a_wrong_kind() -> None:
    # options has its own: "options must be a list" and the option messages.
    documented = {key for keys in SETTINGS_KEYS.values() for key in keys}
    assert set(WRONG_KIND) == documented - {"options"}
