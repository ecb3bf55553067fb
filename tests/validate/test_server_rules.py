"""`validate` against the live server's rules (server-answers.md), one rule per line: what
the server answers to the body as written, and the client's verdict on the same JSON
record. Where the server refuses, the client refuses with the server's words; where it
accepts, the client accepts (maybe with a warning) and sends the row as written, apart
from the deliberate refusals at the end of server-answers.md."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest

from pipeline.rows import CheckedRow, Problem
from pipeline.validate import FileCheck, validate_file
from tests.validate.test_bad_inputs import run

Verdict = Literal["error", "warning", "accepted"]
# The server crashes (HTTP 500, an HTML page) on truthy settings that are not an object.
CRASH = "HTTP 500"
UUID = "6f9619ff-8b86-d011-b42d-00c04fc964ff"


@dataclass(frozen=True)
class Rule:
    """`server`: the server's message for the body as written, None when it accepts it.
    `column` and `message`: the client's problem of `verdict`'s severity (for an error,
    the server's message unless the server crashes or accepts deliberately).
    `sent`: settings keys the payload must carry with these values."""

    record: dict[str, Any]
    server: str | None
    verdict: Verdict
    column: str | None = None
    message: str | None = None
    sent: dict[str, Any] = field(default_factory=dict)


def text(**settings: Any) -> dict[str, Any]:
    return {"name": "A", "type": "text", "settings": settings}


def numeric(**settings: Any) -> dict[str, Any]:
    return {"name": "A", "type": "numeric", "settings": settings}


def star(**settings: Any) -> dict[str, Any]:
    return {"name": "A", "type": "star", "settings": settings}


def thumbs(**settings: Any) -> dict[str, Any]:
    return {"name": "A", "type": "thumbs_up_down", "settings": settings}


def categorical(options: Any = ({"label": "A"}, {"label": "B"}), **settings: Any) -> dict[str, Any]:
    chosen = list(options) if isinstance(options, tuple) else options
    return {"name": "A", "type": "categorical", "settings": {"options": chosen, **settings}}


def label(**fields: Any) -> dict[str, Any]:
    return {"name": "A", "type": "star", **fields}


def refused(record: dict[str, Any], column: str, message: str) -> Rule:
    return Rule(record, message, "error", column, message)


def warned(record: dict[str, Any], column: str, message: str, **sent: Any) -> Rule:
    return Rule(record, None, "warning", column, message, sent)


def accepted(record: dict[str, Any], **sent: Any) -> Rule:
    return Rule(record, None, "accepted", sent=sent)


EMPTY_LABEL = "Option labels cannot be empty"
NOT_AN_OPTION = "Each option must be a dictionary with a 'label' field"
DEFAULTS_CLASH = "is left out and its default"

RULES: dict[str, Rule] = {
    # Field errors.
    "name blank": refused({"name": "  ", "type": "text"}, "name", "This field may not be blank."),
    "name too long": refused(
        {"name": "x" * 256, "type": "text"},
        "name",
        "Ensure this field has no more than 255 characters.",
    ),
    "name with NUL": refused(
        {"name": "A\x00", "type": "text"}, "name", "Null characters are not allowed."
    ),
    "name with a lone surrogate": refused(
        {"name": "A\ud800", "type": "text"}, "name", "Surrogate characters are not allowed: U+D800."
    ),
    "name with a tab": warned(
        {"name": "A\tB", "type": "thumbs_up_down"},
        "name",
        "the name holds a control character (a tab, line break or similar)",
    ),
    "type unknown": refused(
        {"name": "A", "type": "bogus"}, "type", '"bogus" is not a valid choice.'
    ),
    "type left out": refused({"name": "A", "type": None}, "type", "This field is required."),
    "project not a UUID": refused(
        label(project="nope"), "project", "\u201cnope\u201d is not a valid UUID."
    ),
    "project upper case": accepted(label(project=UUID.upper())),
    "description with NUL": refused(
        label(description="a\x00"), "description", "Null characters are not allowed."
    ),
    "description with a lone surrogate": refused(
        label(description="\udc00"), "description", "Surrogate characters are not allowed: U+DC00."
    ),
    "allow_notes t": accepted(label(allow_notes="t")),
    "allow_notes F": accepted(label(allow_notes="F")),
    "allow_notes Yes": accepted(label(allow_notes="Yes")),
    "allow_notes OFF": accepted(label(allow_notes="OFF")),
    "allow_notes 1": accepted(label(allow_notes=1)),
    "allow_notes 2": refused(label(allow_notes=2), "allow_notes", "Must be a valid boolean."),
    "allow_notes maybe": refused(
        label(allow_notes="maybe"), "allow_notes", "Must be a valid boolean."
    ),
    "settings 1e999": refused(numeric(min=float("inf")), "settings", "Value must be valid JSON."),
    "unknown top-level key": warned(
        {"name": "A", "type": "thumbs_up_down", "colour": "red"},
        "colour",
        "unknown column, ignored",
    ),
    "label beside name": warned(
        {"label": "B", "name": "A", "type": "thumbs_up_down"}, "label", "unknown column, ignored"
    ),
    # Falsy settings skip every check; truthy non-objects crash the server.
    "settings []": accepted({"name": "A", "type": "thumbs_up_down", "settings": []}),
    "settings false on text": accepted(
        {"name": "A", "type": "text", "settings": False}, max_length=500
    ),
    "settings 5": Rule(
        {"name": "A", "type": "text", "settings": 5},
        CRASH,
        "error",
        "settings",
        "settings must be a JSON object",
    ),
    "settings [1]": Rule(
        {"name": "A", "type": "star", "settings": [1]},
        CRASH,
        "error",
        "settings",
        "settings must be a JSON object",
    ),
    # numeric
    "numeric min null": refused(numeric(min=None), "settings", "min cannot be null"),
    "numeric max null": refused(numeric(max=None), "settings", "max cannot be null"),
    "numeric min text": refused(numeric(min="low"), "settings", "min must be an float"),
    "numeric max list": refused(numeric(max=[1]), "settings", "max must be an float"),
    "numeric step_size text": refused(
        numeric(step_size="x"), "settings", "step_size must be an float"
    ),
    "numeric min negative": refused(numeric(min=-1), "settings", "min cannot be negative"),
    "numeric max negative": refused(numeric(max=-1), "settings", "max cannot be negative"),
    "numeric min equals max": refused(
        numeric(min=5, max=5), "settings", "min must be less than max"
    ),
    "numeric min at the default max": refused(
        numeric(min=10), "settings", "min must be less than max"
    ),
    "numeric step_size 0": refused(
        numeric(step_size=0), "settings", "step_size must be greater than 0"
    ),
    "numeric display_type": refused(
        numeric(display_type="dial"),
        "settings",
        "display_type must be either 'slider' or 'button'",
    ),
    "numeric true is 1": accepted(numeric(min=False, max=True), min=0, max=1),
    "numeric extra key": warned(
        numeric(query="q"),
        "settings",
        "query is not a setting of a numeric label; sent as written",
        query="q",
    ),
    # text
    "text placeholder number": refused(
        text(placeholder=5), "settings", "placeholder must be a string"
    ),
    "text max_length text": refused(
        text(max_length="x"), "settings", "max_length must be an integer"
    ),
    "text min_length fraction": refused(
        text(min_length=2.5), "settings", "min_length must be an integer"
    ),
    "text min equals max": refused(
        text(min_length=5, max_length=5), "settings", "min_length must be less than max_length"
    ),
    "text min_length at the default max_length": refused(
        text(min_length=500), "settings", "min_length must be less than max_length"
    ),
    "text min_length negative": warned(
        text(min_length=-1),
        "settings",
        "min_length is negative; the server accepts it as written",
        min_length=-1,
    ),
    "text inputs": warned(
        text(inputs=["q"]),
        "settings",
        "inputs is not a setting of a text label; sent as written",
        inputs=["q"],
    ),
    "text query_col": warned(
        text(query_col="c"),
        "settings",
        "query_col is not a setting of a text label; sent as written",
        query_col="c",
    ),
    "text misspelt key": warned(
        text(max_lenght=3),
        "settings",
        "max_lenght is not a setting of a text label; sent as written",
        max_lenght=3,
        max_length=500,
    ),
    # categorical
    "options not a list": refused(categorical("A; B"), "settings", "options must be a list"),
    "option not an object": refused(categorical(["A", "B"]), "settings", NOT_AN_OPTION),
    "option without label": refused(
        categorical([{"value": "a"}, {"label": "B"}]), "settings", NOT_AN_OPTION
    ),
    "option label 0": refused(categorical([{"label": 0}, {"label": "B"}]), "settings", EMPTY_LABEL),
    "option label false": refused(
        categorical([{"label": False}, {"label": "B"}]), "settings", EMPTY_LABEL
    ),
    "option label null": refused(
        categorical([{"label": None}, {"label": "B"}]), "settings", EMPTY_LABEL
    ),
    "option label blank": refused(
        categorical([{"label": " "}, {"label": "B"}]), "settings", EMPTY_LABEL
    ),
    "option labels repeat": refused(
        categorical([{"label": "A"}, {"label": " a "}]),
        "settings",
        "Categorical option labels must be unique",
    ),
    "option labels true and 'true'": refused(
        categorical([{"label": True}, {"label": "true"}]),
        "settings",
        "Categorical option labels must be unique",
    ),
    "one option": refused(
        categorical([{"label": "A"}]), "settings", "There must be at least two options"
    ),
    "multi_choice text": refused(
        categorical(multi_choice="maybe"), "settings", "multi_choice must be a boolean"
    ),
    "rule_prompt number": refused(
        categorical(rule_prompt=5), "settings", "rule_prompt must be a string"
    ),
    "strategy lower case": refused(
        categorical(strategy="rag"), "settings", "Strategy must be 'Rag' or None."
    ),
    "auto_annotate text": refused(
        categorical(auto_annotate="maybe"), "settings", "auto_annotate must be a boolean"
    ),
    "option label 5": warned(
        categorical([{"label": 5}, {"label": "B"}]),
        "settings",
        'option label 5 is not text; sent as "5"',
    ),
    "option extra key": warned(
        categorical([{"label": "A", "colour": "red"}, {"label": "B"}]),
        "settings",
        "option 'A' also has colour; sent as written",
    ),
    "categorical extra key": warned(
        categorical(query="q"),
        "settings",
        "query is not a setting of a categorical label; sent as written",
        query="q",
    ),
    # star
    "stars text": refused(star(no_of_stars="x"), "settings", "no_of_stars must be an integer"),
    "stars fraction": refused(star(no_of_stars=2.5), "settings", "no_of_stars must be an integer"),
    "stars 0": refused(star(no_of_stars=0), "settings", "no_of_stars must be greater than 0"),
    "stars 1000": warned(
        star(no_of_stars=1000),
        "settings",
        "the Future AGI UI shows at most 10 stars",
        no_of_stars=1000,
    ),
    # thumbs_up_down: no check at all
    "thumbs any key": warned(
        thumbs(inputs=[1], query="q"),
        "settings",
        "inputs is not a setting of a thumbs_up_down label; sent as written",
        inputs=[1],
        query="q",
    ),
    "thumbs settings not an object": warned(
        {"name": "A", "type": "thumbs_up_down", "settings": 5},
        "settings",
        "settings must be a JSON object: nothing of it was sent",
    ),
    # The deliberate refusals: empty settings the client cannot fill.
    "categorical without options": Rule(
        {"name": "A", "type": "categorical"}, None, "error", "options", "This field is required."
    ),
}
DELIBERATE = {"categorical without options"}


def check(tmp_path: Path, record: dict[str, Any]) -> tuple[CheckedRow, list[Problem]]:
    """The record's check, and the file's warnings (unknown columns)."""
    path = tmp_path / "labels.json"
    # As an exporter writes them: a lone surrogate as its escape, infinity as JSON cannot.
    path.write_text(json.dumps([record]).replace("Infinity", "1e999"))
    file_check = FileCheck(path)
    [checked] = file_check
    return checked, file_check.warnings


def verdict(
    checked: CheckedRow, file_warnings: list[Problem]
) -> tuple[Verdict, list[tuple[str | None, str]]]:
    """The client's verdict and the problems of its severity (defaults filled aside)."""
    problems = [p for p in checked.problems if not p.message.startswith("defaults filled")]
    errors = [(p.column, p.message) for p in problems if p.severity == "error"]
    if errors or not checked.valid:
        return "error", errors
    warnings = [(p.column, p.message) for p in [*file_warnings, *problems]]
    return ("warning" if warnings else "accepted"), warnings


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_the_client_answers_each_rule_as_the_server(tmp_path: Path, rule: Rule) -> None:
    checked, file_warnings = check(tmp_path, rule.record)
    found, problems = verdict(checked, file_warnings)
    assert found == rule.verdict
    if rule.message is not None:
        assert (rule.column, rule.message) in problems
    if rule.sent:
        assert checked.label is not None
        assert rule.sent.items() <= checked.label.payload()["settings"].items()


@pytest.mark.parametrize("name", RULES)
def test_the_client_refuses_exactly_what_the_server_refuses(name: str) -> None:
    rule = RULES[name]
    if rule.server is None:
        assert (rule.verdict == "error") == (name in DELIBERATE)
    else:
        assert rule.verdict == "error"
        assert rule.server in (CRASH, rule.message)


@pytest.mark.parametrize(
    ("kind", "column", "cell", "message", "hint"),
    [
        ("numeric", "min", "ten", "min must be an float", "type a plain number such as 5 or 2.5"),
        (
            "numeric",
            "max",
            '"1,000"',
            "max must be an float",
            "remove the thousands separators: 1000",
        ),
        (
            "numeric",
            "step_size",
            "NaN",
            "step_size must be an float",
            "type a finite number such as 10",
        ),
        (
            "text",
            "min_length",
            "4.5",
            "min_length must be an integer",
            "use a whole number, e.g. 4",
        ),
        (
            "star",
            "no_of_stars",
            "five",
            "no_of_stars must be an integer",
            "type a whole number such as 5",
        ),
        (
            "categorical",
            "multi_choice",
            "maybe",
            "multi_choice must be a boolean",
            "use true or false (yes/no, 1/0 also work)",
        ),
    ],
)
def test_a_cell_no_parser_can_read_is_refused_as_the_server_refuses_its_text(
    tmp_path: Path, kind: str, column: str, cell: str, message: str, hint: str
) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(f"name,type,options,{column}\nA,{kind},a; b,{cell}\n")
    problems = [p for p in validate_file(path).problems if p.severity == "error"]
    assert [(p.column, p.message, p.hint) for p in problems] == [(column, message, hint)]


def test_a_default_that_breaks_a_rule_says_so_in_the_hint(tmp_path: Path) -> None:
    checked, _ = check(tmp_path, text(min_length=500))
    [problem] = checked.problems
    assert (problem.message, problem.hint) == (
        "min_length must be less than max_length",
        "max_length is left out and its default 500 breaks this rule; fill max_length",
    )


def test_a_problem_beside_a_settings_json_stays_on_its_own_column(tmp_path: Path) -> None:
    checked, _ = check(tmp_path, {"name": " ", "type": "text", "settings": {"min_length": 1}})
    assert [(p.column, p.message) for p in checked.problems] == [
        ("name", "This field may not be blank.")
    ]


def test_extra_keys_of_a_json_record_are_unknown_columns_not_a_file_error(
    tmp_path: Path,
) -> None:
    path = tmp_path / "labels.json"
    records = [
        {"label": "Shown", "name": "Tone", "type": "text", "title": "T"},
        {"title": "Only a title", "type": "star"},
    ]
    path.write_text(json.dumps(records))
    result = validate_file(path)
    assert (result.rows_read, result.valid, result.invalid) == (2, 1, 1)
    assert [(w.column, w.message, w.hint) for w in result.file_warnings] == [
        ("label", "unknown column, ignored", "name is read from 'name'; remove this key"),
        ("title", "unknown column, ignored", "name is read from 'name'; remove this key"),
    ]
    assert [(p.row, p.column, p.message) for p in result.problems if p.severity == "error"] == [
        (2, "name", "This field is required.")
    ]
    assert run(path)[0] == 1
