"""`label-import --help`: the commands in the order of the work, whatever registers first."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from pipeline.cli import app


def test_help_lists_every_command_in_the_order_of_the_work() -> None:
    result = CliRunner().invoke(app, ["--help"])

    listed = re.findall(r"^  ([a-z]+)\s{2,}", result.stdout.split("Commands:")[1], re.M)
    assert listed == ["validate", "plan", "run", "export", "template", "sources", "sandbox"]
