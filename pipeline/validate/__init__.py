"""Rows in, typed labels or problems out: the stage behind `label-import validate`."""

from pipeline.validate.file import (
    FileCheck,
    ValidationResult,
    check_rows,
    validate_file,
    validate_frame,
)

__all__ = ["FileCheck", "ValidationResult", "check_rows", "validate_file", "validate_frame"]
