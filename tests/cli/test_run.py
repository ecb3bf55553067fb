"""`label-import run` as a user runs it: real files, and a real process where it matters
(signals, a kill, the keys in everything it prints); usage errors run in this process."""

from __future__ import annotations

import json
import os
import signal
import sys
from collections import Counter
from pathlib import Path

import anyio
import pytest
from anyio.abc import Process
from typer.testing import CliRunner, Result

from pipeline.cli import app
from pipeline.report.journal import read_journal
from pipeline.rows import INTENT_DONE
from pipeline.sandbox import Organisation, SandboxHandle
from tests.conftest import SandboxFactory
from tests.import_helpers import proxy, read_report, server_labels, write_labels_csv
from tests.paths import SAMPLES

SAMPLE = SAMPLES / "labels.csv"
KEY = "fi-key-7Q2kZr9w"
SECRET = "fi-secret-Xv83LmPq"


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FI_")}
    env.update({"FI_API_KEY": KEY, "FI_SECRET_KEY": SECRET, **extra})
    return env


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", "run", *args]


async def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = await anyio.run_process(command(*args), cwd=cwd, env=env or cli_env(), check=False)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


def invoke(*args: str, **env: str) -> Result:
    """`label-import run ARGS` in this process, with our keys and no other FI_ variable."""
    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("FI_")}
    keys = {"FI_API_KEY": KEY, "FI_SECRET_KEY": SECRET, **env}
    return CliRunner().invoke(app, ["run", *args], env={**unset, **keys})


def assert_one_line_and_no_traceback(result: Result) -> None:
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr


async def our_sandbox(factory: SandboxFactory, **dials: object) -> SandboxHandle:
    return await factory(orgs=(Organisation(KEY, SECRET),), **dials)


@pytest.mark.cli
async def test_the_readme_command_imports_the_sample_into_the_sandbox(tmp_path: Path) -> None:
    code, out, err = await run_cli(str(SAMPLE), "--sandbox", "--rate", "0", cwd=tmp_path)

    assert (code, err) == (0, "")
    assert "created" in out and "report:" in out
    report = read_report(tmp_path / "labels.report.csv")
    assert report and {r["status"] for r in report} == {"created"}


def test_json_summary_has_the_promised_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 6, invalid_every=3)

    result = invoke(str(source), "--sandbox", "--json", "--rate", "0")

    summary = json.loads(result.stdout)
    assert result.exit_code == 1
    assert {k: summary[k] for k in ("total", "created", "invalid", "failed")} == {
        "total": 6,
        "created": 4,
        "invalid": 2,
        "failed": 0,
    }
    for key in (
        "existing",
        "updated",
        "not_attempted",
        "requests",
        "retries",
        "elapsed_s",
        "report",
        "failed_rows",
    ):
        assert key in summary
    assert Path(summary["failed_rows"]).name == "labels.failed.csv"


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["missing.csv", "--sandbox"], None, "no such file"),
        (["{src}"], {"FI_API_KEY": ""}, "FI_API_KEY"),
        (["{src}", "--base-url", "http://api.example.com"], None, "--insecure"),
        (["{src}", "--sandbox", "--max-failures", "lots"], None, "--max-failures"),
        (["{src}", "--sandbox", "--report", "r.pdf"], None, "--report"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str] | None,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 2)
    argv = [a.replace("{src}", str(source)) for a in args]

    result = invoke(*argv, **(env or {}))

    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.startswith("label-import: ")
    assert_one_line_and_no_traceback(result)


@pytest.mark.parametrize("rate", ["fast", "-2", "nan"])
def test_a_rate_that_is_not_auto_or_a_number_is_a_usage_error(tmp_path: Path, rate: str) -> None:
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 2)
    result = invoke(str(source), "--sandbox", "--rate", rate)
    assert result.exit_code == 2
    assert "--rate" in result.stderr and "give auto" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_command_that_sends_shares_its_librarys_pace_defaults() -> None:
    import inspect

    from pipeline.cli.export_cmd import export
    from pipeline.cli.plan_cmd import plan
    from pipeline.cli.run_cmd import run
    from pipeline.exporter import export_labels
    from pipeline.importer import import_labels

    for command, library in ((run, import_labels), (plan, import_labels), (export, export_labels)):
        command_defaults = inspect.signature(command).parameters
        library_defaults = inspect.signature(library).parameters
        assert command_defaults["rate"].default == library_defaults["rate"].default == "auto"
        assert command_defaults["concurrency"].default == library_defaults["concurrency"].default


