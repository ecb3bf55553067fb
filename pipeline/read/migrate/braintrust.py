"""Braintrust project scores (`GET /v1/project_score`)."""

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
    spelled,
    text,
)
from pipeline.read.migrate.source import Kinds, Source, records_under


def _slider(definition: Definition, record: dict[str, Any]) -> None:
    # Braintrust sliders are always 0..1; a hundredth is its own granularity.
    numeric(definition, 0, 1, step=0.01, display_type="slider")
    _config(definition, record)


def _categorical(definition: Definition, record: dict[str, Any]) -> None:
    categories = objects(definition, record, "categories")
    categorical(
        definition,
        [(text(c.get("name")) or "", c.get("value")) for c in categories],
        multi_choice=bool(mapping(record.get("config")).get("multi_select")),
        field="categories",
    )
    definition.lose_unknown(
        {key for c in categories for key in filled(c)}, frozenset({"name", "value"}), "categories"
    )
    _config(definition, record)


def _free_form(definition: Definition, record: dict[str, Any]) -> None:
    definition.label_type = "text"
    _config(definition, record)


def _config(definition: Definition, record: dict[str, Any]) -> None:
    """What a score's config holds besides multi_select (read by categorical scores)."""
    config = mapping(record.get("config"))
    destination = config.get("destination")
    if destination:
        definition.lose(
            "score destination",
            f"config.destination {spelled(destination)}: not supported, dropped",
        )
    online = mapping(config.get("online"))
    if online:
        definition.lose(
            "online scoring rules",
            f"config.online ({', '.join(filled(online))}): not supported, dropped",
        )
    definition.lose_unknown(
        filled(config), frozenset({"multi_select", "destination", "online"}), "config"
    )


KINDS = Kinds(
    "score_type",
    {"slider": _slider, "categorical": _categorical, "free-form": _free_form},
    no_equivalent={
        kind: f"{kind} scores are computed from other scores: no Future AGI equivalent"
        for kind in ("weighted", "minimum", "maximum", "online")
    },
    shared=frozenset(
        {"name", "description", "score_type", "config"}
        | ARCHIVE_MARKERS
        # Bookkeeping, not the label's definition: where, by whom and when it was stored,
        # and its sort key among the project's scores.
        | {"id", "project_id", "user_id", "created", "position"}
    ),
    reads={"categorical": frozenset({"categories"})},
    part="project score",
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
