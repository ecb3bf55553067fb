"""The client's verdict on a label and the server's agree: for any JSON record, `validate`
refuses it only when the sandbox (the server's emulator) would, apart from the deliberate
refusals of server-answers.md, and what it accepts it sends in a body the sandbox stores.

The records are drawn wide on purpose: values of every JSON kind in every field and
setting, bounds on either side of each rule, keys the type does not document.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.labels import LABEL_TYPES, SETTINGS_KEYS
from pipeline.rows import CheckedRow
from pipeline.sandbox import rules
from pipeline.sandbox.envelope import ApiError, ServerCrash
from pipeline.validate import check_rows

SCALAR = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(-1e6, 1e6, allow_nan=False)
    | st.text(max_size=8)
    | st.sampled_from(["slider", "button", "Rag", "5", "-1", "1.5", ""])
)
OPTION = st.fixed_dictionaries(
    {"label": SCALAR}, optional={"value": SCALAR, "color": st.text(max_size=4)}
)
VALUE = SCALAR | st.lists(OPTION, max_size=4) | st.lists(SCALAR, max_size=2)
KEYS = sorted({key for keys in SETTINGS_KEYS.values() for key in keys} | {"inputs", "extra"})
TYPE_KEYS: dict[str, tuple[str, ...]] = {kind: tuple(keys) for kind, keys in SETTINGS_KEYS.items()}


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    """A JSON record for one label: a type's keys (and others) with any values."""
    kind = draw(st.sampled_from([*LABEL_TYPES, "bogus"]))
    keys = TYPE_KEYS.get(kind, ())
    chosen = draw(st.lists(st.sampled_from([*keys, *KEYS]), unique=True, max_size=6))
    record: dict[str, Any] = {
        "name": draw(st.sampled_from(["Label", " Label ", ""]) | st.text(max_size=6)),
        "type": kind,
    }
    shape = draw(st.integers(0, 5))
    if shape in (1, 2, 3, 4):
        record["settings"] = {key: draw(VALUE) for key in chosen}
    elif shape == 5:
        record["settings"] = draw(VALUE)
    for key, values in {
        "description": st.none() | st.text(max_size=8),
        "allow_notes": SCALAR,
        "project": st.uuids().map(str) | st.text(max_size=6),
    }.items():
        if draw(st.integers(0, 3)) == 0:
            record[key] = draw(values)
    return record


def client_verdict(record: dict[str, Any], folder: Path) -> CheckedRow:
    path = folder / "label.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    (checked,) = check_rows(path)
    return checked


def server_refusal(body: dict[str, Any]) -> str | None:
    """The sandbox's answer to a create body: None when it would store the label."""
    try:
        rules.parse_create(json.loads(json.dumps(body)))
    except ApiError as error:
        return error.message
    except ServerCrash:
        return "HTTP 500"
    return None


def deliberate(record: dict[str, Any]) -> bool:
    """The client refuses a categorical label the server would store with no options."""
    settings = record.get("settings")
    return record["type"] == "categorical" and (
        not isinstance(settings, dict) or not settings.get("options")
    )


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records())
def test_validate_refuses_exactly_what_the_server_refuses(record: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        checked = client_verdict(record, Path(folder))
    server = server_refusal(record)
    if checked.label is None:
        errors = [p.message for p in checked.problems if p.severity == "error"]
        assert server is not None or deliberate(record), (record, errors)
        return
    # What it accepts it may have repaired (a null read as an empty cell, a default
    # filled in): the body it sends is what must pass.
    body = checked.label.payload()
    assert server_refusal(body) is None, (record, body)
