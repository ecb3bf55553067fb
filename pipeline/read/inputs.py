"""The read stage's way in: the reader an input needs, which later stages use without knowing
which it is. Another tool's export (named with --from, or recognised by its shape) is read
by `migrate`; any other file by the spreadsheet reader its extension names.

The workbook reader (python-calamine and the sheet-XML scan) and the export readers are
imported only for an input that needs them: `label-import validate labels.csv` is run
often enough that a CSV should not pay for them at start-up. The same goes for pandas:
only a library caller's DataFrame is read with it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

from pipeline.errors import InputError, UsageError
from pipeline.read.base import Reader
from pipeline.read.detect import TEXT_FORMATS, WORKBOOK_FORMATS, check_readable, detect_format
from pipeline.read.jsonfile import JsonReader
from pipeline.read.text import TextReader
from pipeline.rows import RawRow

if TYPE_CHECKING:
    from pandas import DataFrame


def open_reader(path: Path, *, sheet: str | None = None) -> Reader:
    """The spreadsheet reader for `path`. Raises InputError when the file is missing, empty
    or of an unsupported type; problems inside the file surface while iterating."""
    path = Path(path)
    check_readable(path)
    file_format = detect_format(path)
    if file_format in TEXT_FORMATS:
        return TextReader(path, sheet, format=file_format)
    if file_format in WORKBOOK_FORMATS:
        from pipeline.read.excel import WorkbookReader

        return WorkbookReader(path, sheet, format=file_format)
    return JsonReader(path, sheet, format=file_format)


def read_rows(path: Path, *, sheet: str | None = None) -> Iterator[RawRow]:
    """Every data row of every sheet (or of `sheet`), in file order, streamed."""
    return iter(open_reader(path, sheet=sheet))


# Only these can hold another tool's export; spreadsheets are never sniffed for one.
_EXPORT_SUFFIXES = (".json", ".xml")


# What a DataFrame input is called in messages, and the stem of its default outputs
# (./dataframe.report.csv): a frame has no file name of its own.
FRAME_PATH = Path("dataframe")
FRAME_FORMAT = "dataframe"


def path_for_input(value: object) -> Path:
    """The path of an input as given to the library: a file's own, or FRAME_PATH."""
    if is_frame(value):
        return FRAME_PATH
    if not isinstance(value, str | os.PathLike):
        raise UsageError(
            f"give the input as a file path or a pandas DataFrame, not {type(value).__name__}"
        )
    return Path(value)


def is_frame(value: object) -> TypeGuard[DataFrame]:
    """Whether `value` is a pandas DataFrame, asked without importing pandas: an object
    can only be one once its caller has imported pandas."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(value, pandas.DataFrame)


def open_input(
    path: str | Path | DataFrame,
    *,
    sheet: str | None = None,
    source: str | None = None,
    include_archived: bool = False,
) -> Reader:
    """The reader for `path`. With `source` the file must be that tool's export; without
    it a JSON or XML file whose shape is unmistakably one tool's is read as that tool's.
    A pandas DataFrame is read as one sheet (see `pipeline.read.frame`)."""
    if is_frame(path):
        return _frame_reader(path, sheet, source, include_archived)
    path = Path(path)  # type: ignore[arg-type]
    suffix = path.suffix.lower()
    if source is None and suffix not in _EXPORT_SUFFIXES:
        return open_reader(path, sheet=sheet)
    from pipeline.read.migrate import identify, migrate_document
    from pipeline.read.migrate.reader import migration_reader

    doc, chosen = identify(path, source)
    if chosen is None:
        if suffix == ".xml":
            raise InputError(
                f"{path.name}: not a Label Studio labeling config (the only XML we read)"
            )
        return open_reader(path, sheet=sheet)
    migration = migrate_document(
        path, doc, chosen, detected=source is None, include_archived=include_archived
    )
    return migration_reader(path, migration)


def _frame_reader(
    frame: DataFrame, sheet: str | None, source: str | None, include_archived: bool
) -> Reader:
    given = [name for name, value in (("sheet", sheet), ("source", source)) if value]
    given += ["include_archived"] if include_archived else []
    if given:
        raise UsageError(
            f"{' and '.join(given)} apply to a file, not to a DataFrame; leave them out"
        )
    from pipeline.read.frame import frame_reader

    return frame_reader(frame)
