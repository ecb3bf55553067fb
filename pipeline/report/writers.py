"""The report (one line per input row) and the failed-rows file (ready to fix and re-run).

Every text cell written to CSV or XLSX goes through `formula.neutralise`, so opening a
report never runs a formula a label name smuggled in; the readers undo it on the way back.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pipeline.errors import UsageError
from pipeline.read.formula import FORMULA_FIRST, neutralise
from pipeline.report.files import replacing
from pipeline.report.journal import journal_path
from pipeline.report.lock import lock_path
from pipeline.report.sheet_names import workbook_sheet_names
from pipeline.rows import FAILED_ROW_COLUMNS, RawRow, RowOutcome

REPORT_COLUMNS = (
    "row",
    "sheet",
    "name",
    "type",
    "status",
    "label_id",
    "attempts",
    "http_status",
    "error",
    "warnings",
)
REPORT_FORMATS = (".csv", ".xlsx", ".json", ".jsonl")
# Formats we cannot write back; the failed rows go to a workbook the readers accept.
# A Label Studio XML config's failed controls go to JSON rows, which `run` reads back.
# A DataFrame input (named `dataframe`, with no suffix) has its failed rows in CSV.
_FAILED_FALLBACK = {
    ".xls": ".xlsx",
    ".ods": ".xlsx",
    ".xlsm": ".xlsx",
    ".xml": ".json",
    "": ".csv",
}
ERROR, SOURCE_ROW, SOURCE_SHEET = FAILED_ROW_COLUMNS
# The rows the failed-rows file holds: to fix and run again.
FAILED_STATUSES = frozenset({"invalid", "failed"})


def report_path_for(input_path: Path) -> Path:
    return Path.cwd() / f"{input_path.stem}.report.csv"


def failed_rows_path(report: Path, input_path: Path) -> Path:
    suffix = input_path.suffix.lower()
    suffix = _FAILED_FALLBACK.get(suffix, suffix)
    return report.with_name(f"{input_path.stem}.failed{suffix}")


def plan_path(report: Path, input_path: Path) -> Path:
    """Where `--dry-run` writes its plan: beside the report, in the report's format."""
    return report.with_name(f"{input_path.stem}.plan{report.suffix}")


def check_outputs(input_path: Path, report: Path) -> None:
    """Refuse, before anything is sent, output paths that would lose data or fail later:
    a report over the input, two outputs on one file, a folder, a symlink (we would
    write through it), a folder we cannot write."""
    if report.suffix.lower() not in REPORT_FORMATS:
        raise UsageError(f"--report {report.name}: use a {', '.join(REPORT_FORMATS)} file name")
    outputs = {
        "the report": report,
        "the failed-rows file": failed_rows_path(report, input_path),
        "the journal": journal_path(report),
        "the dry run's plan": plan_path(report, input_path),
        "the lock file": lock_path(report),
        "the dry run's lock file": lock_path(plan_path(report, input_path)),
    }
    source = input_path.resolve()
    seen: dict[Path, str] = {}
    for what, path in outputs.items():
        if path.is_symlink():
            raise UsageError(f"--report {report}: {what} {path} is a symlink; remove it")
        resolved = path.resolve()
        if resolved == source:
            raise UsageError(f"--report {report}: {what} would overwrite the input file")
        if resolved in seen:
            raise UsageError(f"--report {report}: {what} would overwrite {seen[resolved]}")
        seen[resolved] = what
        if path.is_dir():
            raise UsageError(f"--report {report}: {what} {path} is a folder")
    _check_folder(report)


def _check_folder(report: Path) -> None:
    folder = report.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--report {report}: cannot create {folder} ({exc.strerror})") from None
    if not os.access(folder, os.W_OK):
        raise UsageError(f"--report {report}: cannot write in {folder}")


def report_records(outcomes: Sequence[RowOutcome]) -> list[dict[str, Any]]:
    """The report lines as plain records; a migration's rows add `source_id` (where each
    label came from) and `lost` (what its conversion dropped)."""
    with_source = any(o.source_id for o in outcomes)
    records = []
    for o in outcomes:
        record: dict[str, Any] = {
            "row": o.row,
            "sheet": o.sheet,
            "name": o.name,
            "type": o.type,
            "status": o.status,
            "label_id": o.label_id,
            "attempts": o.attempts,
            "http_status": o.http_status,
            "error": o.error,
            "warnings": o.warnings,
        }
        if with_source:
            record["source_id"] = o.source_id
            record["lost"] = o.lost
        records.append(record)
    return records


def report_columns(records: Sequence[dict[str, Any]]) -> list[str]:
    """The report's columns: those of its records, the fixed ones when it has none."""
    return list(records[0]) if records else list(REPORT_COLUMNS)


def write_report(path: Path, outcomes: Sequence[RowOutcome]) -> None:
    if path.suffix.lower() not in REPORT_FORMATS:
        raise ValueError(f"cannot write {path.name}: use one of {', '.join(REPORT_FORMATS)}")
    records = report_records(outcomes)
    _write_table(path, {None: (report_columns(records), records)})


