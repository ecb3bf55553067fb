"""The library entry point: `import_labels` runs read → validate → plan → send → report.

The CLI is a thin shell over this; an Airflow task or a script calls it directly (or
`import_labels_sync`) and gets an `ImportSummary` back; a notebook passes a pandas
DataFrame instead of a file and gets its rows back as DataFrames. Exceptions leave for
runs that cannot start, all of them `pipeline.errors.LabelImportError`: `InputError`
(the file) and `UsageError` (options, credentials, base URL); and for a fault of our own
(a bug) that ends the sending early, `RunEndedEarly`, raised only once the report and
the journal are written.
"""

from __future__ import annotations

import asyncio
import math
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, asynccontextmanager
from dataclasses import dataclass, field
from functools import partial, wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, ParamSpec, TypeVar

import anyio
from pydantic import SecretStr

from pipeline.errors import UsageError
from pipeline.plan import Job, OnExisting, index_labels, plan, preview
from pipeline.read.inputs import is_frame, path_for_input
from pipeline.report.journal import Journal, journal_path, read_journal
from pipeline.report.lock import output_lock
from pipeline.report.summary import ImportSummary, RunEndedEarly
from pipeline.report.writers import (
    check_outputs,
    failed_rows_path,
    plan_path,
    report_path_for,
    write_failed_rows,
    write_report,
)
from pipeline.rows import (
    INTENT_DONE,
    INTENTS,
    CheckedRow,
    JournalEntry,
    Losses,
    Problem,
    Progress,
    RowOutcome,
)
from pipeline.send import pace_memory
from pipeline.send.breaker import Breaker
from pipeline.send.client import LabelsClient
from pipeline.send.credentials import Credentials, resolve_credentials
from pipeline.send.download import local_copy
from pipeline.send.listing import existing_labels
from pipeline.send.pool import CONCURRENCY, run_pool
from pipeline.send.rate import AUTO, RateGate, RateSetting, check_rate
from pipeline.send.redact import Redactor
from pipeline.send.retry import MAX_WAIT_S, Sending, policy_for
from pipeline.send.row_sender import Finished, RowSender, Starting
from pipeline.send.stop import Stop
from pipeline.validate import FileCheck

if TYPE_CHECKING:
    from pandas import DataFrame

TOP_ERRORS = 5
# An unexpected error's own words, cut to this many characters in the report's cells.
SHOWN_ERROR = 200
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


def check_limits(
    concurrency: int,
    rate: RateSetting,
    max_retries: int,
    max_wait: float,
    timeout: float,
    max_failures: int | str | None = None,
) -> None:
    """Refuse option values that make the run impossible, before any work (`export`
    checks its connection options here too)."""
    parse_max_failures(max_failures, 1)
    try:
        check_rate(rate)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if concurrency < 1 or max_retries < 0 or max_wait < 0 or timeout <= 0:
        raise UsageError("--concurrency ≥ 1, --max-retries ≥ 0, --max-wait ≥ 0, --timeout > 0")


@dataclass(slots=True)
class _Unwritten:
    """Outputs that could not be written (a full disk), one line each for the summary."""

    failures: list[str] = field(default_factory=list)
    journal_intact: bool = True


@dataclass(slots=True)
class _EndedEarly:
    """A fault of our own (a bug) that ended the sending: the report is still written,
    every row it did not reach says why, and then `import_labels` raises."""

    error: Exception | None = None
    message: str = ""


@dataclass(frozen=True, slots=True)
class _Run:
    """What the plan-and-send phase needs, decided before the first request."""

    rows: list[CheckedRow]
    journal: dict[tuple[str | None, int], JournalEntry]
    journal_file: Path
    on_existing: OnExisting | None
    max_failures: int | str | None
    resume: bool
    dry_run: bool
    progress: ProgressCallback | None
    unwritten: _Unwritten = field(default_factory=_Unwritten)
    ended: _EndedEarly = field(default_factory=_EndedEarly)


@dataclass(frozen=True, slots=True)
class Link:
    """Where the requests go and how hard they may press; `export` connects with it too."""

    credentials: Credentials
    concurrency: int
    rate: RateSetting
    max_retries: int
    max_wait: float
    timeout: float


