"""The domain: a label definition the server will accept, one settings model per type.

Every rule the server enforces is checked here, with the server's own wording
(server-answers.md), so a row that passes will not be rejected later. Settings the server
requires but the documentation omits are filled with the defaults the platform's UI uses
(see api-contract.md), and checked as filled. What the server accepts but is likely a
mistake (`likely_mistakes`) is the caller's to warn about; it is sent as written.

A label type is its word in `LabelType`, its settings model and that model's entry in
`SETTINGS_MODELS`; the label classes, the union `LabelSpec.parse` picks from and the
per-type settings tables are all built from that registry.
"""

from __future__ import annotations

import functools
import json
import operator
import re
import unicodedata
import uuid
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    create_model,
    field_validator,
    model_validator,
)

LabelType = Literal["text", "categorical", "numeric", "star", "thumbs_up_down"]
LABEL_TYPES: tuple[LabelType, ...] = get_args(LabelType)
DisplayType = Literal["slider", "button"]

NAME_MAX = 255
# The UI offers at most this many stars and this numeric maximum; the server does not care.
UI_MAX_STARS = 10
UI_MAX_NUMERIC = 10

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=4096)
def slug(label: str) -> str:
    """The option value derived from its label when the sheet gives only labels."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    text = _SLUG_JUNK.sub("_", ascii_text.lower()).strip("_")
    return text or label.strip().lower()


# The server's words for a setting of the wrong kind ("an float" is its own slip).
WRONG_KIND: dict[str, str] = {
    "placeholder": "placeholder must be a string",
    "min_length": "min_length must be an integer",
    "max_length": "max_length must be an integer",
    "min": "min must be an float",
    "max": "max must be an float",
    "step_size": "step_size must be an float",
    "display_type": "display_type must be either 'slider' or 'button'",
    "multi_choice": "multi_choice must be a boolean",
    "auto_annotate": "auto_annotate must be a boolean",
    "rule_prompt": "rule_prompt must be a string",
    "strategy": "Strategy must be 'Rag' or None.",
    "no_of_stars": "no_of_stars must be an integer",
}


def _refused_as(*fields: str, null: str | None = None) -> Any:
    """A validator refusing a value pydantic cannot read as the field's type in the
    server's words (`WRONG_KIND`); `null` words a null apart (`{key}` is the field's name).
    Defined before a field's other validators, so their messages pass through it."""

    def wrap(cls: type, value: Any, handler: ValidatorFunctionWrapHandler, info: Any) -> Any:
        if value is None and null is not None:
            raise ValueError(null.format(key=info.field_name))
        try:
            return handler(value)
        except ValidationError:
            raise ValueError(WRONG_KIND[info.field_name]) from None

    return field_validator(*fields, mode="wrap")(wrap)


def _json_ready(extra: dict[str, Any] | None) -> None:
    """Keys the server stores as given must still travel as JSON (no NaN or infinity)."""
    try:
        json.dumps(extra, allow_nan=False)
    except ValueError:
        raise ValueError("Value must be valid JSON.") from None


class LabelSettings(BaseModel):
    """The settings of one label type. Keys the type does not document are kept and sent,
    as the server stores them; `likely_mistakes` names them."""

    model_config = ConfigDict(extra="allow", allow_inf_nan=False, frozen=True)

    @model_validator(mode="after")
    def _extra_is_json(self) -> LabelSettings:
        _json_ready(self.model_extra)
        return self


class TextSettings(LabelSettings):
    placeholder: str = ""
    # The server has no sign rule for min_length.
    min_length: int = 0
    # Validated when left out too: min_length alone may already reach the default.
    max_length: int = Field(500, validate_default=True)

    _checked = _refused_as("placeholder", "min_length", "max_length")

    @field_validator("max_length")
    @classmethod
    def _min_below_max(cls, value: int, info: ValidationInfo) -> int:
        low = info.data.get("min_length")
        if low is not None and not low < value:
            raise ValueError("min_length must be less than max_length")
        return value


