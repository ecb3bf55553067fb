"""Headers and type words: case, spaces, dashes and camelCase; every alias."""

from __future__ import annotations

import pytest

from pipeline.errors import InputError
from pipeline.validate.columns import (
    COLUMN_ALIASES,
    MAX_UNKNOWN_COLUMN_WARNINGS,
    TYPE_ALIASES,
    field_for_header,
    label_type,
    map_columns,
    snake_case,
)
from pipeline.validate.fields import FIELDS


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Max Length", "max_length"),
        ("max-length", "max_length"),
        ("maxLength", "max_length"),
        ("  NAME ", "name"),
        ("noOfStars", "no_of_stars"),
        ("Allow Notes", "allow_notes"),
    ],
)
def test_snake_case(header: str, expected: str) -> None:
    assert snake_case(header) == expected


@pytest.mark.parametrize("canonical", FIELDS)
def test_every_canonical_column_is_known(canonical: str) -> None:
    assert field_for_header(canonical) == canonical
    assert field_for_header(canonical.upper()) == canonical


@pytest.mark.parametrize(("alias", "canonical"), sorted(COLUMN_ALIASES.items()))
def test_every_column_alias(alias: str, canonical: str) -> None:
    assert field_for_header(alias) == canonical
    assert field_for_header(alias.replace("_", " ").title()) == canonical


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Thumbs up/down", "thumbs_up_down"),
        ("thumbs", "thumbs_up_down"),
        ("Boolean", "thumbs_up_down"),
        ("binary", "thumbs_up_down"),
        ("Rating", "star"),
        ("stars", "star"),
        ("number", "numeric"),
        ("Score", "numeric"),
        ("continuous", "numeric"),
        ("Category", "categorical"),
        ("choice", "categorical"),
        ("select", "categorical"),
        ("Free text", "text"),
        ("freeform", "text"),
        ("TEXT", "text"),
        ("Thumbs Up Down", "thumbs_up_down"),
        ("thumbs-up-down", "thumbs_up_down"),
    ],
)
def test_type_words(typed: str, expected: str) -> None:
    assert label_type(typed) == expected


def test_every_type_alias_maps() -> None:
    for alias, expected in TYPE_ALIASES.items():
        assert label_type(alias) == expected


def test_unknown_type_word() -> None:
    assert label_type("slider") is None


def test_column_map_and_unknown_column_suggestion() -> None:
    columns = map_columns(["Label", "Kind", "max_lenght", ""], sheet=None, where="f.csv")
    assert columns.columns == {"name": "Label", "type": "Kind"}
    assert columns.is_label_sheet
    [warning] = columns.warnings
    assert (warning.column, warning.message, warning.hint) == (
        "max_lenght",
        "unknown column, ignored",
        "did you mean max_length?",
    )


def test_two_columns_for_one_field_is_a_file_error() -> None:
    with pytest.raises(InputError, match="columns 'name' and 'Title' both mean 'name'"):
        map_columns(["name", "Title", "type"], sheet=None, where="f.csv")


def test_many_unknown_columns_are_summarised() -> None:
    headers = ["name", "type", *(f"extra{i}" for i in range(100))]
    warnings = map_columns(headers, sheet=None, where="f.csv").warnings
    assert len(warnings) == MAX_UNKNOWN_COLUMN_WARNINGS + 1
    assert warnings[-1].message == "80 more unknown columns ignored"


def test_json_record_keys_meaning_one_field_are_unknown_columns() -> None:
    columns = map_columns(
        ["Label", "title", "Type", "name", "kind"], sheet=None, where="f.json", records=True
    )
    assert columns.columns == {"type": "Type", "name": "name"}
    assert [(w.column, w.message, w.hint) for w in columns.warnings] == [
        ("Label", "unknown column, ignored", "name is read from 'name'; remove this key"),
        ("title", "unknown column, ignored", "name is read from 'name'; remove this key"),
        ("kind", "unknown column, ignored", "type is read from 'Type'; remove this key"),
    ]
