"""label-import: create Future AGI annotation labels in bulk from spreadsheets and exports."""

from pipeline.importer import import_labels, import_labels_sync
from pipeline.labels import LabelSpec
from pipeline.plan import RowOutcome
from pipeline.summary import ImportSummary
from pipeline.validate import validate_file

__all__ = [
    "ImportSummary",
    "LabelSpec",
    "RowOutcome",
    "import_labels",
    "import_labels_sync",
    "validate_file",
]
