"""Every command ends on an error the same way: one line with its own prefix, one exit code
per kind of error, the file name exactly as given, never a traceback."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import pipeline.importer
import pipeline.sandbox.server
import pipeline.validate
import pipeline.validate.template
from pipeline.cli import app
from pipeline.cli.failures import explain
from pipeline.errors import InputError, InsecureURLError, UsageError
from tests.paths import SAMPLES


@pytest.mark.parametrize("error", [InputError("a.csv: no such file"), UsageError("--rate -1")])
def test_our_errors_exit_2_with_their_own_words(error: Exception) -> None:
    assert explain(error) == (str(error), 2)


def test_an_os_error_while_writing_exits_3_naming_the_file() -> None:
    full = OSError(errno.ENOSPC, "No space left on device", "/out/labels.report.csv")
    assert explain(full) == ("No space left on device: /out/labels.report.csv", 3)


def test_a_bug_exits_3_and_asks_to_be_reported() -> None:
    bug = KeyError("settings")
    assert explain(bug) == ("unexpected error (KeyError: 'settings'); please report it", 3)


def test_the_error_inside_a_task_group_is_the_one_explained() -> None:
    group = ExceptionGroup("run", [ExceptionGroup("pool", [InsecureURLError("plain http")])])
    assert explain(group) == ("plain http", 2)


def test_a_multi_line_message_still_makes_one_line() -> None:
    message, _ = explain(ValueError("first\nsecond"))
    assert message == "unexpected error (ValueError: first second); please report it"


def _bug(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("a bug")


async def _async_bug(*args: Any, **kwargs: Any) -> Any:
    _bug()


SAMPLE = str(SAMPLES / "labels.csv")


@pytest.mark.parametrize(
    ("args", "stage", "who"),
    [
        (["validate", SAMPLE], (pipeline.validate, "validate_file", _bug), "label-import validate"),
        (
            ["template", "{tmp}/t.csv"],
            (pipeline.validate.template, "write_template", _bug),
            "label-import template",
        ),
        (
            ["run", SAMPLE, "--sandbox"],
            (pipeline.importer, "import_labels", _async_bug),
            "label-import",
        ),
        (
            ["sandbox", "--port", "0"],
            (pipeline.sandbox.server, "serve_until_stopped", _bug),
            "label-import sandbox",
        ),
    ],
)
def test_every_command_ends_an_unexpected_error_alike(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    args: list[str],
    stage: tuple[object, str, Any],
    who: str,
) -> None:
    monkeypatch.setattr(*stage)  # the stage the command calls fails as a bug would

    result = CliRunner().invoke(app, [arg.replace("{tmp}", str(tmp_path)) for arg in args])

    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == f"{who}: unexpected error (RuntimeError: a bug); please report it\n"
    assert isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    ("args", "who"),
    [
        (["validate", "[bold]labels[/].csv"], "label-import validate"),
        (["run", "[bold]labels[/].csv", "--sandbox"], "label-import"),
    ],
)
def test_a_file_name_that_looks_like_markup_is_printed_as_it_is(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str], who: str
) -> None:
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(app, args)

    assert result.exit_code == 2
    assert result.stderr == f"{who}: [bold]labels[/].csv: no such file\n"


def _unreadable(*args: Any, **kwargs: Any) -> Any:
    raise PermissionError(errno.EACCES, "Permission denied", "labels.csv")


def test_an_input_validate_cannot_read_is_unusable_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline.validate, "validate_file", _unreadable)

    result = CliRunner().invoke(app, ["validate", SAMPLE])

    assert result.exit_code == 2
    assert result.stderr == f"label-import validate: {SAMPLE}: cannot be read (Permission denied)\n"
