"""The sandbox answers word for word as /work/shared/server-answers.md says the live server
does: one table row per rule, each citing the rule it checks (the section of
server-answers.md, then the rule), with the exact status, message, code and envelope keys.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.conftest import SandboxFactory
from tests.sandbox_api import LABEL_KEYS, LABELS, Api, api_for

ENVELOPE = {"status", "type", "code", "detail", "message", "error", "result"}
PAGE_KEYS = {"count", "next", "previous", "results", "total_pages", "current_page"}
TEXT = {"placeholder": "", "max_length": 500, "min_length": 0}
NUMERIC = {"min": 0, "max": 10, "step_size": 1, "display_type": "slider"}
CATEGORICAL = {
    "rule_prompt": "",
    "multi_choice": False,
    "options": [{"label": "Good"}, {"label": "Bad"}],
    "auto_annotate": False,
    "strategy": None,
}
STAR = {"no_of_stars": 5}
VALID = {"text": TEXT, "numeric": NUMERIC, "categorical": CATEGORICAL, "star": STAR}
DUPLICATE = "A label with this name and type already exists in the selected project."
NO_SUCH_LABEL = "No AnnotationsLabels matches the given query."
PROJECT = "6f0b8f5e-4f7a-4d7e-9a55-0d8f2f1c9e11"
ELSEWHERE = "0e9d5c1a-2b3c-4d5e-8f70-112233445566"
_ABSENT: Any = object()


@dataclass(frozen=True)
class Refusal:
    """An error answer: its status, type, code and message, and `attr`/`details` exactly
    (absent from the body when not given here)."""

    status: int
    type: str
    code: str
    message: str
    attr: Any = _ABSENT
    details: Any = _ABSENT


def assert_refused(body: Any, expected: Refusal) -> None:
    keys = set(ENVELOPE)
    if expected.attr is not _ABSENT:
        keys.add("attr")
    if expected.details is not _ABSENT:
        keys.add("details")
    assert set(body) == keys
    assert (body["status"], body["type"], body["code"]) == (False, expected.type, expected.code)
    for key in ("detail", "message", "error", "result"):
        assert body[key] == expected.message
    if expected.attr is not _ABSENT:
        assert body["attr"] == expected.attr
    if expected.details is not _ABSENT:
        assert body["details"] == expected.details


def field_error(code: str, *errors: tuple[str, str]) -> Refusal:
    """The create envelope of field errors: `f: m` joined by "; ", the first field's code."""
    details: dict[str, list[str]] = {}
    for name, message in errors:
        details.setdefault(name, []).append(message)
    text = "; ".join(f"{name}: {', '.join(texts)}" for name, texts in details.items())
    return Refusal(400, "validation_error", code, text, next(iter(details)), details)


def settings_failed(rule: str) -> Refusal:
    """The create envelope of a settings rule: no attr, no details."""
    message = f"Annotation label creation failed: {{'__all__': [{rule!r}]}}"
    return Refusal(400, "validation_error", "invalid", message)


@dataclass(frozen=True)
class Case:
    rule: str
    body: dict[str, Any]
    expected: Refusal
    id: str = field(default="")


def _params(cases: list[Case]) -> Any:
    return [pytest.param(c.body, c.expected, id=c.id or c.rule) for c in cases]


