"""Files made to break a reader: each is refused as one line with exit 2, or becomes one
row's problem, for `validate` and `run` alike; never a traceback or exit 3."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import InputError
from pipeline.read import detect, open_input
from pipeline.validate import validate_file
from tests.validate.test_bad_inputs import run

DEEP = "[" * 5000 + "]" * 5000


def run_command(path: Path, tmp_path: Path) -> tuple[int, str]:
    """`label-import run PATH --sandbox --dry-run` in this process: exit code and stderr."""
    result = CliRunner().invoke(
        app,
        ["run", str(path), "--sandbox", "--dry-run", "--report", str(tmp_path / "r.csv")],
        env={"FI_API_KEY": "k" * 20, "FI_SECRET_KEY": "s" * 20},
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stderr


def refused(path: Path, tmp_path: Path) -> str:
    """The one line both commands print for a file they refuse (exit 2)."""
    code, message = run(path)
    assert code == 2, message
    assert run_command(path, tmp_path) == (
        2,
        message.replace("label-import validate", "label-import"),
    )
    return message


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "a.csv",
            'name,type,description\nA,text,"oops\nB,text,x\nC,text,y\n',
            "a.csv: line 2: a cell opens a quote that is never closed",
        ),
        ("deep.json", DEEP, "deep.json: JSON nested too deeply to read"),
        (
            "deep.jsonl",
            '{"name": "A", "type": "text"}\n' + DEEP + "\n",
            "deep.jsonl: line 2: JSON nested too deeply",
        ),
        ("blank.json", " \n\t\n", "blank.json: holds no JSON, only white space"),
        (
            "text.json",
            '"labels"',
            'expected an array of label objects or an object with a "labels" array, not a string',
        ),
        (
            "long.json",
            '[{"name": "A", "type": "text", "x": 1' + "0" * 5000 + "}]",
            "long.json: holds a number of more than 4,300 digits",
        ),
        (
            "bad.jsonl",
            '{"name": "A", "type": "text"}\n{"name": "B", "type": \n',
            "bad.jsonl: line 2: not valid JSON: Expecting value (column 23)",
        ),
        (
            "list.jsonl",
            '{"name": "A", "type": "text"}\n[1]\n',
            "list.jsonl: line 2 is an array, not an object",
        ),
    ],
)
def test_a_file_no_reader_can_account_for_is_refused(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert expected in refused(path, tmp_path)


def test_an_unreadable_file_is_refused_not_an_unexpected_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("name,type\nA,text\n")
    path.chmod(0)

    # The tests run as root too, whom chmod does not stop: the refusal is the system's.
    def denied(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(InputError, match=r"^cannot read .*labels\.csv: permission denied$"):
        open_input(path)


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_pipe_or_a_device_is_refused_without_reading_it(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "labels.csv"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    message = refused(path, tmp_path)
    assert message.endswith(
        "labels.csv: not a file (a pipe, socket or device); give the spreadsheet file itself\n"
    )


def test_a_json_file_beyond_the_bound_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(detect, "MAX_WHOLE_FILE", 2**20)
    path = tmp_path / "big.json"
    path.write_text('[{"name": "A", "type": "text", "description": "' + "x" * 2**20 + '"}]')
    message = refused(path, tmp_path)
    assert "big.json: 1 MiB is more than the 1 MiB a JSON file may have" in message


@pytest.mark.parametrize(
    ("column", "kind", "fine"), [("settings", "star", "{}"), ("options", "categorical", "a; b")]
)
def test_a_deep_json_cell_is_that_rows_problem(
    tmp_path: Path, column: str, kind: str, fine: str
) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(f"name,type,{column}\nDeep,{kind},{DEEP}\nFine,{kind},{fine}\n")
    result = validate_file(path)
    assert (result.rows_read, result.valid) == (2, 1)
    [problem] = [p for p in result.problems if p.severity == "error"]
    assert (problem.row, problem.column) == (2, column)
    assert problem.message == f"{column} is JSON nested more than 32 levels deep"


def test_lone_surrogates_never_reach_the_sender_and_the_report_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "labels.json"
    # As an exporter writes them: escapes that decode to lone surrogates, in a name, a key
    # and a settings text; the last row is fine.
    path.write_text(
        '[{"name": "A\\ud800", "type": "text"}, {"name": "B", "type": "text", "x\\udc00": "1"},'
        ' {"name": "C", "type": "text", "settings": {"placeholder": "\\ud801"}},'
        ' {"name": "D", "type": "text"}]'
    )
    result = CliRunner().invoke(
        app,
        ["run", str(path), "--sandbox", "--rate", "0"],
        env={"FI_API_KEY": "k" * 20, "FI_SECRET_KEY": "s" * 20},
    )
    assert result.exit_code == 1, result.stderr
    report = (tmp_path / "labels.report.csv").read_text(encoding="utf-8")
    assert [line.split(",")[4] for line in report.splitlines()[1:]] == [
        "invalid",
        "created",
        "invalid",
        "created",
    ]
    assert "name: Surrogate characters are not allowed: U+D800." in report
    assert "settings: Surrogate characters are not allowed: U+D801." in report
