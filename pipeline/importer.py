"""The library entry point: `import_labels` runs read → validate → plan → send → report.

The CLI is a thin shell over this; an Airflow task or a script calls it directly (or
`import_labels_sync`) and gets an `ImportSummary` back. Exceptions leave only for runs
that cannot start, all of them `pipeline.errors.LabelImportError`: `InputError` (the file)
and `UsageError` (options, credentials, base URL).
"""

from __future__ import annotations

import asyncio
import math
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from functools import partial, wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import anyio
from pydantic import SecretStr

from pipeline.errors import UsageError
from pipeline.plan import Job, OnExisting, index_labels, plan
from pipeline.report.journal import Journal, journal_path, read_journal
from pipeline.report.summary import ImportSummary
from pipeline.report.writers import (
    check_outputs,
    failed_rows_path,
    report_path_for,
    write_failed_rows,
    write_report,
)
from pipeline.rows import CheckedRow, JournalEntry, Problem, Progress, RowOutcome
from pipeline.send.client import LabelsClient
from pipeline.send.credentials import Credentials, resolve_credentials
from pipeline.send.listing import existing_labels
from pipeline.send.pool import run_pool
from pipeline.send.rate import RateGate
from pipeline.send.retry import Sending, policy_for
from pipeline.send.row_sender import RowSender
from pipeline.send.stop import Stop
from pipeline.validate import FileCheck

TOP_ERRORS = 5
SIGNALS = (signal.SIGINT, signal.SIGTERM)

ProgressCallback = Callable[[Progress], None]


def parse_max_failures(value: int | str | None, jobs: int) -> int | None:
    """`N` rows, or `P%` of the rows to be sent (at least one row)."""
    if value is None:
        return None
    text = str(value).strip()
    try:
        if text.endswith("%"):
            share = float(text[:-1])
            if not 0 < share <= 100:
                raise ValueError
            return max(1, math.ceil(jobs * share / 100))
        count = int(text)
        if count < 1:
            raise ValueError
        return count
    except ValueError:
        raise UsageError(
            f"--max-failures {value!r}: give a whole number of rows (10) or a percentage (5%)"
        ) from None


def _check_limits(concurrency: int, rate: float, max_retries: int, timeout: float) -> None:
    if concurrency < 1 or rate < 0 or max_retries < 0 or timeout <= 0:
        raise UsageError("--concurrency ≥ 1, --rate ≥ 0, --max-retries ≥ 0, --timeout > 0")


@dataclass(frozen=True, slots=True)
class _Run:
    """What the plan-and-send phase needs, decided before the first request."""

    rows: list[CheckedRow]
    journal: dict[tuple[str | None, int], JournalEntry]
    journal_file: Path
    on_existing: OnExisting
    max_failures: int | str | None
    resume: bool
    dry_run: bool
    progress: ProgressCallback | None


@dataclass(frozen=True, slots=True)
class _Link:
    """Where the requests go and how hard they may press."""

    credentials: Credentials
    concurrency: int
    rate: float
    max_retries: int
    timeout: float


