"""`label-import sources` names every source the readers support, with where to get it."""

from __future__ import annotations

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.read.migrate import SOURCES


def test_sources_lists_each_source_once_with_where_to_get_it() -> None:
    result = CliRunner().invoke(app, ["sources"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(SOURCES)
    for line, source in zip(lines, SOURCES.values(), strict=True):
        assert source.where in line
