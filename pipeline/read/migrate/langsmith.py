"""LangSmith feedback configs (`GET /api/v1/feedback-configs`), with rubric items."""

from __future__ import annotations

from dataclasses import dataclass
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
from pipeline.read.migrate.source import Kinds, Source, not_an_object, start


@dataclass(frozen=True)
class Entry:
    """One item of the export; a feedback config comes with the annotation-queue rubric
    item of its key (a description, value descriptions), which LangSmith keeps apart."""

    record: Any
    rubric: dict[str, Any] | None = None
    # For a rubric item: whether a config of its key is in the export to carry it.
    configured: bool = False


def records(doc: Any) -> list[Any] | None:
    if not isinstance(doc, list):
        return None
    rubrics: dict[str | None, dict[str, Any]] = {}
    for item in doc:
        if _is_rubric_item(item):
            rubrics.setdefault(item["feedback_key"], item)
    configured = {_key(item) for item in doc if _is_config(item)} - {None}
    return [
        Entry(item, rubrics.get(_key(item)), configured=_key(item) in configured)
        if _is_config(item)
        else Entry(item, configured=_key(item) in configured)
        for item in doc
    ]


def _key(item: Any) -> str | None:
    """The item's feedback key when it is text (a list or an object is the record's error)."""
    key = item.get("feedback_key") if isinstance(item, dict) else None
    return key if isinstance(key, str) else None


def _is_config(item: Any) -> bool:
    return isinstance(item, dict) and "feedback_config" in item


def _is_rubric_item(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and "feedback_config" not in item
        and isinstance(item.get("feedback_key"), str)
        and isinstance(item.get("description"), str)
    )


def _continuous(definition: Definition, config: dict[str, Any]) -> None:
    numeric(definition, config.get("min"), config.get("max"))


def _categorical(definition: Definition, config: dict[str, Any]) -> None:
    options = []
    categories = objects(definition, config, "categories")
    for category in categories:
        label = text(category.get("label"))
        if label is None:
            label = spelled(category.get("value"))
            definition.warn("options", f"category {label} has no label: '{label}' used")
        options.append((label, category.get("value")))
    categorical(
        definition,
        options,
        multi_choice=bool(config.get("allows_multiple_categories")),
        field="categories",
    )
    definition.lose_unknown(
        {key for c in categories for key in filled(c)}, frozenset({"value", "label"}), "categories"
    )


def _freeform(definition: Definition, config: dict[str, Any]) -> None:
    definition.label_type = "text"


KINDS = Kinds(
    "feedback_config.type",
    {"continuous": _continuous, "categorical": _categorical, "freeform": _freeform},
    shared=frozenset({"type"}),
    reads={
        "continuous": frozenset({"min", "max"}),
        "categorical": frozenset({"categories", "allows_multiple_categories"}),
    },
    part="feedback_config",
)

RECORD_KEYS = frozenset(
    {"feedback_key", "feedback_config", "description", "is_lower_score_better"}
    | ARCHIVE_MARKERS
    # Bookkeeping, not the label's definition: the workspace and when it last changed.
    | {"tenant_id", "modified_at"}
)
RUBRIC_KEYS = frozenset({"feedback_key", "description", "value_descriptions", "is_required"})


def convert(entry: Any, position: int) -> Definition:
    record = entry.record
    if not isinstance(record, dict):
        return not_an_object(position)
    definition = start(record, position, name_key="feedback_key", id_key="feedback_key")
    if _is_rubric_item(record):
        definition.skipped = (
            "rubric item: its description is carried by the config with this key"
            if entry.configured
            else "rubric item with no feedback config of this key in the export"
        )
        return definition
    config = mapping(record.get("feedback_config"))
    KINDS.map(definition, config.get("type"), config)
    if record.get("is_lower_score_better"):
        definition.lose("score direction", "is_lower_score_better: not supported, dropped")
    definition.lose_unknown(filled(record), RECORD_KEYS, "feedback config")
    if entry.rubric is not None:
        _rubric(definition, entry.rubric)
    return definition


def _rubric(definition: Definition, rubric: dict[str, Any]) -> None:
    """What the config's rubric item adds: its description when the config has none."""
    described = text(rubric.get("description"))
    if definition.description is None:
        definition.description = described
    elif described not in (None, definition.description):
        definition.lose(
            "descriptions", "rubric description: not carried over (the config has its own)"
        )
    values = rubric.get("value_descriptions")
    if values:
        shown = ", ".join(values) if isinstance(values, dict) else spelled(values)
        definition.lose(
            "option descriptions", f"rubric value_descriptions ({shown}): not supported, dropped"
        )
    if rubric.get("is_required"):
        definition.lose("required answers", "rubric is_required: not supported, dropped")
    definition.lose_unknown(filled(rubric), RUBRIC_KEYS, "rubric item")


SOURCE = Source(
    name="langsmith",
    title="LangSmith feedback configs",
    where="GET /api/v1/feedback-configs (a JSON list; annotation-queue rubric items may be added)",
    expected="not a list of feedback configs: is this a LangSmith feedback-config export?",
    records=records,
    looks_like=lambda entry: isinstance(entry.record, dict) and "feedback_key" in entry.record,
    convert=convert,
)
