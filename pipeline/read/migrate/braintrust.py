"""Braintrust project scores (`GET /v1/project_score`)."""

from __future__ import annotations

from typing import Any

from pipeline.read.migrate.definition import Definition, categorical, mapping, numeric, text
from pipeline.read.migrate.source import Source, not_an_object, records_under, start, unknown_kind

COMPUTED = ("weighted", "minimum", "maximum", "online")
KINDS = ("slider", "categorical", "free-form", *COMPUTED)


def convert(record: Any, position: int) -> Definition:
    if not isinstance(record, dict):
        return not_an_object(position)
    definition = start(record, position, name_key="name")
    kind = record.get("score_type")
    config = mapping(record.get("config"))
    if kind == "slider":
        # Braintrust sliders are always 0..1; a hundredth is its own granularity.
        numeric(definition, 0, 1, step=0.01, display_type="slider")
    elif kind == "categorical":
        categories = [c for c in record.get("categories") or [] if isinstance(c, dict)]
        categorical(
            definition,
            [(text(c.get("name")) or "", c.get("value")) for c in categories],
            multi_choice=bool(config.get("multi_select")),
        )
    elif kind == "free-form":
        definition.label_type = "text"
    elif kind in COMPUTED:
        definition.skipped = (
            f"{kind} scores are computed from other scores: no Future AGI equivalent"
        )
    else:
        unknown_kind(definition, "score_type", kind, "slider, categorical or free-form")
    return definition


SOURCE = Source(
    name="braintrust",
    title="Braintrust project scores",
    where="GET /v1/project_score?project_id=... (save the JSON with its 'objects' array)",
    expected="no 'objects' array and not a list: is this a Braintrust project-score export?",
    records=records_under("objects"),
    looks_like=lambda record: isinstance(record, dict) and record.get("score_type") in KINDS,
    convert=convert,
)
