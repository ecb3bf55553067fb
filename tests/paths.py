"""Where the tests find the repository's own files."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_data"
MIGRATION_SAMPLES = SAMPLES / "migrations"
BAD_INPUTS = REPO / "tests" / "data" / "bad"
