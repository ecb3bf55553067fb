"""The names `pipeline` promises library callers, each the object its stage defines, and
an `import pipeline` that costs nothing until a name is used."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import pipeline

PUBLIC = {
    "ConfigurationError": "pipeline.errors",
    "ExportSummary": "pipeline.report.export_file",
    "ImportSummary": "pipeline.report.summary",
    "InputError": "pipeline.errors",
    "InsecureURLError": "pipeline.errors",
    "LabelImportError": "pipeline.errors",
    "LabelSpec": "pipeline.labels",
    "Problem": "pipeline.rows",
    "Progress": "pipeline.rows",
    "RowOutcome": "pipeline.rows",
    "RunEndedEarly": "pipeline.report.summary",
    "UsageError": "pipeline.errors",
    "ValidationResult": "pipeline.validate.file",
    "export_labels": "pipeline.exporter",
    "export_labels_sync": "pipeline.exporter",
    "import_labels": "pipeline.importer",
    "import_labels_sync": "pipeline.importer",
    "validate_file": "pipeline.validate.file",
    "validate_frame": "pipeline.validate.file",
}


def test_all_is_exactly_the_public_names() -> None:
    assert sorted(pipeline.__all__) == sorted(PUBLIC)
    assert len(set(pipeline.__all__)) == len(pipeline.__all__)


@pytest.mark.parametrize(("name", "home"), sorted(PUBLIC.items()))
def test_each_name_is_the_object_its_stage_defines(name: str, home: str) -> None:
    assert getattr(pipeline, name) is getattr(importlib.import_module(home), name)
    assert name in dir(pipeline)


def test_a_star_import_gives_exactly_the_public_names() -> None:
    namespace: dict[str, object] = {}
    exec("from pipeline import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(PUBLIC)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Engine'"):
        _ = pipeline.Engine


@pytest.mark.cli
def test_import_pipeline_alone_imports_no_heavy_library() -> None:
    heavy = ("aiohttp", "pydantic", "rich", "anyio", "typer")
    code = f"import sys, pipeline; print([m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
