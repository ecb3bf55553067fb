"""Opik feedback definitions (`GET /api/v1/private/feedback-definitions`)."""

from __future__ import annotations

from typing import Any

from pipeline.read.migrate.definition import (
    ARCHIVE_MARKERS,
    Definition,
    categorical,
    filled,
    mapping,
    numeric,
)
from pipeline.read.migrate.source import Kinds, Source, records_under


def _details(record: dict[str, Any]) -> dict[str, Any]:
    """Where Opik keeps a definition's settings."""
    return mapping(record.get("details"))


def _numerical(definition: Definition, record: dict[str, Any]) -> None:
    details = _details(record)
    numeric(definition, details.get("min"), details.get("max"))
    definition.lose_unknown(filled(details), frozenset({"min", "max"}), "details")


def _categorical(definition: Definition, record: dict[str, Any]) -> None:
    details = _details(record)
    categories = list(mapping(details.get("categories")).items())
    categorical(definition, categories, field="details.categories")
    definition.lose_unknown(filled(details), frozenset({"categories"}), "details")


def _boolean(definition: Definition, record: dict[str, Any]) -> None:
    definition.label_type = "thumbs_up_down"
    details = _details(record)
    labels = [str(details[key]) for key in ("trueLabel", "falseLabel") if details.get(key)]
    if labels:
        definition.lose(
            "true/false labels",
            f"trueLabel/falseLabel ({' / '.join(labels)}): not supported, dropped",
        )
    definition.lose_unknown(filled(details), frozenset({"trueLabel", "falseLabel"}), "details")


KINDS = Kinds(
    "type",
    {"numerical": _numerical, "categorical": _categorical, "boolean": _boolean},
    shared=frozenset(
        {"name", "description", "type", "details"}
        | ARCHIVE_MARKERS
        # Bookkeeping, not the label's definition: who stored it and when.
        | {"id", "created_at", "created_by", "last_updated_at", "last_updated_by"}
    ),
    part="feedback definition",
)


SOURCE = Source(
    name="opik",
    title="Opik feedback definitions",
    where="GET /api/v1/private/feedback-definitions (save the page JSON with its 'content' array)",
    expected="no 'content' array and not a list: is this an Opik feedback-definition export?",
    records=records_under("content"),
    looks_like=lambda record: KINDS.looks_like(record) and isinstance(record.get("details"), dict),
    convert=KINDS.convert,
)