# --- Field errors (create) -------------------------------------------------------------
FIELD_CASES = [
    Case(
        "Field errors: name This field is required.",
        {"type": "star"},
        field_error("required", ("name", "This field is required.")),
    ),
    Case(
        "Field errors: name This field may not be null.",
        {"name": None, "type": "star"},
        field_error("null", ("name", "This field may not be null.")),
    ),
    Case(
        "Field errors: name may not be blank (after trimming)",
        {"name": " \t ", "type": "star"},
        field_error("blank", ("name", "This field may not be blank.")),
    ),
    Case(
        "Field errors: name Not a valid string. (booleans)",
        {"name": True, "type": "star"},
        field_error("invalid", ("name", "Not a valid string.")),
    ),
    Case(
        "Field errors: name Not a valid string. (objects)",
        {"name": {"a": 1}, "type": "star"},
        field_error("invalid", ("name", "Not a valid string.")),
    ),
    Case(
        "Field errors: name no more than 255 characters",
        {"name": "x" * 256, "type": "star"},
        field_error("max_length", ("name", "Ensure this field has no more than 255 characters.")),
    ),
    Case(
        "Field errors: name Null characters are not allowed.",
        {"name": "a\x00b", "type": "star"},
        field_error("null_characters_not_allowed", ("name", "Null characters are not allowed.")),
    ),
    Case(
        "Field errors: name surrogate message with the code point",
        {"name": "a\udc80", "type": "star"},
        field_error(
            "surrogate_characters_not_allowed",
            ("name", "Surrogate characters are not allowed: U+DC80."),
        ),
    ),
    Case(
        "Field errors: several messages of one field joined by a comma",
        {"name": "\x00" * 256, "type": "star"},
        field_error(
            "max_length",
            ("name", "Ensure this field has no more than 255 characters."),
            ("name", "Null characters are not allowed."),
        ),
    ),
    Case(
        "Field errors: type This field is required.",
        {"name": "x"},
        field_error("required", ("type", "This field is required.")),
    ),
    Case(
        "Field errors: type This field may not be null.",
        {"name": "x", "type": None},
        field_error("null", ("type", "This field may not be null.")),
    ),
    Case(
        "Field errors: type not a valid choice, Python str() of the value",
        {"name": "x", "type": ["text"]},
        field_error("invalid_choice", ("type", "\"['text']\" is not a valid choice.")),
    ),
    Case(
        "Field errors: type not a valid choice (a bool shows as Python)",
        {"name": "x", "type": True},
        field_error("invalid_choice", ("type", '"True" is not a valid choice.')),
    ),
    Case(
        "Field errors: settings This field may not be null.",
        {"name": "x", "type": "star", "settings": None},
        field_error("null", ("settings", "This field may not be null.")),
    ),
    Case(
        "Field errors: description Not a valid string.",
        {"name": "x", "type": "star", "description": ["a"]},
        field_error("invalid", ("description", "Not a valid string.")),
    ),
    Case(
        "Field errors: description Null characters are not allowed.",
        {"name": "x", "type": "star", "description": "a\x00"},
        field_error(
            "null_characters_not_allowed", ("description", "Null characters are not allowed.")
        ),
    ),
    Case(
        "Field errors: description surrogate message",
        {"name": "x", "type": "star", "description": "\ud800"},
        field_error(
            "surrogate_characters_not_allowed",
            ("description", "Surrogate characters are not allowed: U+D800."),
        ),
    ),
    Case(
        "Field errors: project This field may not be null.",
        {"name": "x", "type": "star", "project": None},
        field_error("null", ("project", "This field may not be null.")),
    ),
    Case(
        'Field errors: project may not be null (also for "")',
        {"name": "x", "type": "star", "project": ""},
        field_error("null", ("project", "This field may not be null.")),
    ),
    Case(
        "Field errors: project not a valid UUID (curly quotes)",
        {"name": "x", "type": "star", "project": "nope"},
        field_error("invalid", ("project", "\u201cnope\u201d is not a valid UUID.")),
    ),
    Case(
        "Field errors: project Incorrect type, received bool",
        {"name": "x", "type": "star", "project": False},
        field_error(
            "incorrect_type", ("project", "Incorrect type. Expected pk value, received bool.")
        ),
    ),
    Case(
        "Field errors: allow_notes This field may not be null.",
        {"name": "x", "type": "star", "allow_notes": None},
        field_error("null", ("allow_notes", "This field may not be null.")),
    ),
    Case(
        "Field errors: allow_notes Must be a valid boolean.",
        {"name": "x", "type": "star", "allow_notes": "maybe"},
        field_error("invalid", ("allow_notes", "Must be a valid boolean.")),
    ),
    Case(
        "Field errors: allow_notes Must be a valid boolean. (2 is not 1/0)",
        {"name": "x", "type": "star", "allow_notes": 2},
        field_error("invalid", ("allow_notes", "Must be a valid boolean.")),
    ),
    Case(
        "Envelope: several fields joined by '; ' in field order, first field's code",
        {"allow_notes": "x", "description": [1], "project": "p", "type": "bad"},
        field_error(
            "required",
            ("name", "This field is required."),
            ("type", '"bad" is not a valid choice.'),
            ("project", "\u201cp\u201d is not a valid UUID."),
            ("description", "Not a valid string."),
            ("allow_notes", "Must be a valid boolean."),
        ),
    ),
    Case(
        "Field errors: checked before the settings rules",
        {"name": None, "type": "numeric", "settings": {"min": 5}},
        field_error("null", ("name", "This field may not be null.")),
    ),
]


@pytest.mark.parametrize(("body", "expected"), _params(FIELD_CASES))
async def test_create_field_errors(api: Api, body: dict[str, Any], expected: Refusal) -> None:
    answer = await api.create(**body)
    assert answer.status == expected.status
    assert_refused(answer.body, expected)


# --- Settings rules (create), in the order the server checks them ---------------------
def _rule(label_type: str, settings: Any, rule: str, note: str = "") -> Case:
    return Case(
        f"Settings rules: {label_type} {note or rule}",
        {"name": "Rule", "type": label_type, "settings": settings},
        settings_failed(rule),
    )


