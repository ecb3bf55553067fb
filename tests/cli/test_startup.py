"""What each command imports, read from `python -X importtime` of the real process: the
offline commands never load aiohttp, and only `--sandbox` loads the server side of it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import anyio
import pytest

from tests.conftest import SandboxFactory
from tests.paths import SAMPLES

pytestmark = pytest.mark.cli

SAMPLE = str(SAMPLES / "labels.csv")


async def imported(
    *args: str, cwd: Path, env: dict[str, str] | None = None, codes: tuple[int, ...] = (0,)
) -> set[str]:
    """Every module `label-import ARGS` imported; the command must exit with one of `codes`
    (success, unless told otherwise)."""
    command = [sys.executable, "-X", "importtime", "-m", "pipeline", *args]
    result = await anyio.run_process(command, cwd=cwd, env=env, check=False)
    assert result.returncode in codes, result.stderr.decode()
    lines = result.stderr.decode().splitlines()
    return {line.rsplit("|", 1)[1].strip() for line in lines if line.startswith("import time:")}


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["run", "--help"],
        ["sources"],
        ["template", "t.xlsx"],
        ["validate", SAMPLE],
        ["validate", SAMPLE, "--json"],
    ],
    ids=lambda args: " ".join(Path(arg).name for arg in args),
)
async def test_offline_commands_never_import_aiohttp(tmp_path: Path, args: list[str]) -> None:
    modules = await imported(*args, cwd=tmp_path)
    assert "pipeline.cli" in modules  # the parse found the modules at all
    assert "aiohttp" not in modules


async def test_help_is_typer_alone(tmp_path: Path) -> None:
    modules = await imported("--help", cwd=tmp_path)
    heavy = {"rich", "pydantic", "anyio", "pipeline.labels", "pipeline.importer"}
    assert "typer" in modules and not heavy & modules


async def test_a_file_without_problems_validates_without_rich(tmp_path: Path) -> None:
    (tmp_path / "clean.csv").write_text("name,type\nUp,thumbs_up_down\n")
    modules = await imported("validate", "clean.csv", cwd=tmp_path)
    assert "pipeline.validate" in modules and "rich" not in modules


async def test_a_run_imports_neither_the_sandbox_nor_what_its_output_does_not_need(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    box = await sandbox_factory()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FI_")}
    env.update(FI_API_KEY=box.api_key, FI_SECRET_KEY=box.secret_key)

    modules = await imported(
        "run",
        SAMPLE,
        "--base-url",
        box.url,
        "--rate",
        "0",
        "--json",
        "--no-progress",
        cwd=tmp_path,
        env=env,
    )

    assert "aiohttp" in modules
    assert not {"aiohttp.web", "pipeline.sandbox", "rich", "xlsxwriter"} & modules


async def test_only_a_sandbox_run_imports_the_server(tmp_path: Path) -> None:
    modules = await imported("run", SAMPLE, "--sandbox", "--rate", "0", "--json", cwd=tmp_path)
    assert {"aiohttp.web", "pipeline.sandbox"} <= modules
    assert "pydantic_settings" not in modules  # the sandbox gives every credential
