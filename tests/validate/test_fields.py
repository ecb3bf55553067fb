"""The column table: in step with the label models, and every text built from it exactly
as a person has always read it."""

from __future__ import annotations

from pipeline.labels import LABEL_TYPES, SETTINGS_KEYS
from pipeline.validate.cells import parse_int
from pipeline.validate.fields import (
    CHOICES,
    FIELDS,
    NOTES,
    OWNERS,
    PARSERS,
    TABLE,
    Field,
    table_problems,
)
from pipeline.validate.messages import HINTS
from pipeline.validate.template import COLUMNS


def test_the_table_is_in_step_with_the_models() -> None:
    assert table_problems(TABLE) == []
    assert set(OWNERS) == {key for keys in SETTINGS_KEYS.values() for key in keys}
    assert all(OWNERS[key] == (kind,) for kind, keys in SETTINGS_KEYS.items() for key in keys)
    assert set(OWNERS) <= set(PARSERS)


def test_a_table_out_of_step_with_the_models_is_named_slip_by_slip() -> None:
    by_name = {field.name: field for field in TABLE}
    table = [
        *(field for name, field in by_name.items() if name != "max_length"),
        by_name["name"],
        Field("max_lenght", "h", None, parse_int),
        Field("min", "h", None),
    ]
    assert table_problems(table) == [
        "in the table twice: name, min",
        "without a column: max_length",
        "in no label model: max_lenght",
        "without a parser: min",
    ]


def test_known_columns_keep_their_order() -> None:
    assert FIELDS == (
        "name", "type", "description", "project", "allow_notes", "settings",
        "placeholder", "min_length", "max_length", "options", "multi_choice",
        "min", "max", "step_size", "display_type", "no_of_stars",
        "rule_prompt", "auto_annotate", "strategy",
    )  # fmt: skip


def test_hints_read_as_before() -> None:
    assert HINTS == {
        "name": "give the label a name of 1-255 characters, without tabs or line breaks",
        "type": "use one of: text, categorical, numeric, star, thumbs_up_down",
        "description": "write plain text or leave blank",
        "project": "use the project's UUID from Future AGI, or leave blank",
        "allow_notes": "use true or false",
        "settings": 'write a JSON object such as {"no_of_stars": 5}',
        "placeholder": "write plain text",
        "min_length": "use a whole number of 0 or more, below max_length",
        "max_length": "use a whole number above min_length, e.g. 500",
        "options": "list at least two different choices, e.g. Good; Okay; Bad",
        "multi_choice": "use true or false",
        "rule_prompt": "write the instruction as plain text",
        "auto_annotate": "use true or false",
        "strategy": "use Rag, or leave blank",
        "min": "use a number of 0 or more, below max",
        "max": "use a number of 0 or more, above min",
        "step_size": "use a number above 0, such as 1 or 0.5",
        "display_type": "use slider or button",
        "no_of_stars": "use a whole number from 1 to 10",
    }


def test_template_notes_read_as_before_in_the_templates_order() -> None:
    assert list(COLUMNS.items()) == [
        ("name", "Required. The label's name, 1-255 characters. Unique per type."),
        ("type", "Required. One of: text, categorical, numeric, star, thumbs_up_down."),
        ("description", "Optional. What annotators should judge."),
        (
            "project",
            "Optional. A project UUID to scope the label to; blank for the organisation.",
        ),
        ("allow_notes", "Optional. true lets annotators add a note. Default false."),
        (
            "options",
            "categorical: at least two choices separated by ; (e.g. Good; Okay; Bad). "
            "Label=value pairs are allowed.",
        ),
        ("multi_choice", "categorical: true to allow several choices. Default false."),
        ("rule_prompt", "categorical: optional instruction for auto-annotation."),
        (
            "auto_annotate",
            "categorical: true to let the platform annotate automatically. Default false.",
        ),
        ("strategy", "categorical: Rag, or blank."),
        ("min", "numeric: lowest value, 0 or more. Default 0."),
        ("max", "numeric: highest value, above min (the UI shows up to 10). Default 10."),
        ("step_size", "numeric: step between values, above 0. Default 1."),
        ("display_type", "numeric: slider or button. Default slider."),
        ("no_of_stars", "star: number of stars, 1-10. Default 5."),
        ("placeholder", "text: hint shown in the empty text box."),
        ("min_length", "text: shortest answer in characters, 0 or more. Default 0."),
        ("max_length", "text: longest answer in characters, above min_length. Default 500."),
    ]
    assert set(COLUMNS) == set(NOTES) == set(FIELDS) - {"settings"}


def test_drop_down_words_come_from_the_models() -> None:
    assert CHOICES == {
        "type": LABEL_TYPES,
        "allow_notes": ("true", "false"),
        "multi_choice": ("true", "false"),
        "display_type": ("slider", "button"),
        "auto_annotate": ("true", "false"),
        "strategy": ("Rag",),
    }
