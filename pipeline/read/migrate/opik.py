"""Opik feedback definitions (`GET /api/v1/private/feedback-definitions`)."""

from __future__ import annotations

from typing import Any

from pipeline.read.migrate.definition import Definition, categorical, mapping, numeric
from pipeline.read.migrate.source import Source, not_an_object, records_under, start, unknown_kind

KINDS = ("numerical", "categorical", "boolean")


def convert(record: Any, position: int) -> Definition:
    if not isinstance(record, dict):
        return not_an_object(position)
    definition = start(record, position, name_key="name")
    details = mapping(record.get("details"))
    kind = record.get("type")
    if kind == "numerical":
        numeric(definition, details.get("min"), details.get("max"))
    elif kind == "categorical":
        categories = mapping(details.get("categories"))
        categorical(definition, list(categories.items()))
    elif kind == "boolean":
        definition.label_type = "thumbs_up_down"
        labels = [str(details[key]) for key in ("trueLabel", "falseLabel") if details.get(key)]
        if labels:
            definition.warn(
                None, f"trueLabel/falseLabel ({' / '.join(labels)}): not supported, dropped"
            )
    else:
        unknown_kind(definition, "type", kind, "numerical, categorical or boolean")
    return definition


SOURCE = Source(
    name="opik",
    title="Opik feedback definitions",
    where="GET /api/v1/private/feedback-definitions (save the page JSON with its 'content' array)",
    expected="no 'content' array and not a list: is this an Opik feedback-definition export?",
    records=records_under("content"),
    looks_like=lambda record: (
        isinstance(record, dict)
        and record.get("type") in KINDS
        and isinstance(record.get("details"), dict)
    ),
    convert=convert,
)
