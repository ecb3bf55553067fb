"""Arize Phoenix annotation configs (`GET /v1/annotation_configs`)."""

from __future__ import annotations

from typing import Any

from pipeline.read.migrate.definition import Definition, categorical, numeric, text
from pipeline.read.migrate.source import Source, not_an_object, records_under, start, unknown_kind

KINDS = ("CATEGORICAL", "CONTINUOUS", "FREEFORM")


def convert(record: Any, position: int) -> Definition:
    if not isinstance(record, dict):
        return not_an_object(position)
    definition = start(record, position, name_key="name")
    kind = record.get("type")
    if kind == "CATEGORICAL":
        values = [v for v in record.get("values") or [] if isinstance(v, dict)]
        categorical(definition, [(text(v.get("label")) or "", v.get("score")) for v in values])
    elif kind == "CONTINUOUS":
        numeric(definition, record.get("lower_bound"), record.get("upper_bound"))
    elif kind == "FREEFORM":
        definition.label_type = "text"
        dropped = [
            k for k in ("threshold", "lower_bound", "upper_bound") if record.get(k) is not None
        ]
        if dropped:
            definition.warn(None, f"{', '.join(dropped)}: not supported on text labels, dropped")
    else:
        unknown_kind(definition, "type", kind, "CATEGORICAL, CONTINUOUS or FREEFORM")
    direction = record.get("optimization_direction")
    if direction not in (None, "NONE"):
        definition.warn(None, f"optimization_direction {direction}: not supported, dropped")
    return definition


SOURCE = Source(
    name="phoenix",
    title="Arize Phoenix annotation configs",
    where="GET /v1/annotation_configs (save the page JSON with its 'data' array, or a list)",
    expected="no 'data' array and not a list: is this a Phoenix annotation-config export?",
    records=records_under("data"),
    looks_like=lambda record: (
        isinstance(record, dict)
        and record.get("type") in KINDS
        and ("optimization_direction" in record or "values" in record or "lower_bound" in record)
    ),
    convert=convert,
)
