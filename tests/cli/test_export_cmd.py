"""`label-import export` as a user runs it: a real process for the output, the keys and
signals; usage errors in this process."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import anyio
import pytest

from pipeline.cli import app
from pipeline.sandbox import SandboxHandle
from tests.cli.test_run import KEY, SECRET, assert_one_line_and_no_traceback, cli_env, our_sandbox
from tests.conftest import SandboxFactory
from tests.import_helpers import run_import
from tests.paths import SAMPLES
from tests.test_export import files_in, table

# Runs `label-import export ARGS...` with every file it writes limited to LIMIT bytes: a
# full disk without root (RLIMIT_FSIZE with SIGXFSZ ignored makes writes fail with EFBIG).
LIMITED = (
    "import os, resource, signal, sys\n"
    "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
    "limit = int(sys.argv[1])\n"
    "resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))\n"
    "os.execv(sys.executable, [sys.executable, '-m', 'pipeline', 'export', *sys.argv[2:]])\n"
)


def command(*args: str, file_limit: int | None = None) -> list[str]:
    if file_limit is None:
        return [sys.executable, "-m", "pipeline", "export", *args]
    return [sys.executable, "-c", LIMITED, str(file_limit), *args]


async def export_cli(*args: str, cwd: Path, file_limit: int | None = None) -> tuple[int, str, str]:
    argv = command(*args, file_limit=file_limit)
    result = await anyio.run_process(argv, cwd=cwd, env=cli_env(), check=False)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


async def sample_sandbox(factory: SandboxFactory, tmp_path: Path, **dials: object) -> SandboxHandle:
    box = await our_sandbox(factory, **dials)
    await run_import(SAMPLES / "labels.csv", box, report=tmp_path / "sample.report.csv")
    return box


@pytest.mark.cli
async def test_export_writes_the_file_and_says_so_in_one_line(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await sample_sandbox(sandbox_factory, tmp_path)

    code, out, err = await export_cli("labels.xlsx", "--base-url", box.url, cwd=tmp_path)

    assert (code, err) == (0, "")
    assert out.startswith("exported 25 labels to labels.xlsx (1 request, ")
    assert len(table(tmp_path / "labels.xlsx")) == 25
    assert KEY not in out and SECRET not in out


@pytest.mark.cli
async def test_json_summary_and_filters_on_the_command_line(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await sample_sandbox(sandbox_factory, tmp_path)
    argv = ("stars.jsonl", "--base-url", box.url, "--type", "star", "--search", "ness", "--json")

    code, out, err = await export_cli(*argv, cwd=tmp_path)

    summary = json.loads(out)
    assert (code, err, summary["stopped"], summary["path"]) == (0, "", None, "stars.jsonl")
    rows = table(tmp_path / "stars.jsonl")
    assert summary["labels"] == len(rows) > 0
    assert {row["type"] for row in rows} == {"star"}
    assert all("ness" in row["name"].lower() for row in rows)


@pytest.mark.cli
async def test_wrong_keys_exit_3_with_one_line_and_the_old_file_kept(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await sandbox_factory()  # knows only the demo keys, not ours
    (tmp_path / "backup.csv").write_text("old\n", encoding="utf-8")

    code, out, err = await export_cli("backup.csv", "--base-url", box.url, cwd=tmp_path)

    assert (code, out) == (3, "")
    assert err.startswith("label-import export: stopped: could not list existing labels")
    assert err.endswith("backup.csv is as it was\n") and len(err.splitlines()) == 1
    assert KEY not in err and SECRET not in err
    assert (tmp_path / "backup.csv").read_text(encoding="utf-8") == "old\n"


@pytest.mark.cli
async def test_a_signal_ends_the_export_with_exit_3_and_no_file(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await our_sandbox(sandbox_factory, latency_ms=5000)
    argv = command("labels.csv", "--base-url", box.url)

    async with await anyio.open_process(argv, cwd=tmp_path, env=cli_env()) as process:
        with anyio.fail_after(10):
            while (await box.stats())["requests"] < 1:  # noqa: ASYNC110  (the list in flight)
                await anyio.sleep(0.01)
        process.send_signal(signal.SIGINT)
        with anyio.fail_after(10):
            code = await process.wait()
        assert process.stderr is not None
        err = (await process.stderr.receive()).decode()

    assert code == 3
    assert err == "label-import export: interrupted; labels.csv is as it was\n"
    assert files_in(tmp_path) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["labels.ods"], "labels.ods: export to a .csv, .xlsx, .json, .jsonl file, not .ods"),
        (["labels.csv", "--type", "stras"], "--type 'stras': use one of text, categorical"),
        (["labels.csv", "--project", "p1"], "--project 'p1': give the project's UUID"),
        (["missing/labels.csv"], "missing/labels.csv: the folder missing does not exist"),
        (["."], ".: is a folder; name the file to write"),
        (["labels.csv", "--base-url", "ftp://x"], "base URL"),
    ],
)
def test_usage_errors_exit_2_with_one_line_before_any_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    from typer.testing import CliRunner

    monkeypatch.chdir(tmp_path)
    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("FI_")}
    env = {**unset, "FI_API_KEY": KEY, "FI_SECRET_KEY": SECRET}

    result = CliRunner().invoke(app, ["export", *args], env=env)

    assert result.exit_code == 2, result.stderr
    assert_one_line_and_no_traceback(result)
    assert message in result.stderr
    assert files_in(tmp_path) == []


@pytest.mark.cli
@pytest.mark.parametrize("name", ["backup.csv", "backup.xlsx", "backup.json"])
async def test_a_full_disk_exits_3_with_one_line_and_the_old_file_kept(
    sandbox_factory: SandboxFactory, tmp_path: Path, name: str
) -> None:
    box = await sample_sandbox(sandbox_factory, tmp_path)
    (tmp_path / name).write_text("old\n", encoding="utf-8")

    argv = (name, "--base-url", box.url)
    code, out, err = await export_cli(*argv, cwd=tmp_path, file_limit=2048)

    assert (code, out) == (3, "")
    why = f"cannot write {name} (File too large)"
    assert err == f"label-import export: stopped: {why}; {name} is as it was\n"
    assert (tmp_path / name).read_text(encoding="utf-8") == "old\n"
    assert files_in(tmp_path) == [name, "sample.report.csv", "sample.report.journal.jsonl"]


def test_an_out_that_is_a_symlink_is_refused_and_left_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    monkeypatch.chdir(tmp_path)
    kept = tmp_path / "kept.csv"
    kept.write_text("precious\n", encoding="utf-8")
    (tmp_path / "backup.csv").symlink_to(kept)
    env = {"FI_API_KEY": KEY, "FI_SECRET_KEY": SECRET, "FI_BASE_URL": "http://127.0.0.1:9"}

    result = CliRunner().invoke(app, ["export", "backup.csv"], env=env)

    assert result.exit_code == 2, result.stderr
    assert_one_line_and_no_traceback(result)
    assert "backup.csv: is a symlink; remove it or name another file" in result.stderr
    assert (tmp_path / "backup.csv").is_symlink()
    assert kept.read_text(encoding="utf-8") == "precious\n"
