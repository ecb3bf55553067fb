"""Braintrust project scores (`GET /v1/project_score`)."""

from __future__ import annotations

from typing import Any

from pipeline.read.migrate.definition import (
    Definition,
    categorical,
    mapping,
    numeric,
    objects,
    text,
)
from pipeline.read.migrate.source import Kinds, Source, records_under


def _slider(definition: Definition, record: dict[str, Any]) -> None:
    # Braintrust sliders are always 0..1; a hundredth is its own granularity.
    numeric(definition, 0, 1, step=0.01, display_type="slider")


def _categorical(definition: Definition, record: dict[str, Any]) -> None:
    categorical(
        definition,
        [
            (text(c.get("name")) or "", c.get("value"))
            for c in objects(definition, record, "categories")
        ],
        multi_choice=bool(mapping(record.get("config")).get("multi_select")),
    )


def _free_form(definition: Definition, record: dict[str, Any]) -> None:
    definition.label_type = "text"


KINDS = Kinds(
    "score_type",
    {"slider": _slider, "categorical": _categorical, "free-form": _free_form},
    no_equivalent={
        kind: f"{kind} scores are computed from other scores: no Future AGI equivalent"
        for kind in ("weighted", "minimum", "maximum", "online")
    },
)


SOURCE = Source(
    name="braintrust",
    title="Braintrust project scores",
    where="GET /v1/project_score?project_id=... (save the JSON with its 'objects' array)",
    expected="no 'objects' array and not a list: is this a Braintrust project-score export?",
    records=records_under("objects"),
    looks_like=KINDS.looks_like,
    convert=KINDS.convert,
)
