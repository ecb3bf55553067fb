"""label-import: create Future AGI annotation labels in bulk from spreadsheets and exports,
and export an organisation's labels to a file that imports back.

The public names are imported on first use, not here: `import pipeline.cli` runs this file
first, and `label-import --help` must not pay for aiohttp, pydantic and the engine. pandas
is imported only by the calls that take or give a DataFrame.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.errors import (
        ConfigurationError,
        InputError,
        InsecureURLError,
        LabelImportError,
        UsageError,
    )
    from pipeline.exporter import export_labels, export_labels_sync
    from pipeline.importer import import_labels, import_labels_sync
    from pipeline.labels import LabelSpec
    from pipeline.report.export_file import ExportSummary
    from pipeline.report.summary import ImportSummary, RunEndedEarly
    from pipeline.rows import Problem, Progress, RowOutcome
    from pipeline.validate import ValidationResult, validate_file, validate_frame

_HOMES = {
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
    "ValidationResult": "pipeline.validate",
    "export_labels": "pipeline.exporter",
    "export_labels_sync": "pipeline.exporter",
    "import_labels": "pipeline.importer",
    "import_labels_sync": "pipeline.importer",
    "validate_file": "pipeline.validate",
    "validate_frame": "pipeline.validate",
}

__all__ = [
    "ConfigurationError",
    "ExportSummary",
    "ImportSummary",
    "InputError",
    "InsecureURLError",
    "LabelImportError",
    "LabelSpec",
    "Problem",
    "Progress",
    "RowOutcome",
    "RunEndedEarly",
    "UsageError",
    "ValidationResult",
    "export_labels",
    "export_labels_sync",
    "import_labels",
    "import_labels_sync",
    "validate_file",
    "validate_frame",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return [*globals(), *__all__]
