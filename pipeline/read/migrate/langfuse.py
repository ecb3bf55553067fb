"""Langfuse score configs (`GET /api/public/score-configs`)."""

from __future__ import annotations

from typing import Any

from pipeline.read.migrate.definition import Definition, categorical, numeric, text
from pipeline.read.migrate.source import Source, not_an_object, records_under, start, unknown_kind

KINDS = ("NUMERIC", "CATEGORICAL", "BOOLEAN")


def convert(record: Any, position: int) -> Definition:
    if not isinstance(record, dict):
        return not_an_object(position)
    definition = start(record, position, name_key="name")
    kind = record.get("dataType")
    if kind == "NUMERIC":
        numeric(definition, record.get("minValue"), record.get("maxValue"))
    elif kind == "CATEGORICAL":
        categories = [c for c in record.get("categories") or [] if isinstance(c, dict)]
        options = [
            (text(c.get("label")) or str(c.get("value")), c.get("value")) for c in categories
        ]
        categorical(definition, options)
    elif kind == "BOOLEAN":
        definition.label_type = "thumbs_up_down"
    else:
        unknown_kind(definition, "dataType", kind, "NUMERIC, CATEGORICAL or BOOLEAN")
    return definition


SOURCE = Source(
    name="langfuse",
    title="Langfuse score configs",
    where="GET /api/public/score-configs (save the page JSON, or a list of its 'data' items)",
    expected="no 'data' array and not a list: is this a Langfuse score-config export?",
    records=records_under("data"),
    looks_like=lambda record: isinstance(record, dict) and record.get("dataType") in KINDS,
    convert=convert,
)
