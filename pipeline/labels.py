"""The domain: a label definition the server will accept, one settings model per type.

Every rule the server enforces is checked here, with the server's own wording, so a row
that passes will not be rejected later. Settings the server requires but the documentation
omits are filled with the defaults the platform's UI uses (see api-contract.md).

A label type is its word in `LabelType`, its settings model and that model's entry in
`SETTINGS_MODELS`; the label classes, the union `LabelSpec.parse` picks from and the
per-type settings tables are all built from that registry.
"""

from __future__ import annotations

import functools
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
    ValidationInfo,
    create_model,
    field_validator,
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


class LabelSettings(BaseModel):
    """The settings of one label type. Unknown keys are errors: a typo such as
    `max_lenght` must not vanish silently."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class TextSettings(LabelSettings):
    placeholder: str = ""
    min_length: int = 0
    # Validated when left out too: min_length alone may already reach the default.
    max_length: int = Field(500, validate_default=True)

    @field_validator("min_length")
    @classmethod
    def _min_not_negative(cls, value: int) -> int:
        if value < 0:
            raise ValueError("min_length cannot be negative")
        return value

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


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    value: str = ""

    @field_validator("label")
    @classmethod
    def _label_present(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("Each option must have a non-empty label")
        return value

    def model_post_init(self, context: Any, /) -> None:
        # The documented `value` is optional for us; derive it so the UI shows something.
        if not self.value:
            object.__setattr__(self, "value", slug(self.label))


class CategoricalSettings(LabelSettings):
    options: list[Option]
    multi_choice: bool = False
    rule_prompt: str = ""
    auto_annotate: bool = False
    strategy: Literal["Rag"] | None = None

    @field_validator("options")
    @classmethod
    def _options_usable(cls, value: list[Option]) -> list[Option]:
        if len(value) < 2:
            raise ValueError("There must be at least two options")
        seen = {option.label.casefold() for option in value}
        if len(seen) != len(value):
            raise ValueError("Categorical option labels must be unique")
        return value


class StarSettings(LabelSettings):
    no_of_stars: int = 5

    @field_validator("no_of_stars")
    @classmethod
    def _at_least_one(cls, value: int) -> int:
        if value < 1:
            raise ValueError("no_of_stars must be at least 1")
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
        if _CONTROL.search(value):
            raise ValueError("Name must not contain control characters.")
        return value

    @field_validator("project")
    @classmethod
    def _project_uuid(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return str(uuid.UUID(value.strip()))
        except ValueError:
            raise ValueError("Must be a valid UUID.") from None

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
