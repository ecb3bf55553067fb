"""Opik feedback definitions (`GET /api/v1/private/feedback-definitions`)."""

from __future__ import annotations

from typing import Any

from pipeline.read.migrate.definition import Definition, categorical, mapping, numeric
from pipeline.read.migrate.source import Kinds, Source, records_under


def _details(record: dict[str, Any]) -> dict[str, Any]:
    """Where Opik keeps a definition's settings."""
    return mapping(record.get("details"))


def _numerical(definition: Definition, record: dict[str, Any]) -> None:
    details = _details(record)
    numeric(definition, details.get("min"), details.get("max"))


def _categorical(definition: Definition, record: dict[str, Any]) -> None:
    categorical(definition, list(mapping(_details(record).get("categories")).items()))


def _boolean(definition: Definition, record: dict[str, Any]) -> None:
    definition.label_type = "thumbs_up_down"
    details = _details(record)
    labels = [str(details[key]) for key in ("trueLabel", "falseLabel") if details.get(key)]
    if labels:
        definition.warn(
            None, f"trueLabel/falseLabel ({' / '.join(labels)}): not supported, dropped"
        )


KINDS = Kinds("type", {"numerical": _numerical, "categorical": _categorical, "boolean": _boolean})


SOURCE = Source(
    name="opik",
    title="Opik feedback definitions",
    where="GET /api/v1/private/feedback-definitions (save the page JSON with its 'content' array)",
    expected="no 'content' array and not a list: is this an Opik feedback-definition export?",
    records=records_under("content"),
    looks_like=lambda record: KINDS.looks_like(record) and isinstance(record.get("details"), dict),
    convert=KINDS.convert,
)
