"""No body, however strange, makes the sandbox's validation do anything but accept or refuse."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.sandbox import rules
from pipeline.sandbox.envelope import ApiError, ServerCrash
from pipeline.sandbox.fields import parse_fields
from tests.sandbox_api import LABELS, Api

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
settings_like = st.dictionaries(
    st.sampled_from(sorted({key for keys in rules.REQUIRED_SETTINGS.values() for key in keys})),
    json_values | st.lists(st.fixed_dictionaries({"label": json_values}), max_size=3),
)
bodies = st.fixed_dictionaries(
    {},
    optional={
        "name": json_values,
        "type": st.sampled_from(rules.LABEL_TYPES) | json_values,
        "settings": settings_like | json_values,
        "description": json_values,
        "project": json_values,
        "allow_notes": json_values,
    },
)


@settings(max_examples=400, deadline=None)
@given(bodies)
def test_any_create_body_is_accepted_or_refused_with_an_api_error(body: dict[str, Any]) -> None:
    try:
        fields = rules.parse_create(body)
    except ApiError as err:
        assert err.status == 400 and err.message
        return
    except ServerCrash:
        # Only where the server crashes too: truthy settings that are not an object.
        settings = body["settings"]
        assert settings and not isinstance(settings, dict) and body["type"] != "thumbs_up_down"
        return
    assert fields.name and fields.type in rules.LABEL_TYPES


@settings(max_examples=200, deadline=None)
@given(bodies, st.sampled_from(rules.LABEL_TYPES))
def test_any_patch_body_is_accepted_or_refused_with_an_api_error(
    body: dict[str, Any], label_type: str
) -> None:
    try:
        given = parse_fields(body, required=False)
        rules.settings_problem(given.get("type", label_type), given.get("settings", {}))
    except ApiError as err:
        assert err.status == 400 and err.message
    except ServerCrash:
        assert given["settings"] and not isinstance(given["settings"], dict)


async def test_nan_deep_nesting_and_bad_utf8_are_parse_errors(api: Api) -> None:
    header = {"Content-Type": "application/json"}
    for raw in (
        b'{"name": "x", "type": "numeric", "settings": {"min": NaN}}',
        b"[" * 100_000,
        b'{"name": "\xff"}',
    ):
        answer = await api.call("POST", LABELS, data=raw, headers=header)
        assert answer.status == 400, raw[:20]
        assert answer.body["code"] == "parse_error"