SETTINGS_CASES = [
    _rule(
        "numeric",
        {"min": 0, "max": 1},
        "Numeric type requires {'min', 'max', 'step_size', 'display_type'} settings",
    ),
    _rule("numeric", {**NUMERIC, "min": None}, "min cannot be null"),
    _rule("numeric", {**NUMERIC, "min": "0"}, "min must be an float"),
    _rule("numeric", {**NUMERIC, "max": None, "min": "x"}, "min must be an float", "min first"),
    _rule("numeric", {**NUMERIC, "max": None}, "max cannot be null"),
    _rule("numeric", {**NUMERIC, "max": [10]}, "max must be an float"),
    _rule("numeric", {**NUMERIC, "step_size": None}, "step_size cannot be null"),
    _rule("numeric", {**NUMERIC, "step_size": "1"}, "step_size must be an float"),
    _rule(
        "numeric",
        {**NUMERIC, "min": -1, "step_size": None},
        "step_size cannot be null",
        "types before signs",
    ),
    _rule("numeric", {**NUMERIC, "min": -1}, "min cannot be negative"),
    _rule("numeric", {**NUMERIC, "max": -1}, "max cannot be negative"),
    _rule("numeric", {**NUMERIC, "min": 5, "max": 5}, "min must be less than max"),
    _rule("numeric", {**NUMERIC, "min": True, "max": True}, "min must be less than max", "bool=1"),
    _rule("numeric", {**NUMERIC, "step_size": 0}, "step_size must be greater than 0"),
    _rule(
        "numeric",
        {**NUMERIC, "step_size": 0, "display_type": "dial"},
        "step_size must be greater than 0",
        "step before display_type",
    ),
    _rule(
        "numeric",
        {**NUMERIC, "display_type": "dial"},
        "display_type must be either 'slider' or 'button'",
    ),
    _rule(
        "text",
        {"placeholder": ""},
        "Text type requires {'placeholder', 'max_length', 'min_length'} settings",
    ),
    _rule("text", {**TEXT, "placeholder": 3}, "placeholder must be a string"),
    _rule(
        "text",
        {**TEXT, "max_length": "5", "min_length": "x"},
        "max_length must be an integer",
        "max_length before min_length",
    ),
    _rule("text", {**TEXT, "min_length": 1.5}, "min_length must be an integer"),
    _rule(
        "text",
        {**TEXT, "min_length": 9, "max_length": 9},
        "min_length must be less than max_length",
    ),
    _rule(
        "categorical",
        {"options": []},
        "Categorical type requires {'rule_prompt', 'multi_choice', 'options', 'auto_annotate',"
        " 'strategy'} settings",
    ),
    _rule("categorical", {**CATEGORICAL, "options": "A;B"}, "options must be a list"),
    _rule(
        "categorical",
        {**CATEGORICAL, "options": [{"label": "A"}, "B"]},
        "Each option must be a dictionary with a 'label' field",
    ),
    _rule(
        "categorical",
        {**CATEGORICAL, "options": [{"label": "A"}, {"value": "b"}]},
        "Each option must be a dictionary with a 'label' field",
        "an option without a label",
    ),
    _rule(
        "categorical",
        {**CATEGORICAL, "options": [{"label": "A"}, {"label": "  "}]},
        "Option labels cannot be empty",
    ),
    _rule(
        "categorical",
        {**CATEGORICAL, "options": [{"label": "A"}, {"label": 0}]},
        "Option labels cannot be empty",
        "0 is empty",
    ),
    _rule(
        "categorical",
        {**CATEGORICAL, "options": [{"label": "A"}, {"label": None}]},
        "Option labels cannot be empty",
        "null is empty",
    ),
    _rule(
        "categorical",
        {**CATEGORICAL, "options": [{"label": "Yes"}, {"label": " YES "}]},
        "Categorical option labels must be unique",
    ),
    _rule(
        "categorical",
        {**CATEGORICAL, "options": [{"label": "Only"}]},
        "There must be at least two options",
    ),
    _rule(
        "categorical",
        {**CATEGORICAL, "options": [], "multi_choice": "no"},
        "There must be at least two options",
        "options before multi_choice",
    ),
    _rule("categorical", {**CATEGORICAL, "multi_choice": "no"}, "multi_choice must be a boolean"),
    _rule("categorical", {**CATEGORICAL, "rule_prompt": None}, "rule_prompt must be a string"),
    _rule("categorical", {**CATEGORICAL, "strategy": "rag"}, "Strategy must be 'Rag' or None."),
    _rule(
        "categorical",
        {**CATEGORICAL, "strategy": "rag", "auto_annotate": 0},
        "Strategy must be 'Rag' or None.",
        "strategy before auto_annotate",
    ),
    _rule("categorical", {**CATEGORICAL, "auto_annotate": 0}, "auto_annotate must be a boolean"),
    _rule("star", {"noOfStars": 5}, "Star type requires {'no_of_stars'} settings"),
    _rule("star", {"no_of_stars": 4.0}, "no_of_stars must be an integer"),
    _rule("star", {"no_of_stars": 0}, "no_of_stars must be greater than 0"),
    _rule("star", {"no_of_stars": False}, "no_of_stars must be greater than 0", "false is 0"),
]


