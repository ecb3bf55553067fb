"""pandas serves only the library's DataFrame calls: no command loads it, whatever the
input, the report's format or the outcome (read from `python -X importtime`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli.test_startup import imported
from tests.conftest import SandboxFactory
from tests.paths import SAMPLES

pytestmark = pytest.mark.cli

# Each sample kind of input, a file with row errors among them.
INPUTS = ["labels.csv", "labels.xlsx", "labels.json", "with_errors.csv"]


@pytest.mark.parametrize("name", INPUTS)
async def test_validate_never_imports_pandas(tmp_path: Path, name: str) -> None:
    modules = await imported("validate", str(SAMPLES / name), "--json", cwd=tmp_path, codes=(0, 1))
    assert "pipeline.validate" in modules  # the parse found the modules at all
    assert "pandas" not in modules


@pytest.mark.parametrize(
    "args",
    [
        [str(SAMPLES / "labels.csv")],
        # Row errors: the failed-rows file is written too, in the input's format.
        [str(SAMPLES / "with_errors.csv"), "--report", "out.xlsx"],
        [str(SAMPLES / "labels.xlsx"), "--dry-run"],
    ],
    ids=["csv", "errors-xlsx-report", "dry-run"],
)
async def test_run_never_imports_pandas(
    sandbox_factory: SandboxFactory, tmp_path: Path, args: list[str]
) -> None:
    box = await sandbox_factory()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FI_")}
    env.update(FI_API_KEY=box.api_key, FI_SECRET_KEY=box.secret_key)
    command = ["run", *args, "--base-url", box.url, "--rate", "0", "--json", "--no-progress"]

    modules = await imported(*command, cwd=tmp_path, env=env, codes=(0, 1))

    assert "pipeline.importer" in modules
    assert "pandas" not in modules
