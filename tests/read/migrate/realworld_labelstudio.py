"""What each real Label Studio config in ../shared/realworld/labelstudio must become."""

from __future__ import annotations

from tests.read.migrate.realworld import Expectation, Refused, Row

# Refused and Row are what the table is written in.
__all__ = ["EXPECTED", "Refused", "Row"]

EXPECTED: dict[str, Expectation] = {}
