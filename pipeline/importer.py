"""The library entry point: `import_labels` runs read → validate → plan → send → report.

The CLI is a thin shell over this; an Airflow task or a script calls it directly (or
`import_labels_sync`) and gets an `ImportSummary` back. Exceptions leave only for runs
that cannot start: `InputError` (the file) and `UsageError` (options, credentials).
"""

from __future__ import annotations

import math
import random
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Sequence
from functools import partial, wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import anyio
from pydantic import SecretStr

from pipeline.client import LabelsClient, check_base_url
from pipeline.engine import Engine, RetryPolicy, Stop
from pipeline.journal import Journal, JournalEntry, journal_path, read_journal
from pipeline.plan import Checked, Job, OnExisting, RowOutcome, index_labels, plan
from pipeline.progress import Mode, RunProgress
from pipeline.rate import RateGate
from pipeline.report import (
    check_outputs,
    failed_rows_path,
    report_path_for,
    write_failed_rows,
    write_report,
)
from pipeline.rows import Problem
from pipeline.settings import Settings, UsageError
from pipeline.summary import ImportSummary
from pipeline.validate import FileCheck

TOP_ERRORS = 5


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


def _secret(value: str | SecretStr | None) -> str | None:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    return value


def _credentials(
    api_key: str | SecretStr | None,
    secret_key: str | SecretStr | None,
    base_url: str | None,
    insecure: bool,
) -> tuple[str, str, str]:
    settings = Settings()
    key = _secret(api_key) or _secret(settings.api_key)
    secret = _secret(secret_key) or _secret(settings.secret_key)
    if not key or not secret:
        raise UsageError(
            "no API credentials: set FI_API_KEY and FI_SECRET_KEY in the environment or a .env "
            "file (or use --sandbox to try the tool locally)"
        )
    url = check_base_url(base_url or settings.base_url, insecure=insecure)
    return url, key, secret


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
    progress: Mode = "off",
    handle_signals: bool = False,
    retry_policy: RetryPolicy | None = None,
    rng: random.Random | None = None,
) -> ImportSummary:
    """Create every valid row's label once; write the report; return the summary.

    Credentials and base URL default to FI_API_KEY / FI_SECRET_KEY / FI_BASE_URL (env or
    `.env`). `handle_signals` makes SIGINT/SIGTERM stop gracefully (a second one at once);
    only the main thread can receive signals, so it is off for library callers.
    """
    started = time.monotonic()
    input_path = Path(path)
    report_path = Path(report) if report is not None else report_path_for(input_path)
    check_outputs(input_path, report_path)
    if concurrency < 1 or rate < 0 or max_retries < 0 or timeout <= 0:
        raise UsageError("--concurrency ≥ 1, --rate ≥ 0, --max-retries ≥ 0, --timeout > 0")
    url, key, secret = _credentials(api_key, secret_key, base_url, insecure)
    parse_max_failures(max_failures, 1)  # reject a malformed budget before any work

    check = FileCheck(input_path, sheet=sheet, source=source, include_archived=include_archived)
    rows: list[Checked] = list(check)
    journal_file = journal_path(report_path)
    done_before = read_journal(journal_file) if resume else {}
    stop = Stop()
    outcomes: list[RowOutcome] | None = None
    jobs: list[Job] = []
    gate = RateGate(rate, wait=stop.wait, stopping=lambda: stop.requested)
    async with LabelsClient(url, key, secret, concurrency=concurrency, timeout=timeout) as client:
        engine = Engine(
            client,
            gate,
            stop,
            policy=retry_policy or RetryPolicy(max_retries=max_retries),
            on_existing=on_existing,
            concurrency=concurrency,
            rng=rng,
        )
        with anyio.CancelScope() as hard_stop:
            async with anyio.create_task_group() as group:
                if handle_signals:
                    group.start_soon(_watch_signals, stop, hard_stop)
                existing = await engine.list_existing()
                if existing is not None:
                    outcomes, jobs = plan(
                        rows,
                        index_labels(existing),
                        on_existing=on_existing,
                        journal=done_before,
                    )
                    engine.max_failures = parse_max_failures(max_failures, len(jobs))
                    if dry_run:
                        _mark_dry_run(outcomes, jobs)
                    else:
                        await _send(engine, jobs, outcomes, journal_file, resume, progress)
                group.cancel_scope.cancel()
        if hard_stop.cancelled_caught:
            stop.request("interrupted")
    if outcomes is None:
        # The listing never finished: nothing was sent; every valid row is not_attempted.
        outcomes, _ = plan(rows, {}, on_existing=on_existing, journal=done_before)
    summary = _finish(
        rows, outcomes, engine, stop, report_path, input_path, started, dry_run=dry_run
    )
    summary.file_warnings = [_notice(warning) for warning in check.warnings]
    return summary


def _notice(warning: Problem) -> str:
    where = f"sheet {warning.sheet!r}: " if warning.sheet else ""
    if warning.column:
        where += f"column {warning.column!r}: "
    hint = f" ({warning.hint})" if warning.hint else ""
    return f"{where}{warning.message}{hint}"


async def _send(
    engine: Engine,
    jobs: Sequence[Job],
    outcomes: list[RowOutcome],
    journal_file: Path,
    resume: bool,
    progress: Mode,
) -> None:
    with (
        Journal(journal_file, fresh=not resume) as journal,
        RunProgress(len(jobs), mode=progress) as bar,
    ):

        def finished(job: Job, outcome: RowOutcome) -> None:
            journal.record(
                JournalEntry(
                    outcome.row, outcome.sheet, job.fingerprint, outcome.status, outcome.label_id
                )
            )
            bar.row_done(outcome)

        await engine.run(jobs, outcomes, finished)


def _mark_dry_run(outcomes: list[RowOutcome], jobs: Sequence[Job]) -> None:
    for job in jobs:
        outcomes[job.index].error = f"dry run: would {job.action}"


async def _watch_signals(stop: Stop, hard_stop: anyio.CancelScope) -> None:
    """First SIGINT/SIGTERM: finish in-flight requests, send no more. Second: stop now."""
    with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async for _ in signals:
            if stop.reason == "interrupted":
                hard_stop.cancel()
                return
            stop.request("interrupted")
            # Only the CLI handles signals; the person who pressed Ctrl-C deserves to know.
            sys.stderr.write(
                "label-import: stopping; finishing requests in flight "
                "(press Ctrl-C again to stop now)\n"
            )


def _finish(
    rows: Sequence[Checked],
    outcomes: list[RowOutcome],
    engine: Engine,
    stop: Stop,
    report_path: Path,
    input_path: Path,
    started: float,
    *,
    dry_run: bool,
) -> ImportSummary:
    write_report(report_path, outcomes)
    failed_path = failed_rows_path(report_path, input_path)
    written = write_failed_rows(failed_path, [r.raw for r in rows], outcomes)
    counts = Counter(o.status for o in outcomes)
    errors = Counter(o.error for o in outcomes if o.status == "failed" and o.error)
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
        requests=engine.stats.requests,
        retries=engine.stats.retries,
        elapsed_s=time.monotonic() - started,
        report=str(report_path),
        failed_rows=str(failed_path) if written else None,
        dry_run=dry_run,
        sending_s=engine.stats.sending_s,
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
"""`import_labels` for code without an event loop (Airflow tasks, scripts)."""
