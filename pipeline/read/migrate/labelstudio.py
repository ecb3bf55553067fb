"""Label Studio labeling configs: the project JSON's `label_config`, or the XML itself.

Every control tag is a record, with or without a toName. What a control becomes is its
kind's (`labelstudio_controls`); what the config around it does to it is read here: a
<View visibleWhen=...> hides it, a <Repeater> repeats it, perRegion asks it per region.
Each of those is imported as one whole-item label and named in `lost`.

The XML comes from users, so it is parsed with defusedxml: a DTD or an entity is refused
outright rather than expanded or fetched.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from pipeline.errors import InputError
from pipeline.read.migrate.definition import Definition, text
from pipeline.read.migrate.labelstudio_controls import KINDS, NO_EQUIVALENT, attribute, is_true
from pipeline.read.migrate.source import Source


def parse(xml_text: str) -> ET.Element:
    try:
        root: ET.Element = fromstring(xml_text, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise InputError(
            f"the labeling config uses DTDs or entities, which are refused ({exc})"
        ) from None
    except ET.ParseError as exc:
        raise InputError(f"the labeling config is not well-formed XML: {exc}") from None
    return root


@dataclass(frozen=True)
class Control:
    """A control element of the config with the elements around it, outermost first."""

    element: ET.Element
    around: tuple[ET.Element, ...]


# <Chat> is an object tag; only with a toName is it also a control, as any tag with one is.
CONTROL_TAGS = (frozenset(KINDS) | frozenset(NO_EQUIVALENT)) - {"chat"}


def is_control(element: ET.Element) -> bool:
    if not isinstance(element.tag, str):
        return False
    if element.tag.lower() in CONTROL_TAGS:
        return True
    return attribute(element, "name") is not None and attribute(element, "toname") is not None


def records(doc: Any) -> list[Any] | None:
    """The config's control tags, in document order."""
    if isinstance(doc, dict) and isinstance(doc.get("label_config"), str):
        doc = doc["label_config"]
    if not isinstance(doc, str) or not doc.lstrip().startswith("<"):
        return None
    found: list[Any] = []
    root = parse(doc)
    # The root is the config's <View>, never a control. A stack rather than recursion:
    # a config nested thousands deep must not crash us.
    stack: list[tuple[ET.Element, tuple[ET.Element, ...]]] = [
        (child, (root,)) for child in reversed(root)
    ]
    while stack:
        element, around = stack.pop()
        if is_control(element):
            found.append(Control(element, around))
            continue
        inside = (*around, element)
        stack.extend((child, inside) for child in reversed(element))
    return found


# Read here for every kind; the rest of a control's attributes are its kind's to read.
COMMON = frozenset({"name", "toname", "perregion", "peritem"})


def _conditional(key: str) -> bool:
    return key.lower() == "visiblewhen" or key.lower().startswith("when")


def _visibility(definition: Definition, control: Control) -> None:
    """visibleWhen and the when* attributes, on the control or on a <View> around it."""
    conditions = [
        " ".join(f'{key}="{part.attrib[key]}"' for key in part.attrib if _conditional(key))
        for part in (*control.around, control.element)
        if any(_conditional(key) for key in part.attrib)
    ]
    if conditions:
        definition.lose(
            "conditional visibility",
            f"shown only when {' and '.join(conditions)}: imported as a label always shown",
        )


def _scope(definition: Definition, element: ET.Element) -> None:
    """perRegion and perItem ask a control per part of the item: ours is for the whole."""
    if is_true(element, "perregion"):
        definition.lose(
            "per-region scope",
            "perRegion: Label Studio asks it for each region the annotator marks; "
            "imported as one label for the whole item",
        )
    if is_true(element, "peritem"):
        definition.lose(
            "per-item scope",
            "perItem: Label Studio asks it for each item of the object; "
            "imported as one label for the whole item",
        )
    if attribute(element, "toname") is None:
        definition.warn(
            None, "no toName: the control is tied to no object of the config; imported all the same"
        )


def _repeated(definition: Definition, control: Control) -> None:
    """A control inside a <Repeater> is asked once per item of a task's list; it becomes
    one label, named without the Repeater's index placeholder."""
    repeaters = [part for part in control.around if part.tag.lower() == "repeater"]
    if not repeaters or definition.name is None:
        return
    name = definition.name
    for repeater in repeaters:
        name = name.replace(attribute(repeater, "indexflag") or "{{idx}}", "")
    # utterance_{{idx}}_action leaves a doubled separator, a trailing one at the end.
    name = re.sub(r"([_\-. ])\1+", r"\1", name).strip("_-. ") or control.element.tag.lower()
    definition.name = name
    over = ", ".join(attribute(r, "on") or "a list" for r in repeaters)
    definition.lose(
        "repeated per item",
        f"inside a <Repeater> over {over}: Label Studio repeats it for each item; "
        f"imported once, as {name}",
    )


def convert(record: Any, position: int) -> Definition:
    assert isinstance(record, Control)
    element = record.element
    written = attribute(element, "name")
    definition = Definition(position, source_id=written, name=text(written))
    tag = element.tag.lower()
    kind = KINDS.get(tag)
    if kind is None:
        why = NO_EQUIVALENT.get(tag, "is not a Label Studio control we know")
        definition.skipped = f"<{element.tag}> {why}"
        return definition
    if definition.name is None:
        definition.fail(
            "name",
            f"<{element.tag}> (control {position}) has no name",
            'give it a name="..." attribute in the config',
        )
    _repeated(definition, record)
    _scope(definition, element)
    _visibility(definition, record)
    kind.settle(
        definition, element, COMMON | {k.lower() for k in element.attrib if _conditional(k)}
    )
    return definition


def _looks_like(record: Any) -> bool:
    return isinstance(record, Control)


SOURCE = Source(
    name="labelstudio",
    title="Label Studio labeling config",
    where="the project JSON from GET /api/projects/{id} (its label_config), "
    "or the config XML itself",
    expected="no 'label_config' and not labeling-config XML: "
    "is this a Label Studio project or config?",
    records=records,
    looks_like=_looks_like,
    convert=convert,
)