@pytest.mark.parametrize(("body", "expected"), _params(SETTINGS_CASES))
async def test_create_settings_rules(api: Api, body: dict[str, Any], expected: Refusal) -> None:
    answer = await api.create(**body)
    assert answer.status == 400
    assert_refused(answer.body, expected)


# --- What the server accepts and stores ------------------------------------------------
ACCEPTED: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "Settings rules: falsy settings skip every check ({})",
        {"type": "numeric", "settings": {}},
        {"settings": {}},
    ),
    ("Settings rules: falsy settings ([])", {"type": "text", "settings": []}, {"settings": []}),
    ('Settings rules: falsy settings ("")', {"type": "star", "settings": ""}, {"settings": ""}),
    ("Settings rules: falsy settings (0)", {"type": "categorical", "settings": 0}, {"settings": 0}),
    (
        "Settings rules: falsy settings (false)",
        {"type": "numeric", "settings": False},
        {"settings": False},
    ),
    (
        "Settings rules: thumbs_up_down any settings stored",
        {"type": "thumbs_up_down", "settings": {"anything": [1, 2]}},
        {"settings": {"anything": [1, 2]}},
    ),
    (
        "Settings rules: thumbs_up_down no check at all (not even an object)",
        {"type": "thumbs_up_down", "settings": 5},
        {"settings": 5},
    ),
    (
        "Settings rules: bool counts as an integer (text lengths)",
        {"type": "text", "settings": {**TEXT, "min_length": False, "max_length": True}},
        {"settings": {**TEXT, "min_length": False, "max_length": True}},
    ),
    (
        "Settings rules: bool counts as a number (numeric)",
        {"type": "numeric", "settings": {**NUMERIC, "min": False, "max": True, "step_size": True}},
        {"settings": {**NUMERIC, "min": False, "max": True, "step_size": True}},
    ),
    (
        "Settings rules: text has no sign rule",
        {"type": "text", "settings": {**TEXT, "min_length": -5}},
        {"settings": {**TEXT, "min_length": -5}},
    ),
    (
        "Settings rules: star has no upper bound",
        {"type": "star", "settings": {"no_of_stars": 1000}},
        {"settings": {"no_of_stars": 1000}},
    ),
    (
        "Settings rules: option labels 5 and true are fine; extra keys stored",
        {
            "type": "categorical",
            "settings": {
                **CATEGORICAL,
                "options": [{"label": 5, "x": 1}, {"label": True}],
                "inputs": [],
            },
        },
        {
            "settings": {
                **CATEGORICAL,
                "options": [{"label": 5, "x": 1}, {"label": True}],
                "inputs": [],
            }
        },
    ),
    (
        "Field errors: description trimmed before storing",
        {"type": "star", "description": "  How polite \n"},
        {"description": "How polite"},
    ),
    ("Field errors: names: numbers become text", {"type": "star", "name": 42}, {"name": "42"}),
    (
        "Field errors: allow_notes spelled t",
        {"type": "thumbs_up_down", "allow_notes": "t"},
        {"allow_notes": True},
    ),
    (
        "Field errors: allow_notes 0.0",
        {"type": "thumbs_up_down", "allow_notes": 0.0},
        {"allow_notes": False},
    ),
    (
        "Field errors: allow_notes Yes",
        {"type": "thumbs_up_down", "allow_notes": "Yes"},
        {"allow_notes": True},
    ),
    (
        "Field errors: unknown body keys are ignored",
        {"type": "thumbs_up_down", "label": "x", "title": "y", "inputs": [1]},
        {},
    ),
    (
        "Field errors: project: any well-formed UUID when none are declared",
        {"type": "thumbs_up_down", "project": ELSEWHERE.upper()},
        {"project": ELSEWHERE},
    ),
]


@pytest.mark.parametrize(("body", "stored"), [pytest.param(b, s, id=r) for r, b, s in ACCEPTED])
async def test_create_accepts_and_stores_what_the_server_does(
    api: Api, body: dict[str, Any], stored: dict[str, Any]
) -> None:
    answer = await api.create(**{"name": "Kept", **body})
    assert answer.status == 200
    assert set(answer.body) == {"status", "result"} and answer.body["status"] is True
    label = answer.body["result"]
    assert set(label) == LABEL_KEYS
    assert {key: label[key] for key in stored} == stored
    assert "label" not in label and "updated_at" not in label


@pytest.mark.parametrize("label_type", sorted(VALID))
@pytest.mark.parametrize("settings", [5, True, [1], "text"])
async def test_truthy_settings_that_are_not_an_object_crash_with_an_html_page(
    api: Api, label_type: str, settings: Any
) -> None:
    # Settings rules: truthy settings that are not an object crash the server: HTTP 500 (HTML).
    answer = await api.create(name="Crash", type=label_type, settings=settings)
    assert answer.status == 500
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "<h1>Server Error (500)</h1>" in answer.text
    assert (await api.list()).body["count"] == 0