@pytest.mark.parametrize(
    ("dotenv", "says"),
    [
        (f'FI_API_KEY="{KEY}\r"\nFI_SECRET_KEY={SECRET}\n', "FI_API_KEY holds a control character"),
        (f'FI_API_KEY={KEY}\nFI_SECRET_KEY="{SECRET}\\nx"\n', "FI_SECRET_KEY holds a control"),
        (
            f"FI_API_KEY={KEY}\nFI_SECRET_KEY={SECRET}\N{SNOWMAN}\n",
            "FI_SECRET_KEY holds a non-ASCII",
        ),
    ],
)
def test_a_key_a_header_cannot_carry_is_a_usage_error_naming_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dotenv: str, says: str
) -> None:
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 2)
    (tmp_path / ".env").write_text(dotenv, encoding="utf-8", newline="")
    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("FI_")}

    result = CliRunner().invoke(
        app, ["run", str(source), "--base-url", "http://127.0.0.1:9"], env=unset
    )

    assert result.exit_code == 2
    assert says in result.stderr and result.stderr.startswith("label-import: ")
    assert KEY[3:] not in result.stderr and SECRET[3:] not in result.stderr
    assert_one_line_and_no_traceback(result)


def test_an_unwritable_report_folder_is_refused_up_front_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 2)
    (tmp_path / "blocker").write_text("a file where a folder should be")

    result = invoke(str(source), "--sandbox", "--report", "blocker/out.csv")

    assert result.exit_code == 2
    assert "cannot create" in result.stderr and "blocker" in result.stderr
    assert_one_line_and_no_traceback(result)


@pytest.mark.cli
async def test_keys_are_read_from_a_dotenv_file(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await our_sandbox(sandbox_factory)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 3)
    (tmp_path / ".env").write_text(f"FI_API_KEY={KEY}\nFI_SECRET_KEY={SECRET}\n")
    env = {k: v for k, v in cli_env().items() if not k.startswith("FI_")}

    code, out, _ = await run_cli(
        str(source), "--base-url", box.url, "--json", cwd=tmp_path, env=env
    )

    assert (code, json.loads(out)["created"]) == (0, 3)


@pytest.mark.cli
async def test_bad_credentials_exit_3_before_sending_any_row(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await sandbox_factory()  # the demo organisation: our keys are wrong here
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 5)

    code, out, _ = await run_cli(str(source), "--base-url", box.url, "--json", cwd=tmp_path)

    summary = json.loads(out)
    assert (code, summary["stopped"], summary["not_attempted"]) == (3, "fatal", 5)
    assert "Invalid API key" in summary["stop_message"]
    assert (await box.stats())["requests"] == 1


def _finished_rows(path: Path) -> int:
    """Rows the journal says are finished: its outcome lines, not the intents written as
    each request goes out."""
    if not path.exists():
        return 0
    return sum(entry.status not in INTENT_DONE for entry in read_journal(path).values())


def _written_files(directory: Path) -> list[bytes]:
    """Everything the runs wrote: every file but the input."""
    return [p.read_bytes() for p in directory.rglob("*") if p.is_file() and p.name != "labels.csv"]


async def wait_for_finished_rows(path: Path, count: int, process: Process) -> None:
    with anyio.fail_after(20):
        while _finished_rows(path) < count:
            assert process.returncode is None, "the run ended before the test could signal it"
            await anyio.sleep(0.01)


@pytest.mark.cli
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
async def test_a_signal_finishes_in_flight_requests_and_writes_the_report(
    sandbox_factory: SandboxFactory, tmp_path: Path, signum: signal.Signals
) -> None:
    box = await our_sandbox(sandbox_factory, latency_ms=40)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 300)
    argv = command(
        str(source),
        "--base-url",
        box.url,
        "--concurrency",
        "4",
        "--rate",
        "0",
        "--json",
        "--no-progress",
    )

    async with await anyio.open_process(argv, cwd=tmp_path, env=cli_env()) as process:
        await wait_for_finished_rows(tmp_path / "labels.report.journal.jsonl", 10, process)
        process.send_signal(signum)
        with anyio.fail_after(10):
            code = await process.wait()
        assert process.stdout is not None
        out = (await process.stdout.receive()).decode()

    assert code == 3 and json.loads(out)["stopped"] == "interrupted"
    report = read_report(tmp_path / "labels.report.csv")
    statuses = Counter(r["status"] for r in report)
    assert len(report) == 300 and statuses["not_attempted"] > 200
    # Requests in flight finished and were recorded: the server has exactly those labels.
    assert statuses["created"] == len(await server_labels(box))


@pytest.mark.cli
async def test_a_second_sigint_stops_at_once_with_the_journal_intact(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    latency = 3.0  # every request takes this long: a graceful stop would wait for it
    box = await our_sandbox(sandbox_factory, latency_ms=latency * 1000)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 50)
    argv = command(
        str(source), "--base-url", box.url, "--concurrency", "4", "--rate", "0", "--no-progress"
    )

    async with await anyio.open_process(argv, cwd=tmp_path, env=cli_env()) as process:
        with anyio.fail_after(10):
            while (await box.stats())["requests"] < 3:  # noqa: ASYNC110  (POSTs in flight)
                await anyio.sleep(0.01)
        process.send_signal(signal.SIGINT)
        await anyio.sleep(0.1)
        process.send_signal(signal.SIGINT)
        started = anyio.current_time()
        code = await process.wait()
        waited = anyio.current_time() - started

    assert code == 3 and waited < latency / 2
    journal = tmp_path / "labels.report.journal.jsonl"
    # Nothing finished, nothing torn: an intent line for each request that went out.
    entries = [json.loads(line) for line in journal.read_text().splitlines()]
    assert entries and {entry["status"] for entry in entries} == {"creating"}
    report = read_report(tmp_path / "labels.report.csv")
    assert len(report) == 50 and {r["status"] for r in report} == {"not_attempted"}


