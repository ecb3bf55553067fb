"""After a migration, one line on stderr sums up what the conversion dropped, by kind, and
`--json` has the same counts; each label's own `lost` keeps the detail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.cli.losses import tell_losses
from pipeline.rows import Losses
from tests.cli.test_run import invoke
from tests.import_helpers import read_report
from tests.paths import MIGRATION_SAMPLES
from tests.read.migrate.test_realworld_fixes import REALWORLD

PHOENIX = MIGRATION_SAMPLES / "phoenix-annotation-configs.json"
# Two records of the sample have a score direction (MAXIMIZE, MINIMIZE), a third archived
# one too; a free-form record has a threshold, which a text label has no place for.
LINE = "Arize Phoenix annotation configs: {n} labels {verb} score direction; 1 {verb} score bounds"


def line(verb: str, directed: int = 2) -> str:
    return LINE.format(n=directed, verb=verb) + " on text labels"


def lost(directed: int) -> list[dict[str, object]]:
    return [
        {"what": "score direction", "labels": directed},
        {"what": "score bounds on text labels", "labels": 1},
    ]


def test_a_kind_counts_once_per_label_commonest_first() -> None:
    losses = Losses.tally("Tool", [("visibility", "scope", "visibility"), ("scope",), ()])
    assert losses.counts == (("scope", 2), ("visibility", 1))
    assert losses.to_dict() == {
        "source": "Tool",
        "lost": [{"what": "scope", "labels": 2}, {"what": "visibility", "labels": 1}],
    }


@pytest.mark.parametrize("archived", [False, True])
def test_a_run_says_what_the_export_lost_on_stderr_and_in_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, archived: bool
) -> None:
    monkeypatch.chdir(tmp_path)
    extra = ["--include-archived"] if archived else []
    result = invoke(str(PHOENIX), "--sandbox", "--json", "--rate", "0", *extra)
    assert result.exit_code == 0, result.stderr
    count = 3 if archived else 2
    assert f"label-import: {line('lost', count)}\n" in result.stderr
    assert json.loads(result.stdout)["losses"] == {
        "source": "Arize Phoenix annotation configs",
        "lost": lost(count),
    }
    report = read_report(tmp_path / "phoenix-annotation-configs.report.csv")
    # The line counts the labels the report's `lost` names it for; a skipped record is none.
    directed = [
        r for r in report if "optimization_direction" in r["lost"] and r["status"] != "skipped"
    ]
    assert len(directed) == count


def test_a_dry_run_and_validate_say_what_would_be_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    dry = invoke(str(PHOENIX), "--sandbox", "--dry-run", "--no-progress")
    assert f"label-import: {line('would lose')}\n" in dry.stderr
    checked = CliRunner().invoke(app, ["validate", str(PHOENIX), "--from", "phoenix", "--json"])
    assert checked.stderr == f"label-import validate: {line('would lose')}\n"
    assert json.loads(checked.stdout)["losses"]["lost"] == lost(2)


def test_a_spreadsheet_has_no_loss_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["validate", str(MIGRATION_SAMPLES.parent / "labels.csv")])
    assert result.stderr == ""
    as_json = CliRunner().invoke(
        app, ["validate", str(MIGRATION_SAMPLES.parent / "labels.csv"), "--json"]
    )
    assert json.loads(as_json.stdout)["losses"] is None


def test_the_line_is_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    tell_losses("p", Losses("Tool\x1b[31m", (("scope\u202e", 1),)), sent=True)
    assert capsys.readouterr().err == "p: Tool\\x1b[31m: 1 label lost scope\\u202e\n"


def test_a_real_label_studio_template_names_its_region_and_conditional_losses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The official chat RLHF template: 5 of its 7 controls are asked per region, when a
    region is selected; each becomes a whole-item label, and the line says so once."""
    monkeypatch.chdir(tmp_path)
    config = REALWORLD / "labelstudio" / "tpl-chat_rlhf.xml"
    result = invoke(str(config), "--sandbox", "--no-progress", "--rate", "0")
    assert result.exit_code == 0, result.stderr
    assert (
        "label-import: Label Studio labeling config: "
        "5 labels lost per-region scope; 5 lost conditional visibility"
    ) in result.stderr
    report = read_report(tmp_path / "tpl-chat_rlhf.report.csv")
    assert sum("perRegion" in r["lost"] for r in report) == 5
    assert sum("visibleWhen" in r["lost"] for r in report) == 5
