"""Cell formats: options, booleans and numbers as people type them."""

from __future__ import annotations

import pytest

from pipeline.validate.cells import (
    CellError,
    parse_bool,
    parse_int,
    parse_json_object,
    parse_number,
    parse_options,
)


@pytest.mark.parametrize(
    "text",
    ["A; B; C", "A | B | C", "A\nB\nC", "A;B;C;", '["A", "B", "C"]', "  A ;  B;C  "],
)
def test_option_lists(text: str) -> None:
    assert [option["label"] for option in parse_options(text)] == ["A", "B", "C"]


@pytest.mark.parametrize(
    "text",
    [
        "Good=g; Bad=b",
        "Good: g | Bad: b",
        "Good = g\nBad = b",
        '[{"label": "Good", "value": "g"}, {"label": "Bad", "value": "b"}]',
    ],
)
def test_option_label_value_pairs(text: str) -> None:
    assert parse_options(text) == [{"label": "Good", "value": "g"}, {"label": "Bad", "value": "b"}]


def test_option_without_value_leaves_it_for_the_slug() -> None:
    assert parse_options("Very good; Bad") == [
        {"label": "Very good", "value": ""},
        {"label": "Bad", "value": ""},
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[not json", "options is not valid JSON"),
        ('["A", ', "options is not valid JSON"),
        ("[1, 2]", "Each option must be a dictionary with a 'label' field"),
    ],
)
def test_bad_option_json(text: str, message: str) -> None:
    with pytest.raises(CellError, match=message):
        parse_options(text)


@pytest.mark.parametrize(
    "text", ["true", "TRUE", "True", "t", "T", "yes", "Y", "1", "on", "x", "X"]
)
def test_true_words(text: str) -> None:
    assert parse_bool(text) is True


@pytest.mark.parametrize("text", ["false", "FALSE", "f", "F", "no", "n", "0", "off", "", "  "])
def test_false_words(text: str) -> None:
    assert parse_bool(text) is False


@pytest.mark.parametrize("text", ["[]", "0", "false", '""', "null", "{}"])
def test_falsy_settings_json_is_no_settings(text: str) -> None:
    assert parse_json_object(text) == {}


@pytest.mark.parametrize("text", ['{"min": NaN}', '{"max": 1e999}', '{"x": [-Infinity]}'])
def test_settings_json_without_a_json_number_is_refused_as_the_server_does(text: str) -> None:
    with pytest.raises(CellError, match=r"^Value must be valid JSON\.$"):
        parse_json_object(text)


def test_option_objects_keep_their_keys_for_the_model() -> None:
    assert parse_options('[{"label": 5, "colour": "red"}, "B"]') == [
        {"label": 5, "colour": "red"},
        {"label": "B", "value": ""},
    ]


def test_bad_boolean() -> None:
    with pytest.raises(CellError, match=r"Must be a valid boolean\."):
        parse_bool("maybe")


@pytest.mark.parametrize(
    ("text", "value"),
    [("5", 5), ("5.0", 5), (" 2.5 ", 2.5), ("-3", -3), ("1e3", 1000), ("0.1", 0.1)],
)
def test_numbers(text: str, value: float) -> None:
    assert parse_number(text) == value
    assert type(parse_number(text)) is type(value)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("1,000", "remove the thousands separators: 1000"),
        ("NaN", "finite"),
        ("inf", "finite"),
        ("-Infinity", "finite"),
        ("ten", "plain number"),
        ("2024-01-05", "plain number"),
    ],
)
def test_rejected_numbers(text: str, hint: str) -> None:
    with pytest.raises(CellError, match="A valid number is required") as caught:
        parse_number(text)
    assert hint in caught.value.hint


def test_integers_accept_whole_decimals_only() -> None:
    assert parse_int("5.0") == 5
    with pytest.raises(CellError, match=r"A valid integer is required\."):
        parse_int("4.5")
    with pytest.raises(CellError, match=r"A valid integer is required\."):
        parse_int("five")
