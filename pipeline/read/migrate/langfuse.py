"""Langfuse score configs (`GET /api/public/score-configs`)."""

from __future__ import annotations

from typing import Any

from pipeline.read.migrate.definition import (
    Definition,
    categorical,
    numeric,
    objects,
    spelled,
    text,
)
from pipeline.read.migrate.source import Kinds, Source, records_under


def _numeric(definition: Definition, record: dict[str, Any]) -> None:
    numeric(definition, record.get("minValue"), record.get("maxValue"))


def _categorical(definition: Definition, record: dict[str, Any]) -> None:
    options = [
        (text(c.get("label")) or spelled(c.get("value")), c.get("value"))
        for c in objects(definition, record, "categories")
    ]
    categorical(definition, options)


def _boolean(definition: Definition, record: dict[str, Any]) -> None:
    definition.label_type = "thumbs_up_down"


def _text(definition: Definition, record: dict[str, Any]) -> None:
    definition.label_type = "text"


KINDS = Kinds(
    "dataType",
    {"NUMERIC": _numeric, "CATEGORICAL": _categorical, "BOOLEAN": _boolean, "TEXT": _text},
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
