"""Every real export in ../shared/realworld, run through the sandbox and read back.

A file with no expectation table fails, so a file added to the corpus is looked at
rather than passed by default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import InputError
from pipeline.sandbox import SandboxHandle
from tests.import_helpers import run_import, server_labels
from tests.read.migrate import realworld_json, realworld_labelstudio
from tests.read.migrate.realworld import REALWORLD, Expectation, Refused

EXPECTED: dict[str, Expectation] = {
    **realworld_labelstudio.EXPECTED,
    **realworld_json.EXPECTED,
}
FILES = sorted(
    path.relative_to(REALWORLD).as_posix()
    for path in REALWORLD.rglob("*")
    if path.is_file() and path.name != "SOURCES.md"
)


def test_the_corpus_is_there() -> None:
    assert len(FILES) >= 85, f"expected the real exports in {REALWORLD}"


@pytest.mark.parametrize("relative", FILES)
async def test_a_real_export_maps_as_expected(
    relative: str, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    assert relative in EXPECTED, f"no expectation table for {relative}"
    expected = EXPECTED[relative]
    if isinstance(expected, Refused):
        with pytest.raises(InputError, match=expected.message):
            await run_import(REALWORLD / relative, sandbox, report=tmp_path / "report.csv")
        return
    summary = await run_import(REALWORLD / relative, sandbox, report=tmp_path / "report.csv")
    stored = {label["id"]: label for label in await server_labels(sandbox)}

    assert len(summary.rows) == len(expected), [(o.name, o.status) for o in summary.rows]
    for outcome, want in zip(summary.rows, expected, strict=True):
        where = f"{relative} row {outcome.row} ({outcome.name})"
        assert (outcome.name, outcome.type, outcome.status) == (
            want.name,
            want.type,
            want.status,
        ), f"{where}: {outcome.error}"
        _check_lost(where, outcome.lost, want.lost)
        assert want.error.casefold() in outcome.error.casefold(), f"{where}: {outcome.error}"
        if want.settings:
            label: dict[str, Any] = stored[outcome.label_id or ""]
            got = {key: label["settings"].get(key) for key in want.settings}
            assert got == dict(want.settings), where


def _check_lost(where: str, lost: str, words: tuple[str, ...]) -> None:
    if not words:
        assert lost == "", f"{where}: unexpected lost note {lost!r}"
    for word in words:
        assert word.casefold() in lost.casefold(), f"{where}: {word!r} not in {lost!r}"
