"""What a run tells its caller: counts per status, effort spent, and where the files are.

The CLI prints it (table or `--json`); library callers get it as a typed value, and in a
notebook its rows as a DataFrame (`to_frame`; pandas is imported only then).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pipeline.errors import require_pandas
from pipeline.report.writers import report_records
from pipeline.rows import STATUSES, Losses, RowOutcome, StopReason

if TYPE_CHECKING:
    from pandas import DataFrame


@dataclass(slots=True)
class ImportSummary:
    total: int
    created: int
    existing: int
    updated: int
    invalid: int
    failed: int
    not_attempted: int
    skipped: int
    requests: int
    retries: int
    elapsed_s: float
    report: str
    failed_rows: str | None
    dry_run: bool = False
    sending_s: float = 0.0
    stopped: StopReason | None = None
    stop_message: str = ""
    top_errors: list[tuple[str, int]] = field(default_factory=list)
    # File-level notes from reading: an encoding guessed, a migration source detected,
    # archived records skipped, a sheet without label columns.
    file_warnings: list[str] = field(default_factory=list)
    # What converting another tool's export dropped, by kind; None for a spreadsheet.
    losses: Losses | None = None
    rows: list[RowOutcome] = field(default_factory=list, repr=False)
    # Labels that exist with other settings, no `on_existing` given (`rows.STATUSES`).
    existing_differs: int = 0
    # A dry run's plan: rows that would be created, updated, or left as they are.
    create: int = 0
    update: int = 0
    unchanged: int = 0
    # A DataFrame input's invalid and failed rows, in its own columns, index and dtypes,
    # with `error` and `source_row` added (empty when none); None for a file or a dry run.
    failed_frame: DataFrame | None = field(default=None, repr=False)

    @property
    def exit_code(self) -> int:
        """0 all done (or, for a plan, every row would be), 1 some rows invalid, failed or
        existing with other settings that no `on_existing` accepted, 3 fatal or
        interrupted."""
        if self.stopped is not None:
            return 3
        return 1 if self.invalid or self.failed or self.existing_differs else 0

    def to_frame(self) -> DataFrame:
        """Every row's outcome as a DataFrame in the report's columns (row, sheet, name,
        type, status, label_id, attempts, http_status, error, ...); a dry run's is its
        plan. For a DataFrame input, `row - 2` is the input row's position."""
        require_pandas()
        from pipeline.report.frame import outcomes_frame

        return outcomes_frame(self.rows)

    def to_dict(self) -> dict[str, Any]:
        """The `--json` object: everything but the per-row lines of a run (those are in
        the report); a dry run's object holds its plan, one record per row, too."""
        plan = {"plan": report_records(self.rows)} if self.dry_run else {}
        return {
            "total": self.total,
            **{status: getattr(self, status) for status in STATUSES},
            "requests": self.requests,
            "retries": self.retries,
            "elapsed_s": round(self.elapsed_s, 3),
            "sending_s": round(self.sending_s, 3),
            "report": self.report,
            "failed_rows": self.failed_rows,
            "dry_run": self.dry_run,
            "stopped": self.stopped,
            "stop_message": self.stop_message,
            "top_errors": [{"error": e, "rows": n} for e, n in self.top_errors],
            "file_warnings": self.file_warnings,
            "losses": self.losses.to_dict() if self.losses else None,
            "exit_code": self.exit_code,
            **plan,
        }


class RunEndedEarly(Exception):
    """A fault of our own (a bug) ended the sending before every row was settled.

    Raised by `import_labels` only once the report and the journal are written: `summary`
    holds every row (those not reached are `not_attempted`, saying why) and `report` where
    the report is; the fault that ended the run is the `__cause__`. `--resume` sends the
    rows not reached and creates nothing twice.
    """

    def __init__(self, summary: ImportSummary) -> None:
        super().__init__(
            f"{summary.stop_message}; the report is written: {summary.report} (rows not "
            "reached are not_attempted; --resume sends them)"
        )
        self.summary = summary
