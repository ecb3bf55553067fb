"""Argilla v2 dataset questions (`settings.json`, or the questions endpoint's `items`)."""

from __future__ import annotations

from functools import partial
from typing import Any

from pipeline.read.migrate.definition import (
    Definition,
    categorical,
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
    )
    if any(text(o.get("description")) for o in options):
        definition.warn("options", "option descriptions: not supported, dropped")
    if multi and settings.get("options_order") not in (None, "natural"):
        definition.warn(
            "options", f"options_order {settings['options_order']}: not supported, dropped"
        )


def _rating(definition: Definition, settings: dict[str, Any]) -> None:
    problems = len(definition.errors)
    options = objects(definition, settings, "options")
    if len(definition.errors) > problems:
        return  # options that are not a list: that is the one thing to fix
    values = sorted({v for o in options if (v := number(o.get("value"))) is not None})
    # One value is no scale, whichever it is: a lone 1 is not a 1-star label.
    if len(values) < 2:
        definition.fail(
            "options",
            "a rating question needs at least two values",
            "give the rating its values, e.g. 1 to 5",
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


def _text(definition: Definition, settings: dict[str, Any]) -> None:
    definition.label_type = "text"
    if settings.get("use_markdown"):
        definition.warn(None, "use_markdown: not supported, dropped")


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
)


def convert(record: Any, position: int) -> Definition:
    if not isinstance(record, dict):
        return not_an_object(position)
    name_key = "title" if text(record.get("title")) else "name"
    definition = start(record, position, name_key=name_key, id_key="name")
    if record.get("id") is not None:
        definition.source_id = str(record["id"])
    settings = mapping(record.get("settings"))
    KINDS.map(definition, settings.get("type"), settings)
    return definition


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
)
