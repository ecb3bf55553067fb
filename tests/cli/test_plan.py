"""`label-import plan` (and `run --dry-run`, the same thing) as a user runs them: the
summary table of planned statuses, the plan file, `--json`, and the exit codes; and
`run`'s exit code when a label exists with other settings, for each `--on-existing`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.sandbox import SandboxHandle
from tests.cli.test_run import cli_env
from tests.import_helpers import read_report, write_labels_csv
from tests.test_dry_run import BROKEN, EDITED, ON_THE_SERVER, STARS, write_rows


async def cli(*args: str, box: SandboxHandle, cwd: Path) -> tuple[int, str, str]:
    """`label-import ARGS` as its own process, pointed at `box` with its keys."""
    env = cli_env(FI_API_KEY=box.api_key, FI_SECRET_KEY=box.secret_key)
    argv = [sys.executable, "-m", "pipeline", *args, "--base-url", box.url]
    result = await anyio.run_process(argv, cwd=cwd, env=env, check=False)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


def without_timing(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in summary.items() if k not in ("elapsed_s", "sending_s")}


@pytest.mark.cli
async def test_plan_then_run_with_a_label_that_exists_with_other_settings(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    write_rows(tmp_path / "first.csv", ON_THE_SERVER)
    write_rows(tmp_path / "labels.csv", EDITED)
    assert (await cli("run", "first.csv", "--no-progress", box=sandbox, cwd=tmp_path))[0] == 0

    code, table, err = await cli("plan", "labels.csv", box=sandbox, cwd=tmp_path)
    assert (code, err) == (1, "")
    assert "label-import plan" in table
    for status, rows in (("create", 1), ("unchanged", 1), ("existing_differs", 2)):
        assert f"│ {status:<16} │    {rows} │" in table
    assert "2 rows: label exists with other settings; give --on-existing update or skip" in table
    assert "plan: " in table and "report:" not in table

    code, out, _ = await cli(
        "plan", "labels.csv", "--on-existing", "update", "--json", box=sandbox, cwd=tmp_path
    )
    planned = json.loads(out)
    assert (code, planned["update"], planned["unchanged"], planned["create"]) == (0, 2, 1, 1)
    assert [row["status"] for row in planned["plan"]] == ["unchanged", "update", "update", "create"]
    assert planned["plan"][1]["error"] == f"would change {STARS}"
    args = ("run", "labels.csv", "--dry-run", "--on-existing", "update", "--json")
    dry = json.loads((await cli(*args, box=sandbox, cwd=tmp_path))[1])
    assert without_timing(dry) == without_timing(planned)
    assert [r["status"] for r in read_report(tmp_path / "labels.plan.csv")] == [
        r["status"] for r in planned["plan"]
    ]
    assert not (tmp_path / "labels.report.csv").exists()

    code, table, _ = await cli("run", "labels.csv", "--no-progress", box=sandbox, cwd=tmp_path)
    assert code == 1 and "existing_differs" in table
    code, _, _ = await cli(
        "run", "labels.csv", "--on-existing", "skip", "--no-progress", box=sandbox, cwd=tmp_path
    )
    assert code == 0
    kept = {r["name"]: r for r in read_report(tmp_path / "labels.report.csv")}
    assert kept["Stars"]["status"] == "existing" and STARS in kept["Stars"]["error"]


def test_a_plan_with_an_invalid_row_exits_1_and_writes_only_its_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_rows(tmp_path / "labels.csv", [*EDITED, BROKEN])

    result = CliRunner().invoke(app, ["plan", "labels.csv", "--sandbox", "--json"])

    summary = json.loads(result.stdout)
    assert result.exit_code == 1
    assert (summary["create"], summary["invalid"], summary["total"]) == (4, 1, 5)
    assert summary["report"] == str(tmp_path / "labels.plan.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labels.csv", "labels.plan.csv"]
    assert [r["status"] for r in read_report(tmp_path / "labels.plan.csv")] == [
        *["create"] * 4,
        "invalid",
    ]


def test_a_plan_that_only_creates_exits_0_and_shows_the_plan_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_labels_csv(tmp_path / "labels.csv", 3)

    result = CliRunner().invoke(app, ["plan", "labels.csv", "--sandbox"])

    assert result.exit_code == 0, result.output
    assert "label-import plan" in result.stdout
    assert "│ create  │    3 │" in result.stdout and "│ invalid │    0 │" in result.stdout
    assert "created" not in result.stdout


def test_plan_takes_runs_options_but_not_those_of_the_sending_alone() -> None:
    result = CliRunner().invoke(app, ["plan", "--help"])

    assert result.exit_code == 0
    for option in ("--on-existing", "--resume", "--from", "--report", "--json", "--sandbox"):
        assert option in result.stdout
    for option in ("--max-failures", "--no-progress", "--dry-run"):
        assert option not in result.stdout
