"""Text from outside (cells, column and file names, server messages) reaches the terminal as
text: never as rich markup, never as raw control characters or escape sequences.

The commands run as real processes where the terminal path matters, with a terminal
forced by environment (TTY_COMPATIBLE) so rich draws colours and would draw hyperlinks.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from pipeline.cli.safe import json_text, shown
from pipeline.cli.terminal import print_summary
from pipeline.report.summary import ImportSummary

ESC = "\x1b"
HOSTILE = ("[/]", "[link=http://x]y[/link]", "[bold red]z", f"{ESC}[31mred", "a\u202eb")
# What rich draws itself on a colour terminal; anything else starting with ESC is not ours.
STYLES = re.compile(r"\x1b\[[0-9;]*m")
OSC_8 = f"{ESC}]8;"


def label_import(*args: str, cwd: Path, colour: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FI_", "FORCE_COLOR"))}
    env.update(COLUMNS="400", TTY_COMPATIBLE="1" if colour else "0", PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def assert_shown_as_text(output: str, *, colour: bool) -> None:
    assert "Traceback" not in output
    assert OSC_8 not in output
    # With colour, only rich's own styles may hold ESC; without, nothing may.
    assert ESC not in (STYLES.sub("", output) if colour else output)
    assert "\u202e" not in output


def hostile_sheet(path: Path) -> Path:
    """A sheet whose names, descriptions, types and a column name are hostile."""
    header = f"name,type,description,[/]{ESC}]8;;http://x{ESC}\\\\y\u202e"
    rows = [f'"{text}",bogus {text},"{text}",z' for text in HOSTILE]
    rows += [f'"{text} ok",text,"{text}",z' for text in HOSTILE if ESC not in text]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.cli
@pytest.mark.parametrize("colour", [True, False])
def test_validate_shows_hostile_cells_and_file_names_as_typed(tmp_path: Path, colour: bool) -> None:
    folder = tmp_path / "[red]x["
    folder.mkdir()
    hostile_sheet(folder / "red].csv")  # the path as typed: [red]x[/red].csv

    done = label_import("validate", "[red]x[/red].csv", cwd=tmp_path, colour=colour)

    assert (done.returncode, done.stderr) == (1, "")
    assert_shown_as_text(done.stdout, colour=colour)
    assert done.stdout.startswith("[red]x[/red].csv (csv): 9 rows read, 4 valid, 5 invalid")
    plain = STYLES.sub("", done.stdout)
    for text in ("bogus [/]", "bogus [link=http://x]y[/link]", "[bold red]z"):
        assert text in plain
    assert "\\x1b[31mred" in plain and "a\\u202eb" in plain


@pytest.mark.cli
@pytest.mark.parametrize("colour", [True, False])
def test_run_shows_hostile_names_warnings_and_file_names_as_typed(
    tmp_path: Path, colour: bool
) -> None:
    name = f"[bold red]x{ESC}[31m\u202e"
    hostile_sheet(tmp_path / f"{name}.csv")

    done = label_import(
        "run", f"{name}.csv", "--sandbox", "--rate", "0", cwd=tmp_path, colour=colour
    )

    assert done.returncode == 1  # the bogus types; every other row was created
    for output in (done.stdout, done.stderr):
        assert_shown_as_text(output, colour=colour)
    plain = STYLES.sub("", done.stdout)
    assert "created │    4" in plain
    assert "[bold red]x\\x1b[31m\\u202e.report.csv" in plain
    assert "unknown column" in done.stderr and "\\u202e" in done.stderr


def test_the_summary_shows_server_messages_as_text() -> None:
    hostile = " ".join(HOSTILE)
    summary = ImportSummary(
        total=2,
        created=0,
        existing=0,
        updated=0,
        invalid=0,
        failed=2,
        not_attempted=0,
        skipped=0,
        requests=1,
        retries=0,
        elapsed_s=0.0,
        report=f"{hostile}.report.csv",
        failed_rows=f"{hostile}.failed.csv",
        stopped="fatal",
        stop_message=f"server said: {hostile} :smile:",
        top_errors=[(f"HTTP 400: {hostile}", 2)],
    )
    out = io.StringIO()

    rerun = f"label-import run {hostile}.failed.csv"
    print_summary(summary, rerun, console=Console(file=out, force_terminal=True, width=400))

    assert_shown_as_text(out.getvalue(), colour=True)
    plain = STYLES.sub("", out.getvalue())
    visible = "[/] [link=http://x]y[/link] [bold red]z \\x1b[31mred a\\u202eb"
    assert f"2 rows: HTTP 400: {visible}" in plain
    assert f"report: {visible}.report.csv" in plain
    assert f"rows to fix: {visible}.failed.csv" in plain
    assert f"fix them, then run: label-import run {visible}.failed.csv" in plain
    assert f"stopped: server said: {visible} :smile:" in plain


@pytest.mark.parametrize(
    ("text", "visible"),
    [
        ("a\x1b[31mb", "a\\x1b[31mb"),
        ("line\r\nnext\ttab", "line\\r\\nnext\\ttab"),
        ("\u202eevil\u2066", "\\u202eevil\\u2066"),
        ("lone \ud800", "lone \\ud800"),
        ("\x85\x9b\x7f", "\\x85\\x9b\\x7f"),
        ("[bold]é 中 ✓[/]", "[bold]é 中 ✓[/]"),
    ],
)
def test_shown_escapes_what_drives_a_terminal_and_keeps_the_rest(text: str, visible: str) -> None:
    assert shown(text) == visible


def test_json_text_is_exact_and_holds_nothing_a_terminal_obeys() -> None:
    data = {"values": [*HOSTILE, "lone \ud800", "\x85 \u2028 é 中"]}

    text = json_text(data, indent=2)

    assert json.loads(text) == data
    assert "é 中" in text  # letters stay letters
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e\u2028\ud800]", text)


@pytest.mark.cli
def test_validate_json_is_one_exact_document_even_with_a_lone_surrogate(tmp_path: Path) -> None:
    values = [*HOSTILE, "lone \ud800", "\x85\u2028"]
    rows = [{"name": f"label {i}", "type": value} for i, value in enumerate(values)]
    # json.dumps escapes the surrogate, so the file is valid JSON that decodes to it.
    (tmp_path / "in.json").write_text(json.dumps(rows), encoding="utf-8")

    done = label_import("validate", "in.json", "--json", cwd=tmp_path, colour=True)

    assert (done.returncode, done.stderr) == (1, "")
    result = json.loads(done.stdout)
    shown_values = {p["row"]: p["value"] for p in result["problems"] if p["column"] == "type"}
    # The reader keeps a lone surrogate as its escape, since no output could hold it.
    expected = [value.replace("\ud800", "\\ud800") for value in values]
    assert [shown_values[row] for row in sorted(shown_values)] == expected
    assert_shown_as_text(done.stdout, colour=False)


@pytest.mark.cli
def test_run_json_is_one_document_even_with_hostile_cells(tmp_path: Path) -> None:
    hostile_sheet(tmp_path / "in.csv")

    done = label_import(
        "run", "in.csv", "--sandbox", "--rate", "0", "--json", cwd=tmp_path, colour=True
    )

    assert done.returncode == 1
    summary = json.loads(done.stdout)
    assert (summary["created"], summary["invalid"]) == (4, 5)
    assert any("unknown column" in warning for warning in summary["file_warnings"])
    assert_shown_as_text(done.stdout, colour=False)


@pytest.mark.cli
@pytest.mark.parametrize("args", [["run", "--sandbox"], ["validate"]], ids=["run", "validate"])
def test_an_error_naming_a_hostile_file_is_one_escaped_line(
    tmp_path: Path, args: list[str]
) -> None:
    name = f"[bold]x{ESC}[31m{ESC}]8;;x{ESC}\\\u202e.csv"

    done = label_import(args[0], name, *args[1:], cwd=tmp_path, colour=True)

    assert (done.returncode, done.stdout) == (2, "")
    assert_shown_as_text(done.stderr, colour=False)
    assert done.stderr.endswith(": [bold]x\\x1b[31m\\x1b]8;;x\\x1b\\\\u202e.csv: no such file\n")
    assert len(done.stderr.splitlines()) == 1