async def import_labels(
    path: str | Path | DataFrame,
    *,
    sheet: str | None = None,
    source: str | None = None,
    include_archived: bool = False,
    report: str | Path | None = None,
    concurrency: int = CONCURRENCY,
    rate: RateSetting = AUTO,
    max_retries: int = 6,
    max_wait: float = MAX_WAIT_S,
    timeout: float = 30.0,  # noqa: ASYNC109  (per-attempt HTTP timeout, the --timeout knob)
    on_existing: OnExisting | None = None,
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
            or another tool's export (see `source`), or an `https://` URL of one (a
            published Google Sheet's CSV export, a pre-signed object-storage URL),
            downloaded first (`insecure` and `timeout` apply) to a private temporary
            file removed when the run ends; the report is named after the URL's last
            path segment. Or a pandas DataFrame, checked as `validate_frame` checks it
            (row numbers: the frame's position + 2) and named `dataframe` in messages
            and in its outputs' names (`sheet`, `source` and `include_archived` apply
            only to files).
        sheet: read only this sheet of a workbook.
        source: read `path` as this tool's export (`pipeline.read.migrate.SOURCES`); a
            JSON or XML export of a known shape is recognised without it.
        include_archived: import an export's archived records too.
        report: the report file (.csv, .xlsx, .json, .jsonl); default
            `./<input stem>.report.csv` (`./dataframe.report.csv` for a DataFrame). The
            failed-rows file (`dataframe.failed.csv` for a DataFrame), the journal
            (`<report stem>.journal.jsonl`, what `resume` reads) and the lock (`<report
            stem>.lock`, held while the run goes) go beside it.
        concurrency: requests in flight at once.
        rate: `"auto"` finds the server's pace by itself (see `pipeline.send.rate`),
            starting where the last run to the same server ended
            (`pipeline.send.pace_memory`, not on a dry run); a number is a ceiling in
            requests per second; 0 is no pacing at all, only `Retry-After` pauses.
        max_retries: retries per request on 5xx and network faults.
        max_wait: seconds a request may spend throttled (429s, waiting as `Retry-After`
            asks) before its row fails; 429s do not spend `max_retries`.
        timeout: seconds per attempt; a remote input's server may be silent this long,
            and its download may take 20 times it.
        on_existing: a label with the same name, type and project exists: `"skip"` it
            (report `existing`, naming any keys that differ in `error`), `"update"` its
            description and settings where they differ (`updated`), or `"fail"` the row.
            None (the default) skips a label that is as the row asks and reports one with
            other settings `existing_differs` (exit code 1), sending nothing for it.
        resume: skip rows that the journal of an earlier run says are done: the journal
            beside the same report, by row number and the payload the row would send
            (so a DataFrame resumes from the same `report` with its rows in the same order).
            A row whose request that run sent without hearing the answer (a kill) is
            `created` (or `updated`) if its label is on the server exactly as it asks.
        dry_run: validate and plan (the existing labels are listed), create nothing. Every
            row gets a planned status (`create`, `update`, `unchanged`,
            `existing_differs`, `invalid`, `skipped`; `failed` under `"fail"`), counted
            in the summary; the plan is written to `<input stem>.plan.<report's
            extension>` beside the report, and the report, failed-rows file and journal
            are left as they are. Exit code 1 when a row would not be done.
        max_failures: stop after this many failed rows, or `"P%"` of the rows to send.
        base_url, api_key, secret_key: default to FI_BASE_URL, FI_API_KEY, FI_SECRET_KEY
            (environment or `.env`).
        insecure: allow plain http to a host other than loopback (the API and a remote
            input).
        progress: called with a `Progress` when sending starts and as each row finishes.
        handle_signals: from the listing on, SIGINT/SIGTERM stop the sending gracefully,
            a second one at once; one that comes while the report is written waits until
            it is written, and the run ends interrupted. Before the listing, the caller's
            handlers stay. Only the main thread of an asyncio loop receives signals, so it
            is off for library callers.

    Returns:
        The `ImportSummary`: counts per status, every row's `RowOutcome`, the files written;
        `to_frame()` gives the rows as a DataFrame, and for a DataFrame input
        `failed_frame` holds its invalid and failed rows, ready to fix and import again.
        A stopped run (bad credentials, the error budget, a signal, a server that no
        longer answers, an output that could not be written) returns too, with `stopped`
        set and exit code 3.

    Raises:
        InputError: the input cannot be used (missing, unreadable, no name column, a
            download that failed).
        UsageError: an option or the output paths make the run impossible (a symlink
            among them, or another run writing the same report), or `path` is neither a
            path nor a DataFrame.
        ConfigurationError: no credentials, or a base URL that is not http(s).
        InsecureURLError: plain http to a host other than loopback without `insecure`
            (the base URL, a remote input or a redirect of its download).
        RunEndedEarly: a fault of our own (a bug) ended the sending early. Raised once
            the report and the journal are written; its `summary` holds every row (those
            not reached `not_attempted`, with the reason) and its message names the
            report. The fault itself is its `__cause__`.
    """
    started = time.monotonic()
    check_limits(concurrency, rate, max_retries, max_wait, timeout, max_failures)
    credentials = resolve_credentials(api_key, secret_key, base_url, insecure=insecure)
    reading = partial(FileCheck, sheet=sheet, source=source, include_archived=include_archived)
    async with _local_input(path, report, insecure=insecure, timeout=timeout) as local:
        given, input_path, report_path = local
        with output_lock(plan_path(report_path, input_path) if dry_run else report_path) as notices:
            check = reading(given)
            journal_file, journal = _journal(report_path, resume=resume)
            settings = (on_existing, max_failures, resume, dry_run, progress)
            run = _Run(list(check), journal, journal_file, *settings)
            link = Link(credentials, concurrency, check_rate(rate), max_retries, max_wait, timeout)
            summary = await _send_and_report(
                run, link, (input_path, report_path), started, handle_signals=handle_signals
            )
    summary = _with_failed_frame(_with_notes(summary, notices, check), path, dry_run=dry_run)
    return _unless_ended_early(run, summary)


def _unless_ended_early(run: _Run, summary: ImportSummary) -> ImportSummary:
    """The summary, or, when a bug ended the sending, `RunEndedEarly`: raised here, once
    the report and the journal are written and the lock released."""
    if run.ended.error is not None:
        raise RunEndedEarly(summary) from run.ended.error
    return summary


def _with_notes(summary: ImportSummary, notices: list[str], check: FileCheck) -> ImportSummary:
    """What the file told: its warnings, and for an export what converting it dropped."""
    summary.file_warnings = [*notices, *(_notice(warning) for warning in check.warnings)]
    if check.source:
        labels = (o.losses for o in summary.rows if o.status != "skipped")
        summary.losses = Losses.tally(check.source, labels)
    return summary


def _with_failed_frame(summary: ImportSummary, path: object, *, dry_run: bool) -> ImportSummary:
    """A DataFrame input's failed rows go back to the caller as a DataFrame too."""
    if is_frame(path) and not dry_run:
        from pipeline.report.frame import failed_frame  # pandas, only for a DataFrame input

        summary.failed_frame = failed_frame(path, summary.rows)
    return summary


@asynccontextmanager
async def _local_input(
    path: str | Path | DataFrame,
    report: str | Path | None,
    *,
    insecure: bool,
    timeout: float,  # noqa: ASYNC109  (the --timeout knob, passed on to the download)
) -> AsyncIterator[tuple[str | Path | DataFrame, Path, Path]]:
    """What to read (a DataFrame as given, a file, a URL's download removed when the
    block ends), the path that names its outputs, and the report. Called once the
    credentials are known good: a run that cannot start fetches nothing."""
    if not isinstance(path, str | os.PathLike):
        # A DataFrame is read as it is; anything else is refused by `_checked_paths`.
        yield (path, *_checked_paths(path, report))
        return
    async with local_copy(path, insecure=insecure, timeout=timeout) as local:
        yield (local, *_checked_paths(local, report))


def _journal(
    report_path: Path, *, resume: bool
) -> tuple[Path, dict[tuple[str | None, int], JournalEntry]]:
    """The journal beside the report, and, when resuming, what it says is done."""
    journal_file = journal_path(report_path)
    return journal_file, read_journal(journal_file) if resume else {}


def _checked_paths(path: object, report: str | Path | None) -> tuple[Path, Path]:
    """The input and the report, once the outputs beside the report are known to be safe."""
    input_path = path_for_input(path)
    report_path = Path(report) if report is not None else report_path_for(input_path)
    check_outputs(input_path, report_path)
    return input_path, report_path


async def _send_and_report(
    run: _Run, link: Link, paths: tuple[Path, Path], started: float, *, handle_signals: bool
) -> ImportSummary:
    """Send, then write the report; a signal while writing waits until it is written."""
    input_path, report_path = paths
    with _Signals(enabled=handle_signals) as signals:
        outcomes, sending = await _connect_and_send(run, link, signals)
        return signals.ended(_finish(run, outcomes, sending, report_path, input_path, started))


def connection(link: Link, stop: Stop, *, memory: bool = True) -> tuple[LabelsClient, Sending]:
    """The client and what its requests share (the rate gate, the retry policy, the
    breaker), built in this one place so that every command paces and retries alike.

    With `memory`, an `auto` pace starts from what earlier runs found of this server
    (`pace_memory`); `keep_pace` keeps what this one found.
    """
    found = None
    if link.rate == AUTO and memory:
        found = pace_memory.recall(link.credentials.base_url, link.credentials.api_key)
    gate = RateGate(link.rate, wait=stop.wait, stopping=lambda: stop.requested, found=found)
    policy = policy_for(link.max_retries, link.max_wait)
    sending = Sending(gate, stop, policy, breaker=Breaker(link.concurrency))
    credentials = link.credentials
    client = LabelsClient(
        credentials.base_url,
        credentials.api_key,
        credentials.secret_key,
        concurrency=link.concurrency,
        timeout=link.timeout,
    )
    return client, sending


def keep_pace(link: Link, sending: Sending) -> None:
    """Keep what an `auto` pace found of the server, for the next run to start from."""
    pace = sending.gate.pace
    if link.rate == AUTO and pace is not None and (found := pace.found) is not None:
        pace_memory.remember(link.credentials.base_url, link.credentials.api_key, found)


async def _connect_and_send(
    run: _Run, link: Link, signals: _Signals
) -> tuple[list[RowOutcome], Sending]:
    """Every row's outcome, and what the sending shared (the stop and the counts)."""
    client, sending = connection(link, signals.stop, memory=not run.dry_run)
    async with client:
        outcomes = await _plan_and_send(
            run, client, sending, concurrency=link.concurrency, hard_stop=signals.hard_stop
        )
    if not run.dry_run:
        keep_pace(link, sending)
    signals.hold()
    credentials = link.credentials
    _tell_ended_early(run, outcomes, Redactor((credentials.api_key, credentials.secret_key)))
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
        try:
            existing = await existing_labels(client, sending)
            if existing is not None:
                index = index_labels(existing)
                outcomes, jobs = plan(
                    run.rows, index, on_existing=run.on_existing, journal=run.journal
                )
                if run.dry_run:
                    preview(outcomes, jobs, {project for _, _, project in index})
                else:
                    await _send(run, jobs, outcomes, client, sending, concurrency)
        except Exception as exc:
            # A bug of ours: the rows settled so far still get their report, then it is raised.
            run.ended.error = exc
    if hard_stop.cancelled_caught:
        stop.request("interrupted")
    if outcomes is None:
        # The listing never finished: nothing was sent; every valid row is not_attempted.
        outcomes, _ = plan(run.rows, {}, on_existing=run.on_existing, journal=run.journal)
    return outcomes


def _tell_ended_early(run: _Run, outcomes: list[RowOutcome], redact: Redactor) -> None:
    """Word the fault that ended the sending, in one line without the keys, for the
    summary and for every row it left unsettled."""
    error: BaseException | None = run.ended.error
    if error is None:
        return
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        # A worker's fault comes wrapped in the task group's exception group.
        error = error.exceptions[0]
    detail = redact.text(" ".join(str(error).split()))[:SHOWN_ERROR]
    cause = f"unexpected error ({type(error).__name__}{': ' if detail else ''}{detail})"
    run.ended.message = f"the run ended early: {cause}; please report it"
    why = f"the run ended early, before this row was settled: {cause}; --resume sends it"
    for outcome in outcomes:
        if outcome.status == "not_attempted":
            outcome.error = why


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
    with ExitStack() as stack:
        lines = _open_journal(stack, run, sending.stop, outcomes)
        if lines is None:
            return

        def finished(job: Job, outcome: RowOutcome) -> None:
            nonlocal done, failed
            lines.finished(job, outcome)
            # Per row on the hot path: nothing is counted or built when no one watches.
            if progress is not None:
                done += 1
                failed += outcome.status == "failed"
                gate = sending.gate
                progress(
                    Progress(done, total, failed, outcome, pace=gate.rate, waiting=gate.waiting)
                )

        sender = _sender(run, client, sending, outcomes, (finished, lines.starting), total)
        if progress is not None:
            progress(Progress(0, total, 0))
            sending.gate.on_pause = lambda s: progress(Progress(done, total, failed, waiting_s=s))
        await run_pool(sender.settle, jobs, concurrency=concurrency, stop=sending.stop)


def _sender(
    run: _Run,
    client: LabelsClient,
    sending: Sending,
    outcomes: list[RowOutcome],
    hooks: tuple[Finished, Starting],
    jobs: int,
) -> RowSender:
    """The sender of the rows, telling the journal and the progress as they go (`hooks`)."""
    finished, starting = hooks
    return RowSender(
        client,
        sending,
        outcomes,
        on_existing=run.on_existing,
        finished=finished,
        starting=starting,
        max_failures=parse_max_failures(run.max_failures, jobs),
    )


def _open_journal(
    stack: ExitStack, run: _Run, stop: Stop, outcomes: Sequence[RowOutcome]
) -> _JournalLines | None:
    try:
        journal = stack.enter_context(Journal(run.journal_file, fresh=not run.resume))
    except OSError as exc:
        _journal_failed(run, stop, exc)
        return None
    lines = _JournalLines(journal, run, stop, outcomes)
    lines.landed_before()
    return lines


class _JournalLines:
    """What the journal says of the rows being sent: an intent line before each request
    that may change the server, an outcome line once the row is settled."""

    def __init__(
        self, journal: Journal, run: _Run, stop: Stop, outcomes: Sequence[RowOutcome]
    ) -> None:
        self._journal = journal
        self._run = run
        self._stop = stop
        self._outcomes = outcomes

    def starting(self, job: Job, action: Literal["create", "update"]) -> bool:
        """The row's intent; False (the run stops) if it cannot be written: a request
        sent unrecorded could not be told apart from someone else's label on resume."""
        outcome = self._outcomes[job.index]
        intent = JournalEntry(outcome.row, outcome.sheet, job.fingerprint, INTENTS[action], None)
        return self._write(intent)

    def finished(self, job: Job, outcome: RowOutcome) -> None:
        self._write(
            JournalEntry(
                outcome.row, outcome.sheet, job.fingerprint, outcome.status, outcome.label_id
            )
        )

    def landed_before(self) -> None:
        """Rows whose request an interrupted run sent, found on the server as they ask
        (`plan` settled them from their intent): their outcome line, so the journal's
        last word on them is an outcome, as for every other finished row."""
        for outcome in self._outcomes if self._run.journal else ():
            entry = self._run.journal.get((outcome.sheet, outcome.row))
            if entry is not None and INTENT_DONE.get(entry.status) == outcome.status:
                row, sheet, label = outcome.row, outcome.sheet, outcome.label_id
                self._write(JournalEntry(row, sheet, entry.fingerprint, outcome.status, label))

    def _write(self, entry: JournalEntry) -> bool:
        try:
            self._journal.record(entry)
        except OSError as exc:
            _journal_failed(self._run, self._stop, exc)
            return False
        return True


def _journal_failed(run: _Run, stop: Stop, exc: OSError) -> None:
    """Stop sending: a row sent now could not be recorded, and `--resume` relies on it."""
    if not run.unwritten.journal_intact:
        return
    run.unwritten.journal_intact = False
    message = (
        f"cannot write the journal {run.journal_file} ({exc.strerror or exc}); stopped "
        "sending, since rows sent from now on could not be resumed"
    )
    run.unwritten.failures.append(message)
    stop.request("fatal", message)


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
    failed_path = _write_outputs(run, outcomes, report_path, input_path)
    counts = Counter(o.status for o in outcomes)
    errors = Counter(o.error for o in outcomes if o.status == "failed" and o.error)
    stop, stats = sending.stop, sending.stats
    # An output that could not be written ends the run as a fatal fault (exit 3).
    stopped = "unexpected" if run.ended.message else stop.reason
    stopped = stopped or ("fatal" if run.unwritten.failures else None)
    return ImportSummary(
        total=len(outcomes),
        created=counts["created"],
        existing=counts["existing"],
        updated=counts["updated"],
        invalid=counts["invalid"],
        failed=counts["failed"],
        not_attempted=counts["not_attempted"],
        skipped=counts["skipped"],
        existing_differs=counts["existing_differs"],
        create=counts["create"],
        update=counts["update"],
        unchanged=counts["unchanged"],
        requests=stats.requests,
        retries=stats.retries,
        elapsed_s=time.monotonic() - started,
        report=str(plan_path(report_path, input_path) if run.dry_run else report_path),
        failed_rows=str(failed_path) if failed_path else None,
        dry_run=run.dry_run,
        sending_s=stats.sending_s,
        stopped=stopped,
        stop_message=_stop_message(stop, run),
        top_errors=errors.most_common(TOP_ERRORS),
        rows=outcomes,
    )


def _stop_message(stop: Stop, run: _Run) -> str:
    message = stop.message
    if stop.reason == "interrupted":
        message = "interrupted; rows not sent are not_attempted (re-run with --resume)"
    said = (run.ended.message, message, *run.unwritten.failures)
    return "; ".join(dict.fromkeys(m for m in said if m))


def _write_outputs(
    run: _Run, outcomes: list[RowOutcome], report_path: Path, input_path: Path
) -> Path | None:
    """Write each output on its own, so one that fails does not stop the others; a dry
    run writes only its plan, never a real run's files. The failed-rows file, if any."""
    if run.dry_run:
        plan = plan_path(report_path, input_path)
        _try_writing(run, plan, partial(write_report, plan, outcomes))
        return None
    _try_writing(run, report_path, partial(write_report, report_path, outcomes))
    failed_path = failed_rows_path(report_path, input_path)
    raws = [r.raw for r in run.rows]
    written = _try_writing(
        run, failed_path, partial(write_failed_rows, failed_path, raws, outcomes)
    )
    return failed_path if written else None


def _try_writing(run: _Run, path: Path, write: Callable[[], T]) -> T | None:
    try:
        return write()
    except OSError as exc:
        reason = f"cannot write {path} ({exc.strerror or exc})"
        if not run.dry_run and run.unwritten.journal_intact:
            reason += (
                f"; the outcome of every row sent is in the journal {run.journal_file}: "
                "--resume will not send created rows again"
            )
        run.unwritten.failures.append(reason)
        return None


P = ParamSpec("P")
T = TypeVar("T")


def blocking(function: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, T]:
    """`function` for callers without an event loop: it runs in a loop of its own."""

    @wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        call = partial(function, *args, **kwargs)
        if not _in_event_loop():
            return anyio.run(call)
        # A notebook runs each cell inside its event loop, where anyio.run refuses to
        # start another: the call gets a thread and a loop of its own, and waits for it.
        with ThreadPoolExecutor(1, thread_name_prefix="label-import") as worker:
            return worker.submit(anyio.run, call).result()

    return run


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


import_labels_sync = blocking(import_labels)
"""`import_labels` for code that does not await (Airflow tasks, scripts, a notebook cell);
same arguments. Called where an event loop runs (a Jupyter cell), it runs the import on a
thread of its own; `await import_labels(...)` is the same without the thread."""
