"""`run` and `validate` of an https:// INPUT, as real processes against real loopback
servers: the download is read like a file, a failed one is one line and exit 2, and the
temporary file is gone afterwards, a signal's end included."""

from __future__ import annotations

import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest

from tests.cli.test_run import cli_env, our_sandbox
from tests.cli.test_signals import files_in, wait_until
from tests.conftest import SandboxFactory
from tests.file_server import FileServer, authority, file_server, hang
from tests.import_helpers import read_report
from tests.paths import SAMPLES

pytestmark = pytest.mark.cli

SIGNED = "?X-Amz-Signature=0123456789abcdef0123"


@pytest.fixture
async def files() -> AsyncIterator[FileServer]:
    async with file_server() as server:
        yield server


def label_import(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args]


async def run_cli(*args: str, cwd: Path, **env: str) -> tuple[int, str, str]:
    result = await anyio.run_process(
        label_import(*args), cwd=cwd, env=cli_env(TMPDIR=str(cwd / "tmp"), **env), check=False
    )
    return result.returncode, result.stdout.decode(), result.stderr.decode()


@pytest.fixture
def cwd(tmp_path: Path) -> Path:
    (tmp_path / "tmp").mkdir()
    return tmp_path


async def test_run_imports_an_https_sheet_trusted_through_ssl_cert_file(
    cwd: Path, sandbox_factory: SandboxFactory
) -> None:
    ca = authority(cwd)
    box = await our_sandbox(sandbox_factory)
    async with file_server(ca.server_tls) as server:
        body = (SAMPLES / "labels.csv").read_bytes()
        url = server.serve("/spreadsheets/d/1AbC/export", body, "text/csv") + "?format=csv"

        code, out, err = await run_cli(
            "run",
            url,
            "--base-url",
            box.url,
            "--rate",
            "0",
            "--no-progress",
            cwd=cwd,
            SSL_CERT_FILE=str(ca.ca_file),
        )

    assert (code, err) == (0, "")
    assert "created" in out and "report:" in out
    report = read_report(cwd / "export.report.csv")
    assert report and {row["status"] for row in report} == {"created"}
    assert files_in(cwd / "tmp") == set()


async def test_validate_reads_a_download_and_names_it_by_its_url(
    cwd: Path, files: FileServer
) -> None:
    url = files.serve("/team/labels.csv", (SAMPLES / "labels.csv").read_bytes(), "text/csv")

    code, out, err = await run_cli("validate", url + SIGNED, cwd=cwd)

    assert code == 0, err
    first = out.splitlines()[0]
    assert first.startswith(f"{files.url}/team/labels.csv?<redacted> (csv): 25 rows read, 25 valid")
    assert "0123456789abcdef" not in out + err
    assert files_in(cwd / "tmp") == set()


@pytest.mark.parametrize("command", ["run", "validate"])
async def test_a_failed_download_is_one_line_exit_2_and_no_secret(
    cwd: Path, files: FileServer, command: str
) -> None:
    url = files.status("/labels.csv", 403) + SIGNED
    extra = ["--sandbox"] if command == "run" else []

    code, out, err = await run_cli(command, url, *extra, cwd=cwd)

    assert (code, out) == (2, "")
    prefix = "label-import" if command == "run" else "label-import validate"
    assert err == (
        f"{prefix}: cannot download {files.url}/labels.csv?<redacted>: 127.0.0.1 answered "
        "403 Forbidden; the link is not public or has expired: publish the sheet to the "
        "web as CSV, or make a new pre-signed URL\n"
    )
    assert files_in(cwd / "tmp") == set()


async def test_plain_http_to_another_host_needs_insecure(cwd: Path) -> None:
    code, out, err = await run_cli("validate", "http://example.com/labels.csv", cwd=cwd)

    assert (code, out) == (2, "")
    assert "refusing plain http to example.com" in err and "--insecure" in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("command", ["run", "validate"])
async def test_a_signal_during_the_download_ends_it_and_leaves_no_file(
    cwd: Path, files: FileServer, command: str, signum: signal.Signals
) -> None:
    url = files.on("/labels.csv", hang)
    # Nothing listens there: the run is stopped before it would reach the API.
    extra = ["--base-url", "http://127.0.0.1:9"] if command == "run" else []
    argv = label_import(command, url, *extra)

    env = cli_env(TMPDIR=str(cwd / "tmp"))
    async with await anyio.open_process(argv, cwd=cwd, env=env) as process:
        await wait_until(lambda: bool(files.seen) and bool(files_in(cwd / "tmp")), process)
        process.send_signal(signum)
        with anyio.fail_after(30):
            code = await process.wait()
        assert process.stderr is not None
        err = b"".join([chunk async for chunk in process.stderr]).decode()

    assert code == 3
    assert err.splitlines()[-1].endswith("interrupted" if command == "validate" else "sent")
    assert "Traceback" not in err
    assert files_in(cwd / "tmp") == set()
