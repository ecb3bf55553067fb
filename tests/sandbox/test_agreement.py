"""The sandbox and the client agree on what a label is: the same types, an output type for
each, the same settings per type, and every payload the client builds is one the
sandbox accepts, keys the client passes through and values it only warns about included.

The sandbox must stay independent of the client (it emulates the server), so the two
are compared here, in a test that may import both.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from pipeline.labels import LABEL_TYPES, SETTINGS_KEYS, LabelSpec
from pipeline.sandbox import app, rules
from pipeline.sandbox.store import OUTPUT_TYPES
from pipeline.validate import payload


def test_the_sandbox_knows_the_clients_types() -> None:
    assert len(set(rules.LABEL_TYPES)) == len(rules.LABEL_TYPES)
    assert set(rules.LABEL_TYPES) == set(LABEL_TYPES)


def test_validation_refuses_the_request_bodies_the_sandbox_refuses() -> None:
    assert payload.MAX_BODY == app.MAX_BODY


def test_every_type_has_an_output_type() -> None:
    assert set(OUTPUT_TYPES) == set(LABEL_TYPES)


def test_each_type_requires_exactly_its_models_settings() -> None:
    assert set(rules.REQUIRED_SETTINGS) == set(LABEL_TYPES)
    for kind in LABEL_TYPES:
        assert set(rules.REQUIRED_SETTINGS[kind]) == set(SETTINGS_KEYS[kind]), kind


# Any text the server stores: control characters too (a warning in a name), but no NUL
# and no lone surrogate.
TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40)
WORDS = TEXT.filter(str.strip)
# What the server reads as an option label: any value whose text is not blank.
LABEL = WORDS | st.integers(1, 10**6) | st.just(True)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=5,
)
# Keys no type documents, some the platform itself uses; the server stores them as given.
EXTRA = st.dictionaries(st.sampled_from(["inputs", "query", "query_col", "colour"]), JSON)
# Small and huge, so that a bound left out meets the default on either side of it.
COUNT = st.integers(0, 1000) | st.integers(0, 10**9)
AMOUNT = st.integers(0, 10**12) | st.floats(0, 1e12, allow_nan=False, allow_infinity=False)
POSITIVE = st.integers(1, 10**12) | st.floats(0, 1e12, exclude_min=True)


@st.composite
def within_rules(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    """Every setting of a type, each drawn within the server's rules for it."""
    if kind == "text":
        # The server has no sign rule for min_length.
        shortest = draw(COUNT | st.integers(-(10**6), -1))
        return {
            "placeholder": draw(TEXT),
            "min_length": shortest,
            "max_length": shortest + draw(st.integers(1, 10**6)),
        }
    if kind == "numeric":
        lowest = draw(AMOUNT)
        return {
            "min": lowest,
            "max": lowest + draw(POSITIVE),
            "step_size": draw(POSITIVE),
            "display_type": draw(st.sampled_from(["slider", "button"])),
        }
    if kind == "categorical":
        option = st.fixed_dictionaries(
            {"label": LABEL}, optional={"value": TEXT | st.integers(), "colour": JSON}
        )
        unique = st.lists(
            option, min_size=2, max_size=6, unique_by=lambda o: str(o["label"]).strip().casefold()
        )
        return {
            "options": draw(unique),
            "multi_choice": draw(st.booleans()),
            "rule_prompt": draw(TEXT),
            "auto_annotate": draw(st.booleans()),
            "strategy": draw(st.sampled_from([None, "Rag"])),
        }
    if kind == "star":
        return {"no_of_stars": draw(st.integers(1, 10**6))}
    return {}


@st.composite
def canonical_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """A label as the validator hands it to the model; settings it leaves out are the
    model's to fill."""
    kind = draw(st.sampled_from(LABEL_TYPES))
    full = draw(within_rules(kind))
    kept = draw(st.sets(st.sampled_from(sorted(full)))) if full else set()
    data: dict[str, Any] = {
        "name": draw(WORDS),
        "type": kind,
        "settings": {**draw(EXTRA), **{key: value for key, value in full.items() if key in kept}},
    }
    optional = {
        "description": st.none() | TEXT,
        "project": st.uuids().map(str).map(draw(st.sampled_from([str.upper, str.lower]))),
        "allow_notes": st.booleans(),
    }
    for key, values in optional.items():
        if draw(st.booleans()):
            data[key] = draw(values)
    return data


@settings(max_examples=500, deadline=None)
@given(canonical_dicts())
def test_every_payload_the_client_builds_passes_the_sandboxs_rules(data: dict[str, Any]) -> None:
    try:
        label = LabelSpec.parse(data)
    except ValidationError:
        assume(False)
        raise
    # As it travels: the client sends JSON, never NaN or infinity.
    body = json.loads(json.dumps(label.payload(), allow_nan=False))
    fields = rules.parse_create(body)
    assert (fields.name, fields.type, fields.settings) == (label.name, label.type, body["settings"])
