"""Arize Phoenix annotation configs (`GET /v1/annotation_configs`)."""

from __future__ import annotations

from typing import Any

from pipeline.read.migrate.definition import (
    ARCHIVE_MARKERS,
    Definition,
    categorical,
    filled,
    mapping,
    numeric,
    objects,
    text,
)
from pipeline.read.migrate.source import Kinds, Source, records_under


def _categorical(definition: Definition, record: dict[str, Any]) -> None:
    values = objects(definition, record, "values")
    categorical(
        definition, [(text(v.get("label")) or "", v.get("score")) for v in values], field="values"
    )
    definition.lose_unknown(
        {key for v in values for key in filled(v)}, frozenset({"label", "score"}), "values"
    )


def _continuous(definition: Definition, record: dict[str, Any]) -> None:
    numeric(
        definition,
        record.get("lower_bound"),
        record.get("upper_bound"),
        fields=("lower_bound", "upper_bound"),
    )


def _freeform(definition: Definition, record: dict[str, Any]) -> None:
    definition.label_type = "text"
    dropped = [k for k in ("threshold", "lower_bound", "upper_bound") if record.get(k) is not None]
    if dropped:
        definition.lose(
            "score bounds on text labels",
            f"{', '.join(dropped)}: not supported on text labels, dropped",
        )


KINDS = Kinds(
    "type",
    {"CATEGORICAL": _categorical, "CONTINUOUS": _continuous, "FREEFORM": _freeform},
    shared=frozenset(
        {"name", "type", "description", "optimization_direction"}
        | ARCHIVE_MARKERS
        # Bookkeeping, not the label's definition: Phoenix's GlobalID of the config.
        | {"id"}
    ),
    reads={
        "CATEGORICAL": frozenset({"values"}),
        "CONTINUOUS": frozenset({"lower_bound", "upper_bound"}),
        "FREEFORM": frozenset({"threshold", "lower_bound", "upper_bound"}),
    },
    part="annotation config",
)


def convert(record: Any, position: int) -> Definition:
    definition = KINDS.convert(record, position)
    # A record that is not an object has failed already and has no direction to lose.
    direction = mapping(record).get("optimization_direction")
    if direction not in (None, "NONE"):
        definition.lose(
            "score direction", f"optimization_direction {direction}: not supported, dropped"
        )
    return definition


SOURCE = Source(
    name="phoenix",
    title="Arize Phoenix annotation configs",
    where="GET /v1/annotation_configs (save the page JSON with its 'data' array, or a list)",
    expected="no 'data' array and not a list: is this a Phoenix annotation-config export?",
    records=records_under("data"),
    looks_like=lambda record: (
        KINDS.looks_like(record)
        and ("optimization_direction" in record or "values" in record or "lower_bound" in record)
    ),
    convert=convert,
)
