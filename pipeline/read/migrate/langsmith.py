"""LangSmith feedback configs (`GET /api/v1/feedback-configs`), with rubric items."""

from __future__ import annotations

from typing import Any

from pipeline.read.migrate.definition import (
    Definition,
    categorical,
    mapping,
    numeric,
    objects,
    spelled,
    text,
)
from pipeline.read.migrate.source import Kinds, Source, not_an_object, start


def records(doc: Any) -> list[Any] | None:
    """A bare list; rubric items (a key and a description, no config) lend their description
    to the config with the same key, which LangSmith keeps apart from the config itself."""
    if not isinstance(doc, list):
        return None
    descriptions = {
        item["feedback_key"]: item["description"] for item in doc if _is_rubric_item(item)
    }
    return [_with_description(item, descriptions) for item in doc]


def _is_rubric_item(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and "feedback_config" not in item
        and isinstance(item.get("feedback_key"), str)
        and isinstance(item.get("description"), str)
    )


def _with_description(item: Any, descriptions: dict[str, str]) -> Any:
    """A config without a description of its own takes its rubric item's."""
    if isinstance(item, dict) and "feedback_config" in item and not item.get("description"):
        key = item.get("feedback_key")
        # A key that is not text (a list, an object) is the record's own error, not a lookup.
        if isinstance(key, str) and key in descriptions:
            return {**item, "description": descriptions[key]}
    return item


def _continuous(definition: Definition, config: dict[str, Any]) -> None:
    numeric(definition, config.get("min"), config.get("max"))


def _categorical(definition: Definition, config: dict[str, Any]) -> None:
    options = []
    for category in objects(definition, config, "categories"):
        label = text(category.get("label"))
        if label is None:
            label = spelled(category.get("value"))
            definition.warn("options", f"category {label} has no label: '{label}' used")
        options.append((label, category.get("value")))
    categorical(definition, options, multi_choice=bool(config.get("allows_multiple_categories")))


def _freeform(definition: Definition, config: dict[str, Any]) -> None:
    definition.label_type = "text"


KINDS = Kinds(
    "feedback_config.type",
    {"continuous": _continuous, "categorical": _categorical, "freeform": _freeform},
)


def convert(record: Any, position: int) -> Definition:
    if not isinstance(record, dict):
        return not_an_object(position)
    definition = start(record, position, name_key="feedback_key", id_key="feedback_key")
    config = record.get("feedback_config")
    if config is None and "description" in record:
        definition.skipped = "rubric item: its description is carried by the config with this key"
        return definition
    config = mapping(config)
    KINDS.map(definition, config.get("type"), config)
    if record.get("is_lower_score_better"):
        definition.warn(None, "is_lower_score_better: not supported, dropped")
    return definition


SOURCE = Source(
    name="langsmith",
    title="LangSmith feedback configs",
    where="GET /api/v1/feedback-configs (a JSON list; annotation-queue rubric items may be added)",
    expected="not a list of feedback configs: is this a LangSmith feedback-config export?",
    records=records,
    looks_like=lambda record: isinstance(record, dict) and "feedback_key" in record,
    convert=convert,
)
