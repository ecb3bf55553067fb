"""A migration's failed rows, re-run with the very command the CLI prints, as a user would:
run an export with a bad record, fix the record in the failed-rows file, paste the command."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import anyio
import pytest

from tests.cli.test_run import cli_env, command, invoke, our_sandbox, run_cli
from tests.conftest import SandboxFactory
from tests.import_helpers import server_labels, write_labels_csv

PROMPT = "fix them, then run: "

# Each export holds one record whose lower bound is -1 (our numeric labels start at 0)
# beside one that imports as it is.
LANGFUSE = {
    "data": [
        {"id": "a", "name": "Shift", "dataType": "NUMERIC", "minValue": -1, "maxValue": 1},
        {"id": "b", "name": "Fine", "dataType": "BOOLEAN"},
    ]
}
LABEL_STUDIO = (
    "<View><Text name='t' value='$x'/>"
    "<Number name='Shift' toName='t' min='-1' max='1'/>"
    "<Rating name='Fine' toName='t' maxRating='4'/></View>"
)
ARGILLA = {
    "questions": [
        {
            "name": "Shift",
            "settings": {"type": "rating", "options": [{"value": v} for v in (-1, 0, 1)]},
        },
        {"name": "Fine", "settings": {"type": "text"}},
    ]
}
PHOENIX = {
    "data": [
        {"name": "Shift", "type": "CONTINUOUS", "lower_bound": -1, "upper_bound": 1},
        {"name": "Fine", "type": "FREEFORM", "optimization_direction": "NONE"},
    ]
}
CASES = [
    ("langfuse.json", json.dumps(LANGFUSE), ["--from", "langfuse"]),
    ("config.xml", LABEL_STUDIO, []),  # detected; its failed rows are JSON
    ("settings.json", json.dumps(ARGILLA), ["--from", "argilla", "--report", "out/first.json"]),
    ("phoenix.json", json.dumps(PHOENIX), ["--on-existing", "update"]),
]


def printed_command(stdout: str) -> list[str]:
    """The re-run command as the summary prints it, ready to run in this test's process."""
    (line,) = [line for line in stdout.splitlines() if line.startswith(PROMPT)]
    words = shlex.split(line.removeprefix(PROMPT))
    assert words[:2] == ["label-import", "run"], line
    return command(*words[2:])


def fix_lower_bound(failed: Path) -> None:
    (row,) = json.loads(failed.read_text(encoding="utf-8"))
    assert row["name"] == "Shift" and "-1 is negative" in row["error"]
    settings = json.loads(row["settings"])
    failed.write_text(
        json.dumps([{**row, "settings": json.dumps({**settings, "min": 0})}]), encoding="utf-8"
    )


@pytest.mark.cli
@pytest.mark.parametrize(("name", "export", "options"), CASES)
async def test_the_printed_command_imports_the_fixed_failed_rows(
    sandbox_factory: SandboxFactory, tmp_path: Path, name: str, export: str, options: list[str]
) -> None:
    sandbox = await our_sandbox(sandbox_factory)
    (tmp_path / name).write_text(export, encoding="utf-8")
    link = ["--base-url", sandbox.url, "--no-progress", "--rate", "0"]
    code, out, err = await run_cli(name, *options, *link, cwd=tmp_path)
    assert code == 1, err
    named = "--report" in options
    report = tmp_path / ("out/first.json" if named else f"{Path(name).stem}.report.csv")
    first = report.read_bytes()
    rerun = printed_command(out)
    assert "--from" not in rerun and rerun[rerun.index("--base-url") + 1] == sandbox.url
    fix_lower_bound(tmp_path / rerun[4])

    again = await anyio.run_process(rerun, cwd=tmp_path, env=cli_env(), check=False)

    assert again.returncode == 0, again.stderr
    assert PROMPT not in again.stdout.decode()
    assert {label["name"] for label in await server_labels(sandbox)} == {"Shift", "Fine"}
    # The re-run wrote its own report: the first run's record of what it created stands.
    assert report.read_bytes() == first
    if named:
        assert (tmp_path / "out" / "settings.failed.report.json").exists()


def test_the_json_summary_has_the_command_without_the_first_inputs_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_labels_csv(tmp_path / "labels.csv", 3, invalid_every=3)
    result = invoke(
        "labels.csv",
        "--report",
        "my out/r.json",
        "--concurrency",
        "3",
        "--rate",
        "0",
        "--resume",
        "--json",
        "--sandbox",
    )
    assert result.exit_code == 1, result.stderr
    assert json.loads(result.stdout)["rerun"] == (
        "label-import run 'my out/labels.failed.csv' --report 'my out/labels.failed.report.json' "
        "--concurrency 3 --rate 0 --json --sandbox"
    )


@pytest.mark.cli
async def test_a_stopped_run_prints_no_rerun_command(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    """Rows a stopped run did not send are in no failed-rows file: `--resume` sends them,
    so a command re-running only the failed rows would leave them out."""
    box = await our_sandbox(sandbox_factory, projects=("6f1c2b9e-0000-4000-8000-000000000001",))
    unknown = "6f1c2b9e-0000-4000-8000-000000000002"
    rows = "".join(f"label-{i},text,{unknown}\n" for i in range(4))
    (tmp_path / "labels.csv").write_text(f"name,type,project\n{rows}bad,nonsense,\n")
    args = ("labels.csv", "--base-url", box.url, "--max-failures", "1", "--concurrency", "1")
    code, out, err = await run_cli(*args, "--rate", "0", "--json", cwd=tmp_path)
    summary = json.loads(out)
    assert (code, summary["stopped"]) == (3, "max_failures"), err
    assert summary["failed_rows"] and summary["rerun"] is None
    code, out, _ = await run_cli(*args, "--rate", "0", "--no-progress", cwd=tmp_path)
    assert "rows to fix: " in out and PROMPT not in out