async def import_labels(
    path: str | Path,
    *,
    sheet: str | None = None,
    source: str | None = None,
    include_archived: bool = False,
    report: str | Path | None = None,
    concurrency: int = 8,
    rate: float = 10.0,
    max_retries: int = 6,
    timeout: float = 30.0,  # noqa: ASYNC109  (per-attempt HTTP timeout, the --timeout knob)
    on_existing: OnExisting = "skip",
    resume: bool = False,
    dry_run: bool = False,
    max_failures: int | str | None = None,
    base_url: str | None = None,
    api_key: str | SecretStr | None = None,
    secret_key: str | SecretStr | None = None,
    insecure: bool = False,
    progress: ProgressCallback | None = None,
    handle_signals: bool = False,
) -> ImportSummary:
    """Create every valid row's label once; write the report; return the summary.

    Args:
        path: the input: a spreadsheet (csv, tsv, txt, xlsx, xlsm, xls, ods, json, jsonl)
            or another tool's export (see `source`).
        sheet: read only this sheet of a workbook.
        source: read `path` as this tool's export (`pipeline.read.migrate.SOURCES`); a
            JSON or XML export of a known shape is recognised without it.
        include_archived: import an export's archived records too.
        report: the report file (.csv, .xlsx, .json, .jsonl); default
            `./<input stem>.report.csv`. The failed-rows file and the journal go beside it.
        concurrency: requests in flight at once.
        rate: requests per second at most (0: no pacing, only `Retry-After` pauses).
        max_retries: retries per request on 429, 5xx and network faults.
        timeout: seconds per attempt.
        on_existing: a label with the same name, type and project exists: `skip` it
            (report `existing`), `update` its description and settings, or `fail` the row.
        resume: skip rows that the journal of an earlier run says are done.
        dry_run: validate and plan (the existing labels are listed), create nothing.
        max_failures: stop after this many failed rows, or `"P%"` of the rows to send.
        base_url, api_key, secret_key: default to FI_BASE_URL, FI_API_KEY, FI_SECRET_KEY
            (environment or `.env`).
        insecure: allow plain http to a host other than loopback.
        progress: called with a `Progress` when sending starts and as each row finishes.
        handle_signals: from the listing on, SIGINT/SIGTERM stop the sending gracefully,
            a second one at once; one that comes while the report is written waits until
            it is written, and the run ends interrupted. Before the listing, the caller's
            handlers stay. Only the main thread of an asyncio loop receives signals, so it
            is off for library callers.

    Returns:
        The `ImportSummary`: counts per status, every row's `RowOutcome`, the files written.
        A stopped run (bad credentials, the error budget, a signal) returns too, with
        `stopped` set and exit code 3.

    Raises:
        InputError: the input cannot be used (missing, unreadable, no name column).
        UsageError: an option or the output paths make the run impossible.
        ConfigurationError: no credentials, or a base URL that is not http(s).
        InsecureURLError: plain http to a host other than loopback without `insecure`.
    """
    started = time.monotonic()
    input_path = Path(path)
    report_path = Path(report) if report is not None else report_path_for(input_path)
    check_outputs(input_path, report_path)
    _check_limits(concurrency, rate, max_retries, timeout)
    credentials = resolve_credentials(api_key, secret_key, base_url, insecure=insecure)
    parse_max_failures(max_failures, 1)  # reject a malformed budget before any work
    check = FileCheck(input_path, sheet=sheet, source=source, include_archived=include_archived)
    rows = list(check)
    journal_file = journal_path(report_path)
    journal = read_journal(journal_file) if resume else {}
    run = _Run(rows, journal, journal_file, on_existing, max_failures, resume, dry_run, progress)
    link = _Link(credentials, concurrency, rate, max_retries, timeout)
    with _Signals(enabled=handle_signals) as signals:
        outcomes, sending = await _connect_and_send(run, link, signals)
        summary = signals.ended(_finish(run, outcomes, sending, report_path, input_path, started))
    summary.file_warnings = [_notice(warning) for warning in check.warnings]
    return summary


async def _connect_and_send(
    run: _Run, link: _Link, signals: _Signals
) -> tuple[list[RowOutcome], Sending]:
    """Every row's outcome, and what the sending shared (the stop and the counts)."""
    stop = signals.stop
    gate = RateGate(link.rate, wait=stop.wait, stopping=lambda: stop.requested)
    sending = Sending(gate, stop, policy_for(link.max_retries))
    credentials = link.credentials
    client = LabelsClient(
        credentials.base_url,
        credentials.api_key,
        credentials.secret_key,
        concurrency=link.concurrency,
        timeout=link.timeout,
    )
    async with client:
        outcomes = await _plan_and_send(
            run, client, sending, concurrency=link.concurrency, hard_stop=signals.hard_stop
        )
    signals.hold()
    return outcomes, sending


async def _plan_and_send(
    run: _Run,
    client: LabelsClient,
    sending: Sending,
    *,
    concurrency: int,
    hard_stop: anyio.CancelScope,
) -> list[RowOutcome]:
    """Every row's outcome; `hard_stop` (a second signal) cuts the sending short at once."""
    stop = sending.stop
    outcomes: list[RowOutcome] | None = None
    with hard_stop:
        existing = await existing_labels(client, sending)
        if existing is not None:
            outcomes, jobs = plan(
                run.rows,
                index_labels(existing),
                on_existing=run.on_existing,
                journal=run.journal,
            )
            if run.dry_run:
                _mark_dry_run(outcomes, jobs)
            else:
                await _send(run, jobs, outcomes, client, sending, concurrency)
    if hard_stop.cancelled_caught:
        stop.request("interrupted")
    if outcomes is None:
        # The listing never finished: nothing was sent; every valid row is not_attempted.
        outcomes, _ = plan(run.rows, {}, on_existing=run.on_existing, journal=run.journal)
    return outcomes


def _notice(warning: Problem) -> str:
    where = f"sheet {warning.sheet!r}: " if warning.sheet else ""
    if warning.column:
        where += f"column {warning.column!r}: "
    hint = f" ({warning.hint})" if warning.hint else ""
    return f"{where}{warning.message}{hint}"


