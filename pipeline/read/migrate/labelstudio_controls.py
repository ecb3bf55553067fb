"""What each Label Studio control tag becomes, and every attribute it may hold.

Each kind we import lists the attributes it understands: the ones it carries over and the
ones it knowingly drops, each drop with its own `lost` note. Any other attribute of the
control or of its <Choice> options, and any element inside it we do not read, is named as
lost too, so an attribute a future Label Studio adds is reported, never dropped silently.
Label Studio matches tag and attribute names regardless of case, and so do we.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Collection
from dataclasses import dataclass

from pipeline.read.migrate.definition import Definition, categorical, number, numeric


def attribute(element: ET.Element, key: str) -> str | None:
    """The attribute `key` (lower case) however the config spells it."""
    for written, value in element.attrib.items():
        if written.lower() == key:
            return value
    return None


def is_true(element: ET.Element, key: str) -> bool:
    return (attribute(element, key) or "").strip().lower() == "true"


def present(element: ET.Element, keys: Collection[str]) -> list[str]:
    """The attributes of `element` among `keys` (lower case), as the config spells them."""
    return [written for written in element.attrib if written.lower() in keys]


def control_name(element: ET.Element) -> str:
    return f'<{element.tag} name="{attribute(element, "name") or ""}">'


# Attributes that only change how Label Studio lays a control out.
DISPLAY = frozenset(
    {
        "showinline",
        "layout",
        "style",
        "classname",
        "size",
        "icon",
        "rows",
        "editable",
        "transcription",
        "displaymode",
        "showsubmitbutton",
        "skipduplicates",
        "label",
    }
)

# Attributes with a meaning we cannot keep: (kind of loss for the run's summary, why).
DROPPED: dict[str, tuple[str, str]] = {
    "hotkey": ("hotkeys", "keyboard shortcuts are not carried over"),
    "defaultvalue": ("default values", "a preset answer is not carried over"),
    "value": ("default values", "the pre-filled text is not carried over"),
    "maxsubmissions": ("answer counts", "a count of answers, not a length: dropped"),
    "allownested": ("nested options", "nested options are not carried over (the top level is)"),
}
ASKED = frozenset({"required", "requiredmessage"})


def _required(definition: Definition, element: ET.Element) -> None:
    """required="true" (with its requiredMessage) is one loss; "false" is the default."""
    asked = is_true(element, "required")
    keys = [key for key in present(element, ASKED) if asked or key.lower() != "required"]
    if keys:
        definition.lose(
            "required answers",
            f"{', '.join(keys)}: an answer was mandatory in Label Studio; "
            "a Future AGI label is never mandatory",
        )


def drop(definition: Definition, element: ET.Element, keys: Collection[str]) -> None:
    """Name every attribute of `element` among `keys` as lost, display ones in one note."""
    display = present(element, DISPLAY & set(keys))
    if display:
        definition.lose(
            "display settings",
            f"{', '.join(display)}: how Label Studio lays the control out, not carried over",
        )
    if ASKED & set(keys):
        _required(definition, element)
    for written in present(element, set(DROPPED) & set(keys)):
        what, why = DROPPED[written.lower()]
        shown = "" if written.lower() in ("value", "allownested") else f" {element.attrib[written]}"
        definition.lose(what, f"{written}{shown}: {why}")


def children_lost(definition: Definition, element: ET.Element, read: Collection[str]) -> None:
    """Elements inside `element` we do not read (layout, nested options) are named."""
    other = sorted({child.tag for child in element if child.tag.lower() not in read})
    if other:
        definition.lose(
            "elements we do not carry over",
            f"{', '.join(f'<{tag}>' for tag in other)} inside the control: not carried over",
        )


# What each attribute of a <Choice> means to us.
CHOICE_CARRIED = frozenset({"value", "alias"})
CHOICE_DROPPED: dict[str, tuple[str, str]] = {
    "selected": ("preselected options", "a preselected option is not carried over"),
    "hotkey": ("hotkeys", "keyboard shortcuts are not carried over"),
    "hint": ("hints", "hover hints are not carried over"),
    "html": ("option HTML", "the HTML shown instead of the value is not carried over"),
    "style": ("display settings", "display only, not carried over"),
    "background": ("display settings", "display only, not carried over"),
    "color": ("display settings", "display only, not carried over"),
}


def _option_losses(definition: Definition, choices: list[ET.Element]) -> None:
    """One note per dropped <Choice> attribute, naming the options that had it."""
    had: dict[str, tuple[str, list[str]]] = {}
    for choice in choices:
        for written in present(choice, CHOICE_DROPPED):
            spelled, values = had.setdefault(written.lower(), (written, []))
            values.append(attribute(choice, "value") or "")
    for key, (spelled, values) in had.items():
        what, why = CHOICE_DROPPED[key]
        definition.lose(what, f"{spelled} on {', '.join(values)}: {why}")
    _unknown_in_options(definition, choices)


def _unknown_in_options(definition: Definition, choices: list[ET.Element]) -> None:
    """Attributes of the options we do not know, and options nested under an option."""
    keys = [key for choice in choices for key in choice.attrib]
    known = [key for key in keys if key.lower() in CHOICE_CARRIED | set(CHOICE_DROPPED)]
    definition.lose_unknown(keys, known, "<Choice>")
    nested = [attribute(c, "value") or "" for c in choices if len(c)]
    if nested:
        definition.lose(
            "nested options",
            f"options nested under {', '.join(nested)}: not carried over (only the top level is)",
        )


def _choices(definition: Definition, element: ET.Element) -> None:
    choices = [child for child in element if child.tag.lower() == "choice"]
    pairs = [(attribute(c, "value") or "", attribute(c, "alias")) for c in choices]
    categorical(
        definition,
        [(label, alias or label) for label, alias in pairs],
        multi_choice=(attribute(element, "choice") or "").lower() == "multiple",
        typed_values=False,
    )
    _option_losses(definition, choices)
    _options_usable(definition, element, [label for label, _ in pairs])


def _options_usable(definition: Definition, element: ET.Element, labels: list[str]) -> None:
    """Options from the data, an option without a value or fewer than two: a row error
    naming the control and what to change in the config."""
    dynamic = attribute(element, "value")
    if dynamic:
        definition.fail(
            "options",
            f"the options of {control_name(element)} come from each task's data ({dynamic}), "
            "so the config does not hold them",
            f'list every option as a <Choice value="..."/> inside it and remove value="{dynamic}"',
        )
    elif not all(labels):
        definition.fail(
            "options",
            f"{control_name(element)} has a <Choice> with no value",
            'give every <Choice> a value="..." (the text annotators pick) in the config',
        )
    elif len(labels) < 2:
        definition.fail(
            "options",
            f"{control_name(element)} has {len(labels)} option(s); "
            "a categorical label needs at least two",
            'add <Choice value="..."/> elements to it in the config',
        )


def _rating(definition: Definition, element: ET.Element) -> None:
    written = attribute(element, "maxrating")
    stars = number(written) if written is not None else 5
    definition.label_type = "star"
    if isinstance(stars, int) and stars >= 1:
        definition.settings = {"no_of_stars": stars}
        return
    definition.fail(
        "no_of_stars",
        f"maxRating {written} of {control_name(element)} is not a whole number of stars",
        'set maxRating to a whole number such as "5" in the config',
    )


def _number(definition: Definition, element: ET.Element) -> None:
    numeric(
        definition,
        attribute(element, "min"),
        attribute(element, "max"),
        step=attribute(element, "step"),
        display_type="slider" if is_true(element, "slider") else "button",
        where=f"{control_name(element)} of the config",
    )


def _text_area(definition: Definition, element: ET.Element) -> None:
    definition.label_type = "text"
    placeholder = attribute(element, "placeholder")
    if placeholder:
        definition.settings = {"placeholder": placeholder}


@dataclass(frozen=True)
class Kind:
    """A control tag we import: how it maps, the attributes it carries over, the ones it
    drops with a note (`drop`), and the child elements it reads."""

    map: Callable[[Definition, ET.Element], None]
    carried: frozenset[str]
    dropped: frozenset[str]
    children: frozenset[str] = frozenset()

    def settle(self, definition: Definition, element: ET.Element, read: Collection[str]) -> None:
        """Map `element`, then name as lost everything of it neither read nor carried:
        its dropped attributes, unknown ones (`read` are the ones the caller handles)
        and child elements."""
        self.map(definition, element)
        drop(definition, element, self.dropped)
        known = present(element, self.carried | self.dropped | set(read))
        definition.lose_unknown(element.attrib, known, f"<{element.tag}>")
        children_lost(definition, element, self.children)


KINDS: dict[str, Kind] = {
    "choices": Kind(
        _choices,
        frozenset({"choice", "value"}),
        ASKED | {"showinline", "layout", "style", "classname", "allownested"},
        frozenset({"choice"}),
    ),
    "rating": Kind(
        _rating,
        frozenset({"maxrating"}),
        ASKED | {"hotkey", "defaultvalue", "size", "icon"},
    ),
    "number": Kind(
        _number,
        frozenset({"min", "max", "step", "slider"}),
        ASKED | {"hotkey", "defaultvalue"},
    ),
    "textarea": Kind(
        _text_area,
        frozenset({"placeholder"}),
        ASKED
        | {
            "value",
            "maxsubmissions",
            "rows",
            "editable",
            "transcription",
            "displaymode",
            "showsubmitbutton",
            "skipduplicates",
            "label",
        },
    ),
}

_REGIONS = (
    "labels regions of the data (spans, boxes, segments); a Future AGI label is for a whole item"
)

# The other control tags Label Studio has, each with why its record is skipped.
NO_EQUIVALENT: dict[str, str] = {
    **dict.fromkeys(
        (
            "labels",
            "rectanglelabels",
            "polygonlabels",
            "ellipselabels",
            "keypointlabels",
            "brushlabels",
            "bitmasklabels",
            "hypertextlabels",
            "paragraphlabels",
            "timeserieslabels",
            "timelinelabels",
            "vectorlabels",
            "rectangle",
            "polygon",
            "ellipse",
            "keypoint",
            "brush",
            "bitmask",
            "magicwand",
            "vector",
            "videorectangle",
        ),
        _REGIONS,
    ),
    "taxonomy": "picks from a tree of choices, which no Future AGI type holds "
    "(flatten it into a <Choices> list to import it)",
    "ranker": "orders or groups the items of a list, which no Future AGI type does",
    "pairwise": "picks one of two items shown side by side, which no Future AGI type does",
    "datetime": "records a date or time, which no Future AGI type holds",
    "chat": "is an editable conversation: its annotation is the messages written, "
    "which no Future AGI type holds",
}
