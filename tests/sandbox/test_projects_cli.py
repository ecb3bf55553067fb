"""`label-import sandbox --project`: the organisation's projects from the command line, and
the one start-up line saying which project ids the sandbox takes."""

from __future__ import annotations

import signal
import socket
import subprocess

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.cli.test_sandbox import LABELS, call, sandbox_process

PROJECT = "6f0b8f5e-4f7a-4d7e-9a55-0d8f2f1c9e11"
OTHER = "0e9d5c1a-2b3c-4d5e-8f70-112233445566"


def _stderr_after_stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)
    assert proc.stderr is not None
    return proc.stderr.read()


@pytest.mark.cli
def test_declared_projects_are_the_only_ones_taken() -> None:
    with sandbox_process("--project", PROJECT, "--project", PROJECT.upper()) as (proc, url):
        made = call(url, LABELS, {"name": "In", "type": "thumbs_up_down", "project": PROJECT})
        assert made[0] == 200
        refused = call(url, LABELS, {"name": "Out", "type": "thumbs_up_down", "project": OTHER})
        assert refused[0] == 400
        assert refused[1]["detail"] == f'project: Invalid pk "{OTHER}" - object does not exist.'
        stderr = _stderr_after_stop(proc)
    assert (
        f"sandbox projects: {PROJECT}, {PROJECT.upper()}; any other project id is refused" in stderr
    )


@pytest.mark.cli
def test_with_no_project_declared_every_project_is_taken_and_the_sandbox_says_so() -> None:
    with sandbox_process() as (proc, url):
        made = call(url, LABELS, {"name": "Any", "type": "thumbs_up_down", "project": OTHER})
        assert made[0] == 200
        stderr = _stderr_after_stop(proc)
    lines = [line for line in stderr.splitlines() if "project" in line]
    assert lines == ["sandbox accepts every project id (declare the organisation's with --project)"]


def test_a_project_that_is_not_a_uuid_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["sandbox", "--project", "nope"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "'nope' is not a project id (a UUID)" in result.stderr and "--project" in result.stderr


def test_a_bad_option_is_named_before_a_port_in_use() -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        result = CliRunner().invoke(app, ["sandbox", "--port", str(port), "--project", "nope"])
    assert result.exit_code == 2
    assert "'nope' is not a project id" in result.stderr and "in use" not in result.stderr