class NumericSettings(LabelSettings):
    min: int | float = 0
    # Validated when left out too: min alone may already reach the default.
    max: int | float = Field(10, validate_default=True)
    step_size: int | float = 1
    display_type: DisplayType = "slider"

    _checked = _refused_as("min", "max", "step_size", null="{key} cannot be null")
    _display = _refused_as("display_type")

    @field_validator("min")
    @classmethod
    def _min_not_negative(cls, value: float) -> float:
        if value < 0:
            raise ValueError("min cannot be negative")
        return value

    @field_validator("max")
    @classmethod
    def _max_checks(cls, value: float, info: ValidationInfo) -> float:
        if value < 0:
            raise ValueError("max cannot be negative")
        low = info.data.get("min")
        if low is not None and not low < value:
            raise ValueError("min must be less than max")
        return value

    @field_validator("step_size")
    @classmethod
    def _step_positive(cls, value: float) -> float:
        if not value > 0:
            raise ValueError("step_size must be greater than 0")
        return value


def option_label(label: Any) -> str:
    """An option's label as the server reads it: any value as its text, trimmed; 0, false
    and null are empty."""
    return str(label or "").strip()


class Option(BaseModel):
    """One choice. The server reads any label as text (`option_label`), does not check
    `value` and stores other keys as given; the label is sent as that text."""

    model_config = ConfigDict(extra="allow", frozen=True)

    label: str
    value: Any = ""

    @model_validator(mode="before")
    @classmethod
    def _has_label(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "label" not in data:
            raise ValueError("Each option must be a dictionary with a 'label' field")
        return {**data, "label": option_label(data["label"])}

    @field_validator("label")
    @classmethod
    def _label_present(cls, value: str) -> str:
        if not value:
            raise ValueError("Option labels cannot be empty")
        return value

    @model_validator(mode="after")
    def _value_given(self) -> Option:
        _json_ready({"value": self.value, **(self.model_extra or {})})
        # The documented `value` is optional for us; derive it so the UI shows something.
        if self.value is None or self.value == "":
            object.__setattr__(self, "value", slug(self.label))
        return self


class CategoricalSettings(LabelSettings):
    options: list[Option]
    multi_choice: bool = False
    rule_prompt: str = ""
    auto_annotate: bool = False
    strategy: Literal["Rag"] | None = None

    _checked = _refused_as("multi_choice", "auto_annotate", "rule_prompt", "strategy")

    @field_validator("options", mode="before")
    @classmethod
    def _options_listed(cls, value: Any) -> Any:
        if not isinstance(value, list):
            raise ValueError("options must be a list")
        return value

    @field_validator("options")
    @classmethod
    def _options_usable(cls, value: list[Option]) -> list[Option]:
        seen = {option.label.casefold() for option in value}
        if len(seen) != len(value):
            raise ValueError("Categorical option labels must be unique")
        if len(value) < 2:
            raise ValueError("There must be at least two options")
        return value


class StarSettings(LabelSettings):
    # No upper bound at the server; the UI's is a warning (`ui_cap_warnings`).
    no_of_stars: int = 5

    _checked = _refused_as("no_of_stars")

    @field_validator("no_of_stars")
    @classmethod
    def _at_least_one(cls, value: int) -> int:
        if value < 1:
            raise ValueError("no_of_stars must be greater than 0")
        return value


class ThumbsSettings(LabelSettings):
    pass


# The registry of label types, in `LabelType`'s order.
SETTINGS_MODELS: dict[LabelType, type[LabelSettings]] = {
    "text": TextSettings,
    "categorical": CategoricalSettings,
    "numeric": NumericSettings,
    "star": StarSettings,
    "thumbs_up_down": ThumbsSettings,
}
if tuple(SETTINGS_MODELS) != LABEL_TYPES:
    raise TypeError(f"SETTINGS_MODELS must have one entry per LabelType, in order: {LABEL_TYPES}")


# Looked up for every row, so computed once: pydantic's `model_fields` is not free.
SETTINGS_KEYS: dict[LabelType, tuple[str, ...]] = {
    kind: tuple(model.model_fields) for kind, model in SETTINGS_MODELS.items()
}
SETTINGS_DEFAULTS: dict[LabelType, dict[str, Any]] = {
    kind: {
        key: info.get_default(call_default_factory=True)
        for key, info in model.model_fields.items()
        if not info.is_required()
    }
    for kind, model in SETTINGS_MODELS.items()
}


class LabelSpec(BaseModel):
    """A label the server will accept. Build one with `LabelSpec.parse`, which picks the
    subclass for the type; subclasses narrow `type` and `settings`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    type: LabelType
    description: str | None = None
    project: str | None = None
    allow_notes: bool = False
    settings: LabelSettings

    _adapter: ClassVar[TypeAdapter[LabelSpec]]

    @field_validator("name")
    @classmethod
    def _name_rules(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("This field may not be blank.")
        if len(value) > NAME_MAX:
            raise ValueError(f"Ensure this field has no more than {NAME_MAX} characters.")
        return value

    @field_validator("description")
    @classmethod
    def _description_trimmed(cls, value: str | None) -> str | None:
        # The server stores it trimmed; sent so, a later update compares like with like.
        return None if value is None else value.strip()

    @field_validator("project")
    @classmethod
    def _project_uuid(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise ValueError(f"“{value}” is not a valid UUID.") from None

    @classmethod
    def parse(cls, data: dict[str, Any]) -> LabelSpec:
        """Validate a canonical dict (snake_case keys) into the subclass for its type."""
        return cls._adapter.validate_python(data)

    def payload(self) -> dict[str, Any]:
        """The JSON-ready POST body: every setting the server requires is present."""
        body: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "settings": self.settings.model_dump(mode="json"),
            "allow_notes": self.allow_notes,
        }
        if self.description is not None:
            body["description"] = self.description
        if self.project is not None:
            body["project"] = self.project
        return body

    def key(self) -> tuple[str, str, str | None]:
        """The server's uniqueness key: (case-folded name, type, project)."""
        return (self.name.strip().casefold(), self.type, self.project)


def _label_class(kind: LabelType, settings: type[LabelSettings]) -> type[LabelSpec]:
    """`TextLabel` for `TextSettings`: `type` narrowed to the type's word, and `settings`
    filled with the server's defaults when the model can make them all by itself."""
    needs_input = any(info.is_required() for info in settings.model_fields.values())
    word: Any = Literal[kind]
    return create_model(
        settings.__name__.removesuffix("Settings") + "Label",
        __base__=LabelSpec,
        __module__=__name__,
        type=(word, ...),
        settings=(settings, ... if needs_input else Field(default_factory=settings)),
    )


LABEL_CLASSES: dict[LabelType, type[LabelSpec]] = {
    kind: _label_class(kind, model) for kind, model in SETTINGS_MODELS.items()
}
# `TextLabel | CategoricalLabel | ...`, told apart by `type`.
_ANY_LABEL: Any = Annotated[
    functools.reduce(operator.or_, LABEL_CLASSES.values()), Field(discriminator="type")
]
LabelSpec._adapter = TypeAdapter(_ANY_LABEL)


def ui_cap_warnings(label: LabelSpec) -> list[tuple[str, str]]:
    """(settings key, message) for values the server accepts but the UI cannot show."""
    settings = label.settings
    if isinstance(settings, StarSettings) and settings.no_of_stars > UI_MAX_STARS:
        return [("no_of_stars", f"the Future AGI UI shows at most {UI_MAX_STARS} stars")]
    if isinstance(settings, NumericSettings) and settings.max > UI_MAX_NUMERIC:
        return [("max", f"the Future AGI UI caps a numeric maximum at {UI_MAX_NUMERIC}")]
    return []


def likely_mistakes(label: LabelSpec) -> list[tuple[str, str]]:
    """(field or settings key, message) for what the server accepts but is likely a slip:
    a control character in the name, a negative min_length, a setting the type does not
    document, an option key beside label and value. All are sent as written."""
    found = []
    if _CONTROL.search(label.name):
        found.append(("name", "the name holds a control character (a tab, line break or similar)"))
    settings = label.settings
    if isinstance(settings, TextSettings) and settings.min_length < 0:
        found.append(("min_length", "min_length is negative; the server accepts it as written"))
    found.extend(
        (key, f"{key} is not a setting of a {label.type} label; sent as written")
        for key in settings.model_extra or {}
    )
    if isinstance(settings, CategoricalSettings):
        found.extend(
            (
                "options",
                f"option {option.label!r} also has {', '.join(option.model_extra)}; "
                "sent as written",
            )
            for option in settings.options
            if option.model_extra
        )
    return found
