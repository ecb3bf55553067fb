"""Argilla v2 dataset questions (`settings.json`, or the questions endpoint's `items`)."""

from __future__ import annotations

from collections import Counter
from functools import partial
from typing import Any

from pipeline.read.migrate.definition import (
    ARCHIVE_MARKERS,
    Definition,
    categorical,
    filled,
    mapping,
    number,
    numeric,
    objects,
    spelled,
    text,
)
from pipeline.read.migrate.source import Kinds, Source, not_an_object, start


def records(doc: Any) -> list[Any] | None:
    if isinstance(doc, dict):
        for key in ("questions", "items"):
            if isinstance(doc.get(key), list):
                return list(doc[key])
    return None


def _selection(definition: Definition, settings: dict[str, Any], multi: bool) -> None:
    options = objects(definition, settings, "options")
    categorical(
        definition,
        [(text(o.get("text")) or spelled(o.get("value")), o.get("value")) for o in options],
        multi_choice=multi,
        field="settings.options",
    )
    if any(text(o.get("description")) for o in options):
        definition.lose("option descriptions", "option descriptions: not supported, dropped")
    if settings.get("visible_options") is not None:
        definition.lose(
            "display settings",
            f"visible_options {spelled(settings['visible_options'])}: not supported, dropped",
        )
    if multi and settings.get("options_order") not in (None, "natural"):
        definition.lose(
            "display settings",
            f"options_order {spelled(settings['options_order'])}: not supported, dropped",
        )
    _unknown_in_options(definition, options, frozenset({"value", "text", "description"}))


def _unknown_in_options(
    definition: Definition, options: list[dict[str, Any]], understood: frozenset[str]
) -> None:
    definition.lose_unknown({key for o in options for key in filled(o)}, understood, "options")


def _rating(definition: Definition, settings: dict[str, Any]) -> None:
    problems = len(definition.errors)
    options = objects(definition, settings, "options")
    _unknown_in_options(definition, options, frozenset({"value"}))
    values = _rating_values(definition, [o.get("value") for o in options])
    if len(definition.errors) > problems:
        return  # options that are not a list, or values that are not numbers: fix those
    # One value is no scale, whichever it is: a lone 1 is not a 1-star label.
    if len(values) < 2:
        definition.fail(
            "options",
            "a rating question needs at least two values",
            "give the question's 'settings.options' at least two values in the export, e.g. 1 to 5",
        )
        return
    if values == list(range(1, len(values) + 1)):
        definition.label_type = "star"
        definition.settings = {"no_of_stars": len(values)}
        return
    numeric(definition, values[0], values[-1], step=1, display_type="button")
    if values != list(range(int(values[0]), int(values[-1]) + 1)):
        shown = ", ".join(str(v) for v in values)
        definition.warn(
            "options", f"rating values {shown} have gaps: any value in the range is allowed"
        )


def _rating_values(definition: Definition, given: list[object]) -> list[int | float]:
    """The distinct values of a rating, in order; a value that is not a number is a row
    error, one listed twice (Argilla's server answers such) is kept once."""
    numbers = [number(value) for value in given]
    wrong = [spelled(value) for value, found in zip(given, numbers, strict=True) if found is None]
    if wrong:
        definition.fail(
            "options",
            f"rating values {', '.join(wrong)} are not numbers",
            "give every entry of the question's 'settings.options' a number 'value' in the export",
        )
    counts = Counter(found for found in numbers if found is not None)
    repeated = [spelled(value) for value, count in counts.items() if count > 1]
    if repeated:
        definition.warn(
            "options", f"rating values {', '.join(repeated)} listed more than once: kept once"
        )
    return sorted(counts)


def _text(definition: Definition, settings: dict[str, Any]) -> None:
    definition.label_type = "text"
    if settings.get("use_markdown"):
        definition.lose("markdown rendering", "use_markdown: not supported, dropped")


KINDS = Kinds(
    "settings.type",
    {
        "label_selection": partial(_selection, multi=False),
        "multi_label_selection": partial(_selection, multi=True),
        "rating": _rating,
        "text": _text,
    },
    no_equivalent={
        kind: f"{kind} questions have no Future AGI equivalent" for kind in ("ranking", "span")
    },
    shared=frozenset({"type"}),
    reads={
        "label_selection": frozenset({"options", "visible_options"}),
        "multi_label_selection": frozenset({"options", "visible_options", "options_order"}),
        "rating": frozenset({"options"}),
        "text": frozenset({"use_markdown"}),
    },
    part="settings",
)

QUESTION_KEYS = frozenset(
    # `type` repeats settings.type (the SDK writes both).
    {"name", "title", "description", "required", "settings", "type"}
    | ARCHIVE_MARKERS
    # Bookkeeping, not the question's definition: its ids and when it was stored.
    | {"id", "dataset_id", "inserted_at", "updated_at"}
)


def convert(record: Any, position: int) -> Definition:
    """A question named by its machine `name` (its key in Argilla, in both export shapes,
    so it is the source id); `settle_names` may name it by its title instead."""
    if not isinstance(record, dict):
        return not_an_object(position)
    definition = start(record, position, name_key="name", id_key="name")
    definition.title = text(record.get("title"))
    settings = mapping(record.get("settings"))
    KINDS.map(definition, settings.get("type"), settings)
    if definition.skipped is None:
        if record.get("required"):
            definition.lose("required answers", "required: not supported, dropped")
        definition.lose_unknown(filled(record), QUESTION_KEYS, "question")
    return definition


def beside(doc: Any) -> list[str]:
    """The dataset's guidelines are for annotators but belong to no one question. The
    other parts of settings.json (fields, metadata, vectors, distribution, mapping) are
    about records and workflow, not label definitions."""
    guidelines = mapping(doc).get("guidelines")
    return ["dataset guidelines: not carried over"] if text(guidelines) else []


SOURCE = Source(
    name="argilla",
    title="Argilla dataset questions",
    where="the dataset's settings.json (Settings.to_json, or .argilla/settings.json on the Hub), "
    "or GET /api/v1/datasets/{id}/questions",
    expected="no 'questions' or 'items' array: "
    "is this an Argilla settings.json or questions export?",
    records=records,
    looks_like=lambda record: (
        isinstance(record, dict)
        and isinstance(record.get("settings"), dict)
        and "type" in record["settings"]
        and "name" in record
    ),
    convert=convert,
    beside=beside,
)