def write_failed_rows(path: Path, raws: Sequence[RawRow], outcomes: Sequence[RowOutcome]) -> int:
    """Invalid and failed rows in the input's own columns plus `error` and `source_row`.

    Rows keep their sheet, so a workbook's failed rows land on same-named sheets.
    Returns how many rows were written; with none, any stale file from a previous run
    is removed so it cannot be mistaken for this run's.
    """
    tables: dict[str | None, tuple[list[str], list[dict[str, Any]]]] = {}
    count = 0
    for raw, outcome in zip(raws, outcomes, strict=True):
        if outcome.status not in FAILED_STATUSES:
            continue
        columns, records = tables.setdefault(raw.sheet, ([], []))
        for header in raw.cells:
            if header not in columns:
                columns.append(header)
        records.append({**raw.cells, ERROR: outcome.error, SOURCE_ROW: raw.row})
        count += 1
    if not count:
        path.unlink(missing_ok=True)
        return 0
    for columns, _ in tables.values():
        columns.extend(c for c in (ERROR, SOURCE_ROW) if c not in columns)
    _write_table(path, tables)
    return count


Tables = dict[str | None, tuple[list[str], list[dict[str, Any]]]]


def write_records(
    path: Path, columns: list[str], records: list[dict[str, Any]], *, sheet: str | None = None
) -> None:
    """One table of records, in `columns` order, written whole or not at all (`export`)."""
    _write_table(path, {sheet: (columns, records)})


def _write_table(path: Path, tables: Tables) -> None:
    """Write through a unique temporary file and rename, so a crash, a full disk or a
    second run never leaves half a report (see `files.replacing`)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".tsv", ".txt", ".xlsx", ".json", ".jsonl"):
        raise ValueError(f"cannot write {path.name}: use one of {', '.join(REPORT_FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as temporary:
        if suffix == ".xlsx":
            _write_xlsx(temporary, tables)
        elif suffix == ".json":
            records = [r for _, rows in tables.values() for r in rows]
            text = json.dumps(records, ensure_ascii=False, indent=1) + "\n"
            temporary.write_text(text, "utf-8")
        elif suffix == ".jsonl":
            with temporary.open("w", encoding="utf-8") as handle:
                for _, rows in tables.values():
                    for record in rows:
                        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            _write_delimited(temporary, tables, "\t" if suffix == ".tsv" else ",")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _write_delimited(path: Path, tables: Tables, delimiter: str) -> None:
    columns: list[str] = []
    for table_columns, _ in tables.values():
        columns.extend(c for c in table_columns if c not in columns)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow([neutralise(c) for c in columns])
        for _, rows in tables.values():
            for record in rows:
                writer.writerow(_cells(record, columns))


def _cells(record: dict[str, Any], columns: Iterable[str]) -> list[str]:
    # Most cells are text that does not start like a formula: one look at the first
    # character passes them without a call (blank cells too: "" is in no set).
    return [
        value if type(value) is str and value[:1] not in FORMULA_FIRST else _cell(value)
        for value in map(record.get, columns)
    ]


def _cell(value: Any) -> str:
    return neutralise(value) if isinstance(value, str) else _text(value)


def _write_xlsx(path: Path, tables: Tables) -> None:
    # Imported here: most reports are CSV, and xlsxwriter takes a tenth of a second to load.
    import xlsxwriter

    # The zip is packed in memory (its size, not the rows'), then written in one go: a
    # failed write (a full disk) leaves xlsxwriter's zip file open, and when collected it
    # closes into `packed`, which takes it, rather than into a file that fails again (or
    # is closed) and has Python print a traceback.
    packed = _Packed()
    workbook = xlsxwriter.Workbook(packed, {"constant_memory": True})
    names = workbook_sheet_names(tables)
    try:
        for sheet, (columns, rows) in tables.items():
            worksheet = workbook.add_worksheet(names[sheet])
            if sheet is not None and names[sheet] != sheet:
                # Renamed to fit XLSX: each row keeps the name the user's file gave it.
                columns = [*columns, SOURCE_SHEET]
                rows = [{**record, SOURCE_SHEET: sheet} for record in rows]
            _write_sheet(worksheet, columns, rows)
    finally:
        workbook.close()
    path.write_bytes(packed.getbuffer())


class _Packed(io.BytesIO):
    """Bytes that stay writable until freed: closing does nothing, so a zip file left open
    on them can close into them whenever it is collected, before or after them."""

    def close(self) -> None:
        return None


def _write_sheet(worksheet: Any, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    for col, header in enumerate(columns):
        worksheet.write_string(0, col, neutralise(header))
    for number, record in enumerate(rows, start=1):
        for col, value in enumerate(record.get(c) for c in columns):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                worksheet.write_number(number, col, value)
            elif value is not None:
                # Never write(): it would turn a cell starting "=" into a formula.
                worksheet.write_string(number, col, neutralise(str(value)))