@pytest.mark.cli
@pytest.mark.parametrize("kill_after_rows", [0, 25, 170])
async def test_sigkill_then_resume_creates_each_label_exactly_once(
    sandbox_factory: SandboxFactory, tmp_path: Path, kill_after_rows: int
) -> None:
    box = await our_sandbox(sandbox_factory, latency_ms=5, ambiguous_rate=0.05, seed=2)
    source = tmp_path / "labels.csv"
    valid = write_labels_csv(source, 200, invalid_every=25)
    common = ("--base-url", box.url, "--concurrency", "8", "--rate", "0", "--no-progress")
    journal = tmp_path / "labels.report.journal.jsonl"

    async with await anyio.open_process(
        command(str(source), *common), cwd=tmp_path, env=cli_env()
    ) as process:
        if kill_after_rows:
            await wait_for_finished_rows(journal, kill_after_rows, process)
        process.kill()
        await process.wait()

    code, out, _ = await run_cli(str(source), *common, "--resume", "--json", cwd=tmp_path)

    summary = json.loads(out)
    assert code == 1  # the invalid rows; nothing failed
    assert (summary["failed"], summary["not_attempted"], summary["invalid"]) == (0, 0, 8)
    # Every label is this import's, also those whose answer the kill cut off.
    assert (summary["created"], summary["existing"]) == (valid, 0)
    names = Counter(label["name"] for label in await server_labels(box))
    assert len(names) == valid and max(names.values()) == 1
    assert len(read_report(tmp_path / "labels.report.csv")) == 200


@pytest.mark.cli
async def test_labels_whose_answers_a_kill_cut_off_are_created_not_existing_on_resume(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await our_sandbox(sandbox_factory)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 30)
    journal = tmp_path / "labels.report.journal.jsonl"
    in_flight = 4

    async with proxy(box.url, hold_post_answers=True) as gateway:
        common = ("--concurrency", str(in_flight), "--rate", "0", "--no-progress")
        argv = command(str(source), "--base-url", gateway.url, *common)
        async with await anyio.open_process(argv, cwd=tmp_path, env=cli_env()) as process:
            with anyio.fail_after(20):
                while (await box.stats())["created"] < in_flight:  # noqa: ASYNC110
                    await anyio.sleep(0.01)
            process.kill()
            await process.wait()
    # The server made those labels; no answer came back, so the journal has no outcome.
    assert len(await server_labels(box)) == in_flight and _finished_rows(journal) == 0

    code, out, _ = await run_cli(
        str(source), "--base-url", box.url, *common, "--resume", "--json", cwd=tmp_path
    )

    summary = json.loads(out)
    assert (code, summary["created"], summary["existing"]) == (0, 30, 0)
    ids = {label["name"]: label["id"] for label in await server_labels(box)}
    assert len(ids) == 30
    report = read_report(tmp_path / "labels.report.csv")
    cut_off = [r for r in report if "interrupted" in r["error"]]
    assert len(cut_off) == in_flight
    assert all(r["status"] == "created" and r["label_id"] == ids[r["name"]] for r in cut_off)
    # The journal's last word on every row is now its outcome: a third run sends nothing.
    assert _finished_rows(journal) == 30


@pytest.mark.cli
async def test_no_file_or_output_ever_contains_the_keys(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await our_sandbox(sandbox_factory, error_rate=0.2, drop_rate=0.05, seed=4)
    source = tmp_path / "labels.csv"
    write_labels_csv(source, 60, invalid_every=7)
    outputs = []
    for extra in (["--report", "r1.xlsx"], ["--report", "r2.json", "--json"], ["--dry-run"]):
        code, out, err = await run_cli(
            str(source),
            "--base-url",
            box.url,
            "--rate",
            "0",
            "--max-retries",
            "1",
            *extra,
            cwd=tmp_path,
        )
        assert code in (0, 1)
        outputs += [out, err]
    # And a run with a wrong secret, whose error path talks about the keys.
    code, out, err = await run_cli(
        str(source), "--base-url", box.url, cwd=tmp_path, env=cli_env(FI_SECRET_KEY="wrong-x")
    )
    assert code == 3
    outputs += [out, err]

    written = _written_files(tmp_path)
    assert len(written) >= 6
    for blob in written + [o.encode() for o in outputs]:
        assert KEY.encode() not in blob and SECRET.encode() not in blob
