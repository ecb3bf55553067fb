"""Langfuse score configs (`GET /api/public/score-configs`)."""

from __future__ import annotations

from typing import Any

from pipeline.read.migrate.definition import (
    ARCHIVE_MARKERS,
    Definition,
    categorical,
    filled,
    numeric,
    objects,
    spelled,
    text,
)
from pipeline.read.migrate.source import Kinds, Source, records_under


def _numeric(definition: Definition, record: dict[str, Any]) -> None:
    numeric(
        definition,
        record.get("minValue"),
        record.get("maxValue"),
        fields=("minValue", "maxValue"),
    )


def _categorical(definition: Definition, record: dict[str, Any]) -> None:
    categories = objects(definition, record, "categories")
    options = [
        (text(c.get("label")) or spelled(c.get("value")), c.get("value")) for c in categories
    ]
    categorical(definition, options, field="categories")
    definition.lose_unknown(
        {key for c in categories for key in filled(c)}, CATEGORY_KEYS, "categories"
    )


def _boolean(definition: Definition, record: dict[str, Any]) -> None:
    # Langfuse gives every BOOLEAN config the categories True=1 / False=0: the thumbs.
    definition.label_type = "thumbs_up_down"


def _text(definition: Definition, record: dict[str, Any]) -> None:
    definition.label_type = "text"


CATEGORY_KEYS = frozenset({"label", "value"})

KINDS = Kinds(
    "dataType",
    {"NUMERIC": _numeric, "CATEGORICAL": _categorical, "BOOLEAN": _boolean, "TEXT": _text},
    shared=frozenset(
        {"name", "description", "dataType"}
        | ARCHIVE_MARKERS
        # Bookkeeping, not the label's definition: where and when Langfuse stored it.
        | {"id", "projectId", "createdAt", "updatedAt"}
    ),
    reads={
        "NUMERIC": frozenset({"minValue", "maxValue"}),
        "CATEGORICAL": frozenset({"categories"}),
        "BOOLEAN": frozenset({"categories"}),
    },
    part="score config",
)


SOURCE = Source(
    name="langfuse",
    title="Langfuse score configs",
    where="GET /api/public/score-configs (save the page JSON, or a list of its 'data' items)",
    expected="no 'data' array and not a list: is this a Langfuse score-config export?",
    records=records_under("data"),
    looks_like=KINDS.looks_like,
    convert=KINDS.convert,
)
