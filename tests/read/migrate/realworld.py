"""The expectation table format for the real exports in ../shared/realworld.

Each file gets one `Row` per record, in the order the export holds them (Label Studio:
its controls in XML order). The corpus is read from ../shared at test time and never
copied into the project; `test_realworld.py` runs every file through the sandbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.paths import REPO

REALWORLD = REPO.parent / "shared" / "realworld"


@dataclass(frozen=True)
class Row:
    """What one record of an export must become.

    `status` is the run's (created, skipped, invalid, ...). `settings` holds the keys that
    matter and the values the stored label must have for them. `lost` holds words that
    must each appear in the row's `lost` note (case-insensitive); when empty, `lost` must
    be empty too, so a silent drop and an invented loss both fail. `error` is a phrase the
    row's error must contain (for skipped and invalid rows).
    """

    name: str
    type: str
    status: str = "created"
    settings: Mapping[str, Any] = field(default_factory=dict)
    lost: tuple[str, ...] = ()
    error: str = ""


@dataclass(frozen=True)
class Refused:
    """A file refused as a whole (exit 2): `message` is a phrase its one line must contain."""

    message: str


Expectation = tuple[Row, ...] | Refused
