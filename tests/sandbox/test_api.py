"""The sandbox answers like the live API: envelopes, field errors, CRUD flows.

Every rule's exact wording is in test_conformance.py; these follow labels through their life.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from pipeline.sandbox import Organisation, SandboxConfig, running_sandbox
from tests.conftest import SandboxFactory
from tests.sandbox_api import LABEL_KEYS, LABELS, Api, api_for

TEXT = {"placeholder": "", "min_length": 0, "max_length": 500}
NUMERIC = {"min": 0, "max": 10, "step_size": 1, "display_type": "slider"}
CATEGORICAL = {
    "options": [{"label": "Good", "value": "good"}, {"label": "Bad", "value": "bad"}],
    "multi_choice": False,
    "rule_prompt": "",
    "auto_annotate": False,
    "strategy": None,
}
VALID_SETTINGS: dict[str, dict[str, Any]] = {
    "text": TEXT,
    "numeric": NUMERIC,
    "categorical": CATEGORICAL,
    "star": {"no_of_stars": 5},
    "thumbs_up_down": {},
}
ENVELOPE_KEYS = {"status", "type", "code", "detail", "message", "error", "result"}


def assert_error(body: Any, status_type: str, message: str) -> None:
    assert set(body) >= ENVELOPE_KEYS
    assert body["status"] is False
    assert body["type"] == status_type
    for key in ("detail", "message", "error", "result"):
        assert body[key] == message


@pytest.mark.parametrize("label_type", sorted(VALID_SETTINGS))
async def test_create_answers_200_with_the_label(api: Api, label_type: str) -> None:
    answer = await api.create(
        name="  Helpfulness  ", type=label_type, settings=VALID_SETTINGS[label_type]
    )
    assert answer.status == 200
    assert answer.body["status"] is True
    label = answer.body["result"]
    assert set(label) == LABEL_KEYS
    assert uuid.UUID(label["id"])
    assert label["name"] == "Helpfulness"
    assert label["type"] == label_type
    assert label["settings"] == VALID_SETTINGS[label_type]
    assert label["allow_notes"] is False and label["archived"] is False
    assert label["created_at"].endswith("Z")


async def test_create_keeps_optional_fields_and_ignores_unknown_ones(api: Api) -> None:
    project = str(uuid.uuid4())
    answer = await api.create(
        name="Tone",
        type="star",
        settings={"no_of_stars": 3},
        description="How polite",
        project=project,
        allow_notes=True,
        colour="red",
    )
    label = answer.body["result"]
    assert (label["description"], label["project"], label["allow_notes"]) == (
        "How polite",
        project,
        True,
    )
    assert "colour" not in label


FIELD_ERRORS: list[tuple[dict[str, Any], str, str, str]] = [
    ({"type": "star"}, "name", "This field is required.", "required"),
    (
        {"name": "bad \ud800", "type": "star"},
        "name",
        "Surrogate characters are not allowed: U+D800.",
        "surrogate_characters_not_allowed",
    ),
    (
        {"name": "x", "type": "star", "description": "\udfff tail"},
        "description",
        "Surrogate characters are not allowed: U+DFFF.",
        "surrogate_characters_not_allowed",
    ),
    (
        {"name": "nul\x00", "type": "star"},
        "name",
        "Null characters are not allowed.",
        "null_characters_not_allowed",
    ),
    ({"name": "x"}, "type", "This field is required.", "required"),
    ({"name": "   ", "type": "star"}, "name", "This field may not be blank.", "blank"),
    ({"name": None, "type": "star"}, "name", "This field may not be null.", "null"),
    ({"name": ["x"], "type": "star"}, "name", "Not a valid string.", "invalid"),
    (
        {"name": "x" * 256, "type": "star"},
        "name",
        "Ensure this field has no more than 255 characters.",
        "max_length",
    ),
    ({"name": "x", "type": "xyz"}, "type", '"xyz" is not a valid choice.', "invalid_choice"),
    ({"name": "x", "type": "Star"}, "type", '"Star" is not a valid choice.', "invalid_choice"),
    (
        {"name": "x", "type": "star", "project": "nope"},
        "project",
        "\u201cnope\u201d is not a valid UUID.",
        "invalid",
    ),
    (
        {"name": "x", "type": "star", "allow_notes": "maybe"},
        "allow_notes",
        "Must be a valid boolean.",
        "invalid",
    ),
]


@pytest.mark.parametrize(("body", "field", "message", "code"), FIELD_ERRORS)
async def test_field_errors_name_the_field(
    api: Api, body: dict[str, Any], field: str, message: str, code: str
) -> None:
    answer = await api.create(**body)
    assert answer.status == 400
    assert_error(answer.body, "validation_error", f"{field}: {message}")
    assert answer.body["code"] == code
    assert answer.body["attr"] == field
    assert answer.body["details"] == {field: [message]}


async def test_every_field_error_is_reported_at_once(api: Api) -> None:
    answer = await api.create(project="bad")
    assert set(answer.body["details"]) == {"name", "type", "project"}


async def test_name_of_exactly_255_characters_is_accepted(api: Api) -> None:
    answer = await api.create(name="é" * 255, type="thumbs_up_down")
    assert answer.status == 200


@pytest.mark.parametrize("label_type", ["text", "numeric", "categorical", "star"])
async def test_empty_settings_skip_every_check(api: Api, label_type: str) -> None:
    answer = await api.create(name="Quirk", type=label_type, settings={})
    assert answer.status == 200
    assert answer.body["result"]["settings"] == {}


async def test_settings_of_another_type_are_kept_as_given(api: Api) -> None:
    answer = await api.create(
        name="Strategy", type="categorical", settings={**CATEGORICAL, "strategy": "Rag", "x": 1}
    )
    assert answer.status == 200


async def test_ui_caps_are_not_enforced_by_the_server(api: Api) -> None:
    assert (
        await api.create(name="Many stars", type="star", settings={"no_of_stars": 50})
    ).status == 200
    big = {**NUMERIC, "max": 1000}
    assert (await api.create(name="Big", type="numeric", settings=big)).status == 200


DUPLICATE = "A label with this name and type already exists in the selected project."


async def test_uniqueness_is_case_insensitive_per_type_and_project(api: Api) -> None:
    assert (await api.create(name="Helpful", type="thumbs_up_down")).status == 200
    again = await api.create(name=" HELPFUL ", type="thumbs_up_down")
    assert again.status == 400
    assert_error(again.body, "validation_error", DUPLICATE)
    other_type = await api.create(name="helpful", type="star", settings={"no_of_stars": 5})
    assert other_type.status == 200
    project = str(uuid.uuid4())
    in_project = await api.create(name="Helpful", type="thumbs_up_down", project=project)
    assert in_project.status == 200
    twice_in_project = await api.create(name="helpful", type="thumbs_up_down", project=project)
    assert twice_in_project.status == 400


async def test_archived_labels_do_not_count_and_restore_does_not_check_again(api: Api) -> None:
    first = (await api.create(name="Tone", type="thumbs_up_down")).body["result"]
    archived = await api.call("DELETE", f"{LABELS}{first['id']}/")
    assert (archived.status, archived.text) == (204, "")
    second = await api.create(name="tone", type="thumbs_up_down")
    assert second.status == 200
    restore = await api.call("POST", f"{LABELS}{first['id']}/restore/")
    assert restore.status == 200 and restore.body["result"]["archived"] is False
    assert (await api.list(search="tone")).body["count"] == 2
    not_archived = await api.call("POST", f"{LABELS}{first['id']}/restore/")
    assert not_archived.status == 404
    # Two active labels of one name now: any further one is still a duplicate.
    assert (await api.create(name="TONE", type="thumbs_up_down")).status == 400


async def test_fifty_concurrent_identical_creates_make_one_label(api: Api) -> None:
    answers = await asyncio.gather(
        *(api.create(name="Race", type="star", settings={"no_of_stars": 5}) for _ in range(50))
    )
    statuses = sorted(a.status for a in answers)
    assert statuses == [200] + [400] * 49
    assert all(a.body["message"] == DUPLICATE for a in answers if a.status == 400)
    assert (await api.list(search="race")).body["count"] == 1


async def _score_label(api: Api) -> tuple[str, str]:
    """A new numeric label: its id and its path."""
    label = (await api.create(name="Score", type="numeric", settings=NUMERIC)).body["result"]
    return label["id"], f"{LABELS}{label['id']}/"


async def test_get_and_patch_one_label(api: Api) -> None:
    label_id, path = await _score_label(api)
    got = await api.call("GET", path)
    assert got.status == 200 and got.body["id"] == label_id and "status" not in got.body
    patched = await api.call(
        "PATCH",
        path,
        json={"name": "Score v2", "description": " new ", "settings": {**NUMERIC, "max": 5}},
    )
    assert patched.status == 200
    assert patched.body["name"] == "Score v2"
    assert patched.body["description"] == "new"
    assert patched.body["settings"]["max"] == 5
    assert (await api.call("GET", path)).body == patched.body


async def test_a_patch_is_checked_as_the_label_it_would_make(api: Api) -> None:
    _, path = await _score_label(api)
    bad = await api.call("PATCH", path, json={"settings": {**NUMERIC, "min": 7, "max": 5}})
    assert bad.status == 400
    assert bad.body["message"] == "{'__all__': ['min must be less than max']}"
    retype = await api.call("PATCH", path, json={"type": "star"})
    assert retype.status == 400
    assert (
        retype.body["message"] == "{'__all__': [\"Star type requires {'no_of_stars'} settings\"]}"
    )
    star = await api.call("PATCH", path, json={"type": "star", "settings": {"no_of_stars": 4}})
    assert star.status == 200 and star.body["type"] == "star"
    assert (await api.call("GET", path)).body["settings"] == {"no_of_stars": 4}


async def test_delete_archives_a_label_once(api: Api) -> None:
    _, path = await _score_label(api)
    deleted = await api.call("DELETE", path)
    assert (deleted.status, deleted.text) == (204, "")
    assert (await api.call("DELETE", path)).status == 404
    assert (await api.call("GET", path)).status == 404
    shown = await api.call("GET", path, params={"include_archived": "true"})
    assert shown.status == 200 and shown.body["archived"] is True


async def test_patch_rename_onto_an_existing_name_is_a_duplicate(api: Api) -> None:
    await api.create(name="A", type="thumbs_up_down")
    b = (await api.create(name="B", type="thumbs_up_down")).body["result"]
    answer = await api.call("PATCH", f"{LABELS}{b['id']}/", json={"name": "a"})
    assert answer.status == 400 and answer.body["message"] == DUPLICATE


@pytest.mark.parametrize("method", ["GET", "PATCH", "PUT", "DELETE"])
async def test_unknown_or_malformed_ids_are_404(api: Api, method: str) -> None:
    for label_id, message in (
        (str(uuid.uuid4()), "No AnnotationsLabels matches the given query."),
        ("not-a-uuid", "Not found."),
    ):
        answer = await api.call(method, f"{LABELS}{label_id}/", json={})
        assert answer.status == 404
        assert_error(answer.body, "not_found", message)


async def _make(api: Api, count: int) -> None:
    for i in range(count):
        await api.create(name=f"L{i:03}", type="thumbs_up_down")


async def test_list_pages_newest_first_with_links(api: Api) -> None:
    await _make(api, 25)
    first = await api.list(limit="10")
    body = first.body
    assert (body["count"], body["total_pages"], body["current_page"]) == (25, 3, 1)
    assert [label["name"] for label in body["results"]][:2] == ["L024", "L023"]
    assert body["previous"] is None and "page=2" in body["next"]
    assert all(label["output_type"] == "Pass/Fail" for label in body["results"])
    second = (await api.list(limit="10", page="2")).body
    assert "page" not in second["previous"] and "page=3" in second["next"]
    last = (await api.list(limit="10", page="3")).body
    assert len(last["results"]) == 5 and last["next"] is None and "page=2" in last["previous"]
    names = set()
    for page in (body, second, last):
        names |= {label["name"] for label in page["results"]}
    assert len(names) == 25


@pytest.mark.parametrize(
    ("params", "status", "size"),
    [
        ({}, 200, 10),
        ({"limit": "1"}, 200, 1),
        ({"limit": "500"}, 200, 12),
        ({"limit": ""}, 200, 10),
        ({"page": "4"}, 500, 0),
        ({"page": str(10**30)}, 500, 0),
    ],
)
async def test_list_pagination_edges(
    api: Api, params: dict[str, str], status: int, size: int
) -> None:
    await _make(api, 12)
    answer = await api.list(**params)
    assert answer.status == status
    if status == 200:
        assert len(answer.body["results"]) == size
    else:
        assert_error(answer.body, "server_error", "Failed to list annotation labels")


@pytest.mark.parametrize(
    ("name", "value", "code", "message"),
    [
        ("page", "-1", "min_value", "Ensure this value is greater than or equal to 1."),
        ("page", "0", "min_value", "Ensure this value is greater than or equal to 1."),
        ("page", "abc", "invalid", "A valid integer is required."),
        ("page", "1_0", "invalid", "A valid integer is required."),
        ("page", "\u0663", "invalid", "A valid integer is required."),
        ("page", "9" * 5000, "max_string_length", "String value too large."),
        ("limit", "900", "max_value", "Ensure this value is less than or equal to 500."),
        ("limit", "0", "min_value", "Ensure this value is greater than or equal to 1."),
        ("limit", "x", "invalid", "A valid integer is required."),
    ],
)
async def test_list_refuses_a_bad_page_or_limit_with_a_400(
    api: Api, name: str, value: str, code: str, message: str
) -> None:
    await _make(api, 2)
    answer = await api.list(**{name: value})
    assert answer.status == 400
    assert_error(answer.body, "validation_error", f"{name}: {message}")
    assert (answer.body["code"], answer.body["attr"]) == (code, name)
    assert answer.body["details"] == {name: [message]}
    assert "500" not in (await api.call("GET", "/_sandbox/stats")).body["by_status"]


async def test_a_lone_surrogate_anywhere_is_answered_as_json_not_a_500(api: Api) -> None:
    settings = {**TEXT, "placeholder": "\ud800"}
    made = await api.create(name="Odd placeholder", type="text", settings=settings)
    assert made.status == 200 and made.body["result"]["settings"] == settings
    listed = await api.list()
    assert listed.status == 200 and listed.body["results"][0]["settings"] == settings
    bad_type = await api.create(name="x", type="\ud800")
    assert bad_type.status == 400 and bad_type.body["attr"] == "type"
    assert bad_type.headers["Content-Type"] == "application/json; charset=utf-8"


async def test_empty_list_has_one_page(api: Api) -> None:
    body = (await api.list()).body
    assert (body["count"], body["total_pages"], body["results"]) == (0, 1, [])


async def test_list_filters(api: Api) -> None:
    project = str(uuid.uuid4())
    await api.create(name="Answer quality", type="star", settings={"no_of_stars": 5})
    await api.create(name="Quality of tone", type="categorical", settings=CATEGORICAL)
    await api.create(name="Notes", type="text", settings=TEXT, project=project)
    old = (await api.create(name="Old quality", type="thumbs_up_down")).body["result"]
    await api.call("DELETE", f"{LABELS}{old['id']}/")

    async def names(**params: str) -> set[str]:
        return {label["name"] for label in (await api.list(**params)).body["results"]}

    assert await names(search="QUALITY") == {"Answer quality", "Quality of tone"}
    assert await names(type="categorical") == {"Quality of tone"}
    assert await names(project_id=project) == {"Notes"}
    assert await names(archived="true") == {"Old quality"}
    assert len(await names(include_archived="true")) == 4
    types = {label["type"]: label["output_type"] for label in (await api.list()).body["results"]}
    assert types == {"star": "score", "categorical": "choices", "text": "text"}
    bad_type = await api.list(type="stars")
    assert bad_type.status == 400 and bad_type.body["attr"] == "type"
    bad_project = await api.list(project_id="nope")
    assert bad_project.status == 400 and bad_project.body["attr"] == "project_id"


@pytest.mark.parametrize(
    ("headers", "code", "message"),
    [
        ({}, "not_authenticated", "Authentication credentials were not provided."),
        (
            {"X-Api-Key": "demo-key"},
            "not_authenticated",
            "Authentication credentials were not provided.",
        ),
        (
            {"X-Api-Key": "demo-key", "X-Secret-Key": "wrong"},
            "authentication_failed",
            "Invalid API key or secret key",
        ),
        (
            {"X-Api-Key": "other", "X-Secret-Key": "demo-secret"},
            "authentication_failed",
            "Invalid API key or secret key",
        ),
    ],
)
async def test_auth_is_required(api: Api, headers: dict[str, str], code: str, message: str) -> None:
    api.headers = headers
    for answer in (await api.list(), await api.create(name="x", type="thumbs_up_down")):
        assert answer.status == 401
        assert_error(answer.body, "authentication_error", message)
        assert answer.body["code"] == code


async def test_organisations_see_and_conflict_only_with_their_own(
    sandbox_factory: SandboxFactory,
) -> None:
    handle = await sandbox_factory(orgs=(Organisation("a", "sa"), Organisation("b", "sb")))
    async with api_for(handle, "a", "sa") as a, api_for(handle, "b", "sb") as b:
        made = (await a.create(name="Shared", type="thumbs_up_down")).body["result"]
        assert (await b.create(name="Shared", type="thumbs_up_down")).status == 200
        assert (await a.list()).body["count"] == 1
        assert (await b.list()).body["count"] == 1
        assert (await b.call("GET", f"{LABELS}{made['id']}/")).status == 404
        assert (await b.call("DELETE", f"{LABELS}{made['id']}/")).status == 404
        stats = await handle.stats()
        assert stats["labels"] == 2 and stats["created"] == 2


async def test_bad_bodies_get_the_envelope(api: Api) -> None:
    json_header = {"Content-Type": "application/json"}
    malformed = await api.call("POST", LABELS, data=b"{name:", headers=json_header)
    assert malformed.status == 400 and malformed.body["code"] == "parse_error"
    assert malformed.body["message"].startswith("JSON parse error - ")
    not_object = await api.call("POST", LABELS, json=[{"name": "x"}])
    assert not_object.status == 400
    assert_error(
        not_object.body, "validation_error", "Invalid data. Expected a dictionary, but got list."
    )
    wrong_type = await api.call(
        "POST", LABELS, data=b"name=x", headers={"Content-Type": "text/plain"}
    )
    assert wrong_type.status == 415
    assert_error(wrong_type.body, "api_error", 'Unsupported media type "text/plain" in request.')
    huge = await api.call("POST", LABELS, data=b" " * (1024 * 1024 + 1), headers=json_header)
    assert huge.status == 413 and huge.body["type"] == "request_too_large"
    binary = await api.call("POST", LABELS, data=b"\xff\xfe\x00junk", headers=json_header)
    assert binary.status == 400 and binary.body["code"] == "parse_error"


async def test_unknown_paths_and_methods_get_the_envelope(api: Api) -> None:
    for path in ("/nope", "/model-hub/annotations-labels", "/model-hub/annotations-labels/x/y/"):
        answer = await api.call("GET", path)
        assert answer.status == 404
        assert_error(answer.body, "not_found", "Not found.")
    put = await api.call("PUT", LABELS, json={})
    assert put.status == 405
    assert_error(put.body, "api_error", 'Method "PUT" not allowed.')


async def test_stats_and_reset(api: Api) -> None:
    await api.create(name="One", type="thumbs_up_down")
    await api.create(name="One", type="thumbs_up_down")
    await api.list()
    stats = (await api.call("GET", "/_sandbox/stats", headers={"X-Api-Key": ""})).body
    assert stats == {"requests": 3, "by_status": {"200": 2, "400": 1}, "labels": 1, "created": 1}
    assert (await api.call("POST", "/_sandbox/reset")).status == 200
    stats = (await api.call("GET", "/_sandbox/stats")).body
    assert stats == {"requests": 0, "by_status": {}, "labels": 0, "created": 0}


async def test_store_persists_in_a_database_file(tmp_path: Any) -> None:
    db = str(tmp_path / "labels.db")
    async with running_sandbox(SandboxConfig(db_path=db)) as first, api_for(first) as api:
        made = (await api.create(name="Kept", type="thumbs_up_down")).body["result"]
    async with running_sandbox(SandboxConfig(db_path=db)) as second, api_for(second) as api:
        listed = (await api.list()).body["results"]
        assert [label["id"] for label in listed] == [made["id"]]
        assert (await api.create(name="KEPT", type="thumbs_up_down")).status == 400
        assert (await second.stats())["created"] == 1
