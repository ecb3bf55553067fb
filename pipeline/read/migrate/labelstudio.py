"""Label Studio labeling configs: the project JSON's `label_config`, or the XML itself.

The XML comes from users, so it is parsed with defusedxml: a DTD or an entity is refused
outright rather than expanded or fetched.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from pipeline.errors import InputError
from pipeline.read.migrate.definition import Definition, categorical, numeric, text
from pipeline.read.migrate.source import Mapper, Source


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


def records(doc: Any) -> list[Any] | None:
    """The config's control tags, in document order."""
    if isinstance(doc, dict) and isinstance(doc.get("label_config"), str):
        doc = doc["label_config"]
    if not isinstance(doc, str) or not doc.lstrip().startswith("<"):
        return None
    root = parse(doc)
    return [
        element
        for element in root.iter()
        if "name" in element.attrib and "toName" in element.attrib
    ]


def _choices(definition: Definition, element: ET.Element) -> None:
    choices = [child for child in element if child.tag.lower() == "choice"]
    categorical(
        definition,
        [(c.get("value", ""), c.get("alias") or c.get("value")) for c in choices],
        multi_choice=element.get("choice") == "multiple",
    )
    lost = sorted({attr for c in choices for attr in ("hotkey", "hint") if c.get(attr)})
    if lost:
        definition.warn("options", f"{' and '.join(lost)}: not supported, dropped")


def _rating(definition: Definition, element: ET.Element) -> None:
    stars = element.get("maxRating", "5")
    definition.label_type = "star"
    definition.settings = {"no_of_stars": int(stars) if stars.isdigit() else stars}
    if element.get("icon"):
        definition.warn(None, f"icon {element.get('icon')}: not supported, dropped")


def _number(definition: Definition, element: ET.Element) -> None:
    display = "slider" if element.get("slider", "").lower() == "true" else "button"
    numeric(
        definition,
        element.get("min"),
        element.get("max"),
        step=element.get("step"),
        display_type=display,
    )


def _text_area(definition: Definition, element: ET.Element) -> None:
    definition.label_type = "text"
    placeholder = element.get("placeholder")
    if placeholder:
        definition.settings = {"placeholder": placeholder}
    if element.get("maxSubmissions"):
        definition.warn(None, "maxSubmissions: a count of answers, not a length: dropped")


# The control tags we import, by lower-case name: Label Studio matches tag names regardless
# of case (its own examples write <Textarea>). Any other control (RectangleLabels, Labels,
# ...) annotates spans or regions, which no Future AGI type does, so its record is skipped.
CONTROLS: dict[str, Mapper] = {
    "choices": _choices,
    "rating": _rating,
    "number": _number,
    "textarea": _text_area,
}


def convert(element: Any, position: int) -> Definition:
    assert isinstance(element, ET.Element)
    definition = Definition(position, source_id=element.get("name"), name=text(element.get("name")))
    control = CONTROLS.get(element.tag.lower())
    if control is None:
        definition.skipped = f"<{element.tag}> controls have no Future AGI equivalent"
    else:
        control(definition, element)
    return definition


def _looks_like(record: Any) -> bool:
    return isinstance(record, ET.Element)


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