# --- Body-level answers ----------------------------------------------------------------
JSON_HEADER = {"Content-Type": "application/json"}
BODY_CASES: list[tuple[str, bytes, dict[str, str], Refusal]] = [
    (
        "Body not an object: Invalid data. Expected a dictionary, but got list.",
        b'[{"name": "x"}]',
        JSON_HEADER,
        Refusal(
            400,
            "validation_error",
            "invalid",
            "Invalid data. Expected a dictionary, but got list.",
            details={"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]},
        ),
    ),
    (
        "Body not an object: a null body is No data provided",
        b"null",
        JSON_HEADER,
        Refusal(
            400,
            "validation_error",
            "null",
            "No data provided",
            details={"non_field_errors": ["No data provided"]},
        ),
    ),
    (
        "An empty body counts as {}",
        b"",
        JSON_HEADER,
        field_error(
            "required", ("name", "This field is required."), ("type", "This field is required.")
        ),
    ),
    (
        "Bad JSON: JSON parse error - <reason>, code parse_error",
        b'{"name": ',
        JSON_HEADER,
        Refusal(
            400,
            "validation_error",
            "parse_error",
            "JSON parse error - Expecting value: line 1 column 10 (char 9)",
            details={"detail": ["JSON parse error - Expecting value: line 1 column 10 (char 9)"]},
        ),
    ),
    (
        "Bad JSON: NaN is not JSON compliant: 'NaN'",
        b'{"name": "x", "type": "numeric", "settings": {"min": NaN}}',
        JSON_HEADER,
        Refusal(
            400,
            "validation_error",
            "parse_error",
            "JSON parse error - Out of range float values are not JSON compliant: 'NaN'",
            details={
                "detail": [
                    "JSON parse error - Out of range float values are not JSON compliant: 'NaN'"
                ]
            },
        ),
    ),
    (
        "Field errors: settings Value must be valid JSON. (e.g. 1e999)",
        b'{"name": "x", "type": "numeric", "settings": {"max": 1e999}}',
        JSON_HEADER,
        field_error("invalid", ("settings", "Value must be valid JSON.")),
    ),
    (
        "415 answers have type api_error",
        b"name=x",
        {"Content-Type": "text/plain; charset=utf-8"},
        Refusal(
            415,
            "api_error",
            "unsupported_media_type",
            'Unsupported media type "text/plain; charset=utf-8" in request.',
            details={"detail": ['Unsupported media type "text/plain; charset=utf-8" in request.']},
        ),
    ),
]


@pytest.mark.parametrize(
    ("raw", "headers", "expected"), [pytest.param(b, h, e, id=r) for r, b, h, e in BODY_CASES]
)
async def test_create_body_answers(
    api: Api, raw: bytes, headers: dict[str, str], expected: Refusal
) -> None:
    answer = await api.call("POST", LABELS, data=raw, headers=headers)
    assert answer.status == expected.status
    assert_refused(answer.body, expected)


async def test_a_duplicate_is_checked_after_the_fields_and_before_the_settings(api: Api) -> None:
    # Field errors (create): Duplicate, only checked when every field is valid, before the
    # settings rules; code invalid, details non_field_errors, no attr.
    assert (await api.create(name="Twice", type="numeric", settings=NUMERIC)).status == 200
    duplicate = Refusal(
        400, "validation_error", "invalid", DUPLICATE, details={"non_field_errors": [DUPLICATE]}
    )
    again = await api.create(name=" twice ", type="numeric", settings={**NUMERIC, "min": 99})
    assert_refused(again.body, duplicate)
    with_bad_field = await api.create(name="twice", type="numeric", allow_notes="?")
    assert_refused(
        with_bad_field.body, field_error("invalid", ("allow_notes", "Must be a valid boolean."))
    )


# --- Projects ----------------------------------------------------------------------------
async def test_declared_projects_refuse_any_other_project(sandbox_factory: SandboxFactory) -> None:
    # Field errors: project Invalid pk "<value>" - object does not exist. (a well-formed UUID
    # of no project of the organisation), shown as given.
    handle = await sandbox_factory(projects=(PROJECT,))
    async with api_for(handle) as api:
        made = await api.create(name="In project", type="thumbs_up_down", project=PROJECT.upper())
        assert made.status == 200 and made.body["result"]["project"] == PROJECT
        other = ELSEWHERE.upper()
        refused = await api.create(name="Elsewhere", type="thumbs_up_down", project=other)
        message = f'Invalid pk "{other}" - object does not exist.'
        assert_refused(refused.body, field_error("does_not_exist", ("project", message)))
        labels = (await api.list(project_id=ELSEWHERE)).body
        assert (labels["count"], labels["results"]) == (0, [])


# --- List ----------------------------------------------------------------------------------
def _query_error(*errors: tuple[str, str, str]) -> Refusal:
    details = {name: [message] for name, message, _ in errors}
    text = "; ".join(f"{name}: {message}" for name, message, _ in errors)
    return Refusal(400, "validation_error", errors[0][2], text, errors[0][0], details)


QUERY_CASES: list[tuple[str, dict[str, str], Refusal]] = [
    (
        "List: unknown parameter Unknown field.",
        {"foo": "1"},
        _query_error(("foo", "Unknown field.", "invalid")),
    ),
    (
        "List: unknown parameters alone, in name order",
        {"zz": "1", "aa": "1", "limit": "0"},
        _query_error(("aa", "Unknown field.", "invalid"), ("zz", "Unknown field.", "invalid")),
    ),
    (
        "List: page >= 1",
        {"page": "0"},
        _query_error(("page", "Ensure this value is greater than or equal to 1.", "min_value")),
    ),
    (
        "List: limit <= 500",
        {"limit": "501"},
        _query_error(("limit", "Ensure this value is less than or equal to 500.", "max_value")),
    ),
    (
        "List: 400 for limit 0",
        {"limit": "0"},
        _query_error(("limit", "Ensure this value is greater than or equal to 1.", "min_value")),
    ),
    (
        "List: 400 for limit -1",
        {"limit": "-1"},
        _query_error(("limit", "Ensure this value is greater than or equal to 1.", "min_value")),
    ),
    (
        "List: 400 for limit abc",
        {"limit": "abc"},
        _query_error(("limit", "A valid integer is required.", "invalid")),
    ),
    (
        "List: type must be a choice",
        {"type": "bogus"},
        _query_error(("type", '"bogus" is not a valid choice.', "invalid_choice")),
    ),
    (
        "List: project_id a UUID",
        {"project_id": "nope"},
        _query_error(("project_id", "Must be a valid UUID.", "invalid")),
    ),
    (
        "List: booleans strict",
        {"archived": "maybe"},
        _query_error(("archived", "Must be a valid boolean.", "invalid")),
    ),
    (
        "List: booleans strict (include_archived)",
        {"include_archived": "2"},
        _query_error(("include_archived", "Must be a valid boolean.", "invalid")),
    ),
    (
        "List: several bad parameters in the serializer's order",
        {"type": "x", "limit": "0", "page": "a"},
        _query_error(
            ("page", "A valid integer is required.", "invalid"),
            ("limit", "Ensure this value is greater than or equal to 1.", "min_value"),
            ("type", '"x" is not a valid choice.', "invalid_choice"),
        ),
    ),
    (
        "List: a page past the end answers 500 Failed to list annotation labels",
        {"page": "2"},
        Refusal(500, "server_error", "server_error", "Failed to list annotation labels"),
    ),
]


@pytest.mark.parametrize(
    ("params", "expected"), [pytest.param(p, e, id=r) for r, p, e in QUERY_CASES]
)
async def test_list_query_answers(api: Api, params: dict[str, str], expected: Refusal) -> None:
    await api.create(name="One", type="thumbs_up_down")
    answer = await api.list(**params)
    assert answer.status == expected.status
    assert_refused(answer.body, expected)


@pytest.mark.parametrize(("limit", "size"), [("2.0", 2), ("2.", 2), (" 3 ", 3), ("+1", 1)])
async def test_list_integers_are_read_as_the_servers_integer_field_reads_them(
    api: Api, limit: str, size: int
) -> None:
    # List: 1 <= limit <= 500, as an integer field reads it (a trailing .0 is dropped).
    for name in ("a", "b", "c"):
        await api.create(name=name, type="thumbs_up_down")
    answer = await api.list(limit=limit)
    assert answer.status == 200 and len(answer.body["results"]) == size


async def test_list_is_the_bare_page_with_output_types(api: Api) -> None:
    # List: success is the bare page; items carry output_type and no updated_at.
    for label_type, settings in VALID.items():
        await api.create(name=label_type, type=label_type, settings=settings)
    await api.create(name="thumbs", type="thumbs_up_down")
    page = (await api.list(limit="500", include_usage_count="true")).body
    assert set(page) == PAGE_KEYS
    assert (page["count"], page["total_pages"], page["current_page"]) == (5, 1, 1)
    shown = {label["type"]: label["output_type"] for label in page["results"]}
    assert shown == {
        "text": "text",
        "numeric": "score",
        "categorical": "choices",
        "star": "score",
        "thumbs_up_down": "Pass/Fail",
    }
    for label in page["results"]:
        counts = {"trace_annotations_count", "annotation_count", "output_type"}
        assert set(label) == LABEL_KEYS | counts and "updated_at" not in label


async def test_list_archived_and_include_archived(api: Api) -> None:
    # List: archived=true lists only archived labels; include_archived=true lists both.
    kept = (await api.create(name="Kept", type="thumbs_up_down")).body["result"]
    gone = (await api.create(name="Gone", type="thumbs_up_down")).body["result"]
    await api.call("DELETE", f"{LABELS}{gone['id']}/")

    async def ids(**params: str) -> set[str]:
        return {label["id"] for label in (await api.list(**params)).body["results"]}

    assert await ids() == {kept["id"]}
    assert await ids(archived="true") == {gone["id"]}
    assert await ids(include_archived="True") == {kept["id"], gone["id"]}
    assert await ids(archived="false") == {kept["id"]}
    assert await ids(archived="0", include_archived="1") == {kept["id"], gone["id"]}


# --- GET one, PATCH, PUT -------------------------------------------------------------------
async def _label(api: Api, **fields: Any) -> tuple[dict[str, Any], str]:
    body = {"name": "Score", "type": "numeric", "settings": NUMERIC, **fields}
    label = (await api.create(**body)).body["result"]
    return label, f"{LABELS}{label['id']}/"


async def test_get_patch_and_put_answer_the_bare_label(api: Api) -> None:
    # Other endpoints: GET one, PATCH, PUT: the bare label (no status/result envelope).
    label, path = await _label(api)
    got = await api.call("GET", path)
    assert got.status == 200 and got.body == label
    patched = await api.call("PATCH", path, json={"description": " d "})
    assert patched.status == 200 and patched.body == {**label, "description": "d"}
    put = await api.call("PUT", path, json={"name": "Score 2", "type": "numeric"})
    assert put.status == 200 and put.body == {**label, "name": "Score 2", "description": "d"}


ONE_LABEL_CASES: list[tuple[str, str, dict[str, str], Any, Refusal]] = [
    (
        "GET one: the same strict query validation (?foo=1 is 400)",
        "GET",
        {"foo": "1"},
        None,
        _query_error(("foo", "Unknown field.", "invalid")),
    ),
    (
        "PATCH: the same strict query validation",
        "PATCH",
        {"limit": "x"},
        {},
        _query_error(("limit", "A valid integer is required.", "invalid")),
    ),
    (
        "PATCH: a settings error is {'__all__': [...]}, no prefix, details non_field_errors",
        "PATCH",
        {},
        {"settings": {**NUMERIC, "min": 9, "max": 1}},
        Refusal(
            400,
            "validation_error",
            "invalid",
            "{'__all__': ['min must be less than max']}",
            details={"non_field_errors": ["{'__all__': ['min must be less than max']}"]},
        ),
    ),
    (
        "PATCH: field errors as on create",
        "PATCH",
        {},
        {"name": "", "allow_notes": None},
        field_error(
            "blank",
            ("name", "This field may not be blank."),
            ("allow_notes", "This field may not be null."),
        ),
    ),
    (
        "PUT: name and type are required",
        "PUT",
        {},
        {"name": "x"},
        field_error("required", ("type", "This field is required.")),
    ),
]


@pytest.mark.parametrize(
    ("method", "params", "body", "expected"),
    [pytest.param(m, p, b, e, id=r) for r, m, p, b, e in ONE_LABEL_CASES],
)
async def test_one_label_refusals(
    api: Api, method: str, params: dict[str, str], body: Any, expected: Refusal
) -> None:
    _, path = await _label(api)
    answer = await api.call(method, path, params=params, json=body)
    assert answer.status == expected.status
    assert_refused(answer.body, expected)


@pytest.mark.parametrize("method", ["GET", "PATCH", "PUT", "DELETE"])
async def test_archived_labels_are_404_unless_included(api: Api, method: str) -> None:
    # Other endpoints: archived labels are 404 unless ?include_archived=true; 404 message
    # No AnnotationsLabels matches the given query., type not_found, code error.
    _, path = await _label(api)
    await api.call("DELETE", path)
    body = {"name": "Score", "type": "numeric"} if method in ("PATCH", "PUT") else None
    hidden = await api.call(method, path, json=body)
    assert hidden.status == 404
    expected = Refusal(
        404, "not_found", "error", NO_SUCH_LABEL, details={"detail": [NO_SUCH_LABEL]}
    )
    assert_refused(hidden.body, expected)
    shown = await api.call(method, path, json=body, params={"include_archived": "true"})
    assert shown.status == (204 if method == "DELETE" else 200)


async def test_a_malformed_id_is_not_found(api: Api) -> None:
    # Other endpoints: a malformed id: Not found.
    answer = await api.call("GET", f"{LABELS}12/")
    assert_refused(
        answer.body,
        Refusal(404, "not_found", "error", "Not found.", details={"detail": ["Not found."]}),
    )


async def test_patch_may_change_the_type(api: Api) -> None:
    # Other endpoints: PATCH may change the type (checked as the label it makes).
    _, path = await _label(api)
    answer = await api.call("PATCH", path, json={"type": "star", "settings": STAR})
    assert answer.status == 200 and (answer.body["type"], answer.body["settings"]) == ("star", STAR)


async def test_patch_settings_5_echoes_and_saves_nothing(api: Api) -> None:
    # Other endpoints: PATCH {"settings": 5} on a text label answers 200 echoing settings 5
    # but saves nothing.
    label, path = await _label(api, type="text", settings=TEXT)
    answer = await api.call("PATCH", path, json={"settings": 5, "name": "Renamed"})
    assert answer.status == 200 and answer.body == {**label, "settings": 5, "name": "Renamed"}
    assert (await api.call("GET", path)).body == label


async def test_patch_onto_another_labels_name_is_a_duplicate(api: Api) -> None:
    await _label(api, name="Taken")
    _, path = await _label(api)
    answer = await api.call("PATCH", path, json={"name": "TAKEN"})
    expected = Refusal(
        400, "validation_error", "invalid", DUPLICATE, details={"non_field_errors": [DUPLICATE]}
    )
    assert_refused(answer.body, expected)


# --- DELETE and restore ----------------------------------------------------------------------
async def test_delete_is_204_with_an_empty_body(api: Api) -> None:
    # Other endpoints: DELETE: HTTP 204 with an empty body (archives the label).
    _, path = await _label(api)
    answer = await api.call("DELETE", path)
    assert (answer.status, answer.text) == (204, "")
    shown = await api.call("GET", path, params={"include_archived": "true"})
    assert shown.body["archived"] is True


RESTORE_REFUSED = "This endpoint does not accept a request body."
NOT_ARCHIVED = "Label not found or not archived."


@pytest.mark.parametrize("body", [b'{"a": 1}', b"[1]", b"5", b'"x"', b"false"])
async def test_restore_refuses_a_body(api: Api, body: bytes) -> None:
    # Other endpoints: restore: a non-empty body is 400
    # "This endpoint does not accept a request body."
    _, path = await _label(api)
    await api.call("DELETE", path)
    answer = await api.call("POST", path + "restore/", data=body, headers=JSON_HEADER)
    expected = Refusal(
        400,
        "validation_error",
        "invalid",
        RESTORE_REFUSED,
        details={"non_field_errors": [RESTORE_REFUSED]},
    )
    assert_refused(answer.body, expected)


@pytest.mark.parametrize("body", [b"", b"{}", b"[]", b"null", b'""'])
async def test_restore_takes_an_empty_body_and_does_not_recheck_uniqueness(
    api: Api, body: bytes
) -> None:
    # Other endpoints: restore success 200 {status: true, result: label}; no uniqueness re-check.
    label, path = await _label(api)
    await api.call("DELETE", path)
    await _label(api)
    answer = await api.call("POST", path + "restore/", data=body, headers=JSON_HEADER)
    assert answer.status == 200
    assert answer.body == {"status": True, "result": {**label, "archived": False}}


async def test_restore_of_an_active_or_unknown_label_is_404(api: Api) -> None:
    # Other endpoints: restore: not archived or unknown id: 404 Label not found or not archived.
    _, path = await _label(api)
    expected = Refusal(404, "not_found", "not_found", NOT_ARCHIVED)
    for target in (path, f"{LABELS}{uuid.uuid4()}/"):
        answer = await api.call("POST", target + "restore/")
        assert answer.status == 404
        assert_refused(answer.body, expected)


# --- Auth, 405 -----------------------------------------------------------------------------
MISSING = "Authentication credentials were not provided."
WRONG = "Invalid API key or secret key"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param(
            {},
            Refusal(
                401,
                "authentication_error",
                "not_authenticated",
                MISSING,
                details={"detail": [MISSING]},
            ),
            id="missing keys",
        ),
        pytest.param(
            {"X-Api-Key": "demo-key", "X-Secret-Key": "no"},
            Refusal(
                401,
                "authentication_error",
                "authentication_failed",
                WRONG,
                details={"detail": [WRONG]},
            ),
            id="wrong pair",
        ),
    ],
)
async def test_auth_answers(api: Api, headers: dict[str, str], expected: Refusal) -> None:
    # Other endpoints: Auth: missing keys 401 not_authenticated; wrong pair 401
    # authentication_failed; both with details {"detail": [message]}.
    api.headers = headers
    for method, path in (("GET", LABELS), ("POST", LABELS), ("PUT", LABELS)):
        answer = await api.call(method, path, json={})
        assert answer.status == 401
        assert_refused(answer.body, expected)


async def test_a_method_not_allowed_is_api_error(api: Api) -> None:
    # Other endpoints: 405 answers have type api_error.
    message = 'Method "DELETE" not allowed.'
    answer = await api.call("DELETE", LABELS)
    assert answer.status == 405
    assert_refused(
        answer.body,
        Refusal(405, "api_error", "method_not_allowed", message, details={"detail": [message]}),
    )
