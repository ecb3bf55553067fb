"""`label-import sandbox` as a user runs it: a separate process, stopped by a signal; the
refusals to start run in this process."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from pipeline.cli import app

LABELS = "/model-hub/annotations-labels/"


@contextmanager
def sandbox_process(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "sandbox", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def call(
    url: str,
    path: str,
    body: dict[str, str] | None = None,
    key: str = "demo-key",
    secret: str = "demo-secret",
) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(
        url + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"X-Api-Key": key, "X-Secret-Key": secret, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@pytest.mark.cli
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_prints_url_first_serves_and_exits_0_on_signal(signum: signal.Signals) -> None:
    with sandbox_process() as (proc, url):
        assert url.startswith("http://127.0.0.1:")
        status, body = call(url, LABELS, {"name": "From CLI", "type": "thumbs_up_down"})
        assert status == 200 and body["status"] is True
        proc.send_signal(signum)
        assert proc.wait(timeout=10) == 0
        assert proc.stderr is not None
        assert "Traceback" not in proc.stderr.read()


@pytest.mark.cli
def test_db_file_keeps_labels_across_restarts(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    with sandbox_process("--db", str(db)) as (proc, url):
        assert call(url, LABELS, {"name": "Kept", "type": "thumbs_up_down"})[0] == 200
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    with sandbox_process("--db", str(db)) as (proc, url):
        status, body = call(url, LABELS)
        assert status == 200 and body["count"] == 1
        proc.send_signal(signal.SIGTERM)


@pytest.mark.cli
def test_organisations_from_the_command_line() -> None:
    with sandbox_process("--org", "k1:s1", "--org", "k2:s2") as (proc, url):
        assert call(url, LABELS, key="k1", secret="s1")[0] == 200
        assert call(url, LABELS, key="k2", secret="s2")[0] == 200
        assert call(url, LABELS)[0] == 401
        proc.send_signal(signal.SIGINT)


def refused(*args: str) -> Result:
    """`label-import sandbox ARGS` in this process, for the cases where it must not start."""
    result = CliRunner().invoke(app, ["sandbox", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr and result.stdout == ""
    return result


def test_non_loopback_host_is_refused_without_allow_remote() -> None:
    result = refused("--host", "0.0.0.0", "--port", "0")
    assert result.exit_code == 2
    assert "not loopback" in result.stderr and "--allow-remote" in result.stderr


def test_port_in_use_is_one_line_and_exit_2() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = refused("--port", str(busy.getsockname()[1]))
    assert result.exit_code == 2
    assert "in use" in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        ("--error-rate", "1.5"),
        ("--org", "no-colon"),
        ("--rate-limit", "-1"),
        ("--rate-limit-schedule", "10"),
        ("--rate-limit-schedule", "10:fast"),
        ("--rate-limit-schedule", "10:50,-1:5"),
    ],
)
def test_bad_dials_are_usage_errors(args: tuple[str, ...]) -> None:
    result = refused("--port", "0", *args)
    assert result.exit_code == 2


def test_unusable_store_files_are_one_line_errors(tmp_path: Path) -> None:
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("this is not SQLite\n" * 100)
    for db, words in (
        (not_a_db, "file is not a database"),
        (tmp_path / "no" / "x.db", "does not exist"),
    ):
        result = refused("--port", "0", "--db", str(db))
        assert result.exit_code == 2
        assert words in result.stderr


@pytest.mark.cli
def test_throttle_rate_and_retry_after_from_the_command_line() -> None:
    with sandbox_process("--throttle-rate", "1", "--retry-after", "3") as (proc, url):
        request = urllib.request.Request(
            url + LABELS, headers={"X-Api-Key": "demo-key", "X-Secret-Key": "demo-secret"}
        )
        with pytest.raises(urllib.error.HTTPError) as throttled:
            urllib.request.urlopen(request, timeout=10)
        assert throttled.value.code == 429
        assert throttled.value.headers["Retry-After"] == "3"
        proc.send_signal(signal.SIGTERM)


def test_throttle_rate_out_of_range_is_a_usage_error() -> None:
    assert refused("--port", "0", "--throttle-rate", "1.5").exit_code == 2


def test_an_organisation_key_given_twice_is_a_usage_error_that_keeps_the_secrets() -> None:
    result = refused("--port", "0", "--org", "k1:first-secret", "--org", "k1:second-secret")
    assert result.exit_code == 2
    assert "'k1' is given twice" in result.stderr and "--org" in result.stderr
    assert "first-secret" not in result.stderr and "second-secret" not in result.stderr
