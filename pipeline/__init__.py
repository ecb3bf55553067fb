"""label-import: create Future AGI annotation labels in bulk from spreadsheets and exports."""

from pipeline.labels import LabelSpec
from pipeline.validate import validate_file

__all__ = ["LabelSpec", "validate_file"]
