"""A server echoing the request's headers (the keys) in its errors: no key byte reaches
any output, through the library and through the CLI process."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

import anyio
import pytest

from pipeline.importer import import_labels
from tests.hostile import ECHOES, Hostile
from tests.import_helpers import write_labels_csv

# Long and distinctive, with characters that percent-encoding and JSON escaping change.
KEY = "fiKEY/7Q2kZr9wXp+Lm4=Tn8Vb3Nc8Rt1W0qa"
SECRET = 'fiSECRET"Xv83LmPq/Zt5+Hy6=Jk2Ws9Ue4Ri'
FORMS = {
    form.encode()
    for secret in (KEY, SECRET)
    for form in (secret, quote(secret, safe=""), json.dumps(secret)[1:-1], secret[4:20])
}


def assert_no_key_bytes(outputs: Iterable[bytes]) -> None:
    for output in outputs:
        assert not [form for form in FORMS if form in output]


def outputs_beside(report: Path) -> list[bytes]:
    """The report, the failed-rows file and the journal: every file the run wrote."""
    written = sorted(report.parent.glob(f"{report.name.split('.')[0]}.*"))
    assert {p.name for p in written} >= {
        "labels.report.csv",
        "labels.failed.csv",
        "labels.report.journal.jsonl",
    }
    return [path.read_bytes() for path in written if path.name != "labels.csv"]


async def test_echoed_keys_reach_no_output_of_the_library(hostile: Hostile, tmp_path: Path) -> None:
    hostile.mode = "echo"
    source = tmp_path / "labels.csv"
    write_labels_csv(source, len(ECHOES) + 1)

    summary = await import_labels(
        source,
        base_url=hostile.url,
        api_key=KEY,
        secret_key=SECRET,
        report=tmp_path / "labels.report.csv",
        concurrency=1,
        rate=0,
        max_retries=0,
    )

    assert (summary.failed, summary.not_attempted, summary.stopped) == (5, 1, "fatal")
    assert "Who are you?" in summary.stop_message and "<redacted>" in summary.stop_message
    assert any("<redacted>" in error for error, _ in summary.top_errors)
    as_json = json.dumps(summary.to_dict(), ensure_ascii=False).encode()
    assert_no_key_bytes([as_json, repr(summary).encode(), *outputs_beside(source)])


def cli_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FI_")}
    return {**env, "FI_API_KEY": KEY, "FI_SECRET_KEY": SECRET}


@pytest.mark.cli
@pytest.mark.parametrize("shown", [["--json"], []], ids=["json", "table"])
async def test_echoed_keys_reach_no_output_of_the_cli(
    hostile: Hostile, tmp_path: Path, shown: list[str]
) -> None:
    hostile.mode = "echo"
    source = tmp_path / "labels.csv"
    write_labels_csv(source, len(ECHOES) + 1)
    command = [sys.executable, "-m", "pipeline", "run", str(source), "--base-url", hostile.url]
    options = ["--concurrency", "1", "--rate", "0", "--max-retries", "0", *shown]

    done = await anyio.run_process(command + options, cwd=tmp_path, env=cli_env(), check=False)

    assert done.returncode == 3
    assert b"<redacted>" in done.stdout + done.stderr
    assert b"Traceback" not in done.stderr
    assert_no_key_bytes([done.stdout, done.stderr, *outputs_beside(source)])