async def _send(
    run: _Run,
    jobs: Sequence[Job],
    outcomes: list[RowOutcome],
    client: LabelsClient,
    sending: Sending,
    concurrency: int,
) -> None:
    progress = run.progress
    total = len(jobs)
    done = failed = 0
    with Journal(run.journal_file, fresh=not run.resume) as journal:

        def finished(job: Job, outcome: RowOutcome) -> None:
            nonlocal done, failed
            journal.record(
                JournalEntry(
                    outcome.row, outcome.sheet, job.fingerprint, outcome.status, outcome.label_id
                )
            )
            # Per row on the hot path: nothing is counted or built when no one watches.
            if progress is not None:
                done += 1
                failed += outcome.status == "failed"
                progress(Progress(done, total, failed, outcome))

        sender = RowSender(
            client,
            sending,
            outcomes,
            on_existing=run.on_existing,
            finished=finished,
            max_failures=parse_max_failures(run.max_failures, total),
        )
        if progress is not None:
            progress(Progress(0, total, 0))
        await run_pool(sender.settle, jobs, concurrency=concurrency, stop=sending.stop)


def _mark_dry_run(outcomes: list[RowOutcome], jobs: Sequence[Job]) -> None:
    for job in jobs:
        outcomes[job.index].error = f"dry run: would {job.action}"


class _Signals:
    """SIGINT and SIGTERM from the listing until the report is written (`handle_signals`).

    The first signal stops the sending gracefully (requests in flight finish), the second
    at once; a signal that comes once the sending is over waits until the report is
    written, so a report is never cut short, and the run still ends interrupted. Plain
    Python handlers, kept for the whole stretch: anyio's signal receiver gives SIGTERM
    back to its default (a kill, exit 143) the moment it closes, while the report is
    still to be written. Disabled, it installs nothing and only carries the stop.
    """

    def __init__(self, *, enabled: bool) -> None:
        self.stop = Stop()
        self.hard_stop = anyio.CancelScope()
        self.received = 0
        self._enabled = enabled
        self._sending = False
        self._stopping = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _Signals:
        if self._enabled:
            handler = partial(self._on_signal, asyncio.get_running_loop())
            self._previous = {signum: signal.signal(signum, handler) for signum in SIGNALS}
            self._sending = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._sending = False
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _on_signal(self, loop: asyncio.AbstractEventLoop, signum: int, frame: object) -> None:
        self.received += 1
        if self._sending:
            # A handler runs between two bytecodes of whatever the loop was doing: the loop
            # acts on the signal at its next turn, as asyncio's own Ctrl-C handling does.
            loop.call_soon_threadsafe(self._stop_sending)

    def _stop_sending(self) -> None:
        if not self._sending:
            return
        if self._stopping:
            self.hard_stop.cancel()
            return
        self._stopping = True
        self.stop.request("interrupted")
        # Only the CLI handles signals; the person who pressed Ctrl-C deserves to know.
        sys.stderr.write(
            "label-import: stopping; finishing requests in flight "
            "(press Ctrl-C again to stop now)\n"
        )

    def hold(self) -> None:
        """The sending is over: from here, a signal waits until the report is written."""
        self._sending = False

    def ended(self, summary: ImportSummary) -> ImportSummary:
        """The run's summary, interrupted (exit 3) if a signal came that the sending did
        not act on: after it, while the report was written, or just before it ended."""
        if self.received and summary.stopped is None:
            summary.stopped = "interrupted"
            summary.stop_message = "interrupted after the sending; the report is complete"
        return summary


def _finish(
    run: _Run,
    outcomes: list[RowOutcome],
    sending: Sending,
    report_path: Path,
    input_path: Path,
    started: float,
) -> ImportSummary:
    write_report(report_path, outcomes)
    failed_path = failed_rows_path(report_path, input_path)
    written = write_failed_rows(failed_path, [r.raw for r in run.rows], outcomes)
    counts = Counter(o.status for o in outcomes)
    errors = Counter(o.error for o in outcomes if o.status == "failed" and o.error)
    stop, stats = sending.stop, sending.stats
    message = stop.message
    if stop.reason == "interrupted":
        message = "interrupted; rows not sent are not_attempted (re-run with --resume)"
    return ImportSummary(
        total=len(outcomes),
        created=counts["created"],
        existing=counts["existing"],
        updated=counts["updated"],
        invalid=counts["invalid"],
        failed=counts["failed"],
        not_attempted=counts["not_attempted"],
        skipped=counts["skipped"],
        requests=stats.requests,
        retries=stats.retries,
        elapsed_s=time.monotonic() - started,
        report=str(report_path),
        failed_rows=str(failed_path) if written else None,
        dry_run=run.dry_run,
        sending_s=stats.sending_s,
        stopped=stop.reason,
        stop_message=message,
        top_errors=errors.most_common(TOP_ERRORS),
        rows=outcomes,
    )


P = ParamSpec("P")
T = TypeVar("T")


def _blocking(function: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, T]:
    @wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return anyio.run(partial(function, *args, **kwargs))

    return run


import_labels_sync = _blocking(import_labels)
"""`import_labels` for code without an event loop (Airflow tasks, scripts); same arguments."""
