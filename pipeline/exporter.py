"""The library's `export_labels`: an organisation's labels as a file that `run` reads back.

It reads the labels through the very client, rate gate, retry policy and breaker that
`import_labels` sends with (`importer.connection`), 500 a page, so an export paces and
retries as a run does. The server filters by type, project, name and archived state
itself (each is one of its list parameters). The file is written whole or not at all:
a listing that cannot finish writes nothing, since a file with part of the labels would
pass for a complete backup.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream
from pydantic import SecretStr

from pipeline.errors import UsageError
from pipeline.importer import Link, blocking, check_limits, connection, keep_pace
from pipeline.labels import LABEL_TYPES, LabelType
from pipeline.report.export_file import (
    SHEET,
    ExportSummary,
    check_export_path,
    export_columns,
    export_rows,
    in_order,
    storable,
)
from pipeline.report.writers import write_records
from pipeline.send.credentials import resolve_credentials
from pipeline.send.listing import read_labels
from pipeline.send.rate import AUTO, RateSetting, check_rate
from pipeline.send.retry import MAX_WAIT_S
from pipeline.send.stop import Stop
from pipeline.validate.columns import label_type as type_named


async def export_labels(
    path: str | Path,
    *,
    label_type: str | None = None,
    project: str | None = None,
    search: str | None = None,
    include_archived: bool = False,
    concurrency: int = 8,
    rate: RateSetting = AUTO,
    max_retries: int = 6,
    max_wait: float = MAX_WAIT_S,
    timeout: float = 30.0,  # noqa: ASYNC109  (per-attempt HTTP timeout, the --timeout knob)
    base_url: str | None = None,
    api_key: str | SecretStr | None = None,
    secret_key: str | SecretStr | None = None,
    insecure: bool = False,
) -> ExportSummary:
    """Write every label of the organisation (or those the filters keep) to `path`.

    Args:
        path: the file to write, .csv, .xlsx, .json or .jsonl: the columns of `template`
            and `validate` plus `label_id` and `created_at` (and `archived` with
            `include_archived`), which `run` and `validate` ignore. It is replaced whole.
        label_type: only labels of this type (a word `validate` reads as a type).
        project: only labels of this project (its UUID).
        search: only labels whose name contains this, in any case.
        include_archived: archived labels too, marked in the `archived` column. `run`
            creates every row it reads as an active label.
        concurrency, rate, max_retries, max_wait, timeout, base_url, api_key, secret_key,
            insecure: as for `import_labels`; the listing is paced and retried alike.

    Returns:
        The `ExportSummary`. An export that stopped (bad credentials, a server that no
        longer answers or never stops paginating, a file that cannot be written) returns
        too, with `stopped` set, exit code 3, and the file as it was.

    Raises:
        UsageError: a file name, filter or option that makes the export impossible.
        ConfigurationError: no credentials, or a base URL that is not http(s).
        InsecureURLError: plain http to a host other than loopback without `insecure`.
    """
    started = time.monotonic()
    out = Path(path)
    check_export_path(out)
    check_limits(concurrency, rate, max_retries, max_wait, timeout)
    kind, project = _checked_filters(label_type, project)
    credentials = resolve_credentials(api_key, secret_key, base_url, insecure=insecure)
    link = Link(credentials, concurrency, check_rate(rate), max_retries, max_wait, timeout)
    filters = {"search": search or None, "label_type": kind, "project": project}
    summary = ExportSummary(0, str(out), 0, 0, 0.0)
    text = out.suffix.lower() in (".csv", ".xlsx")
    convert = partial(export_rows, text=text, archived=include_archived)
    rows = await _listed(link, convert, summary, include_archived=include_archived, **filters)
    if rows is not None:
        _write(out, in_order(rows), summary, archived=include_archived)
    summary.elapsed_s = time.monotonic() - started
    return summary


Convert = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


async def _listed(
    link: Link,
    convert: Convert,
    summary: ExportSummary,
    *,
    include_archived: bool,
    **filters: str | None,
) -> list[dict[str, Any]] | None:
    """The rows of every label the filters keep, or None (and why, on `summary`) when the
    listing could not finish; the requests it took go on `summary` either way.

    Each page is converted by a task of its own while the next one is read: the
    listing hands it on and sends the next request, and the conversion runs while the
    server prepares that page (the client would otherwise sit idle while the server
    works, then the server while the client converts). No thread: one would only take
    turns with the listing for the interpreter lock.
    """
    stop = Stop()
    client, sending = connection(link, stop)
    rows: list[dict[str, Any]] = []
    send, receive = anyio.create_memory_object_stream[list[dict[str, Any]]](math.inf)
    async with client, anyio.create_task_group() as pages:
        pages.start_soon(_convert_pages, receive, convert, rows)
        with send:
            read = await read_labels(
                client,
                sending,
                send.send_nowait,
                include_archived=include_archived,
                at_once=link.concurrency,
                **filters,
            )
    keep_pace(link, sending)
    summary.requests, summary.retries = sending.stats.requests, sending.stats.retries
    if not read:
        summary.stopped, summary.stop_message = stop.reason or "fatal", stop.message
        return None
    return rows


async def _convert_pages(
    receive: MemoryObjectReceiveStream[list[dict[str, Any]]],
    convert: Convert,
    rows: list[dict[str, Any]],
) -> None:
    async with receive:
        async for page in receive:
            rows.extend(convert(page))


def _checked_filters(
    label_type: str | None, project: str | None
) -> tuple[LabelType | None, str | None]:
    """The type and project as the server's list parameters take them; a typo is a usage
    error here, not a 400 from the server after the connection is made."""
    kind = None
    if label_type is not None:
        kind = type_named(label_type)
        if kind is None:
            raise UsageError(f"--type {label_type!r}: use one of {', '.join(LABEL_TYPES)}")
    if project is None:
        return kind, None
    try:
        return kind, str(uuid.UUID(project.strip()))
    except ValueError:
        raise UsageError(f"--project {project!r}: give the project's UUID") from None


def _write(
    out: Path, rows: list[dict[str, Any]], summary: ExportSummary, *, archived: bool
) -> None:
    write = partial(
        write_records,
        out,
        export_columns(archived=archived),
        sheet=SHEET if out.suffix.lower() == ".xlsx" else None,
    )
    try:
        try:
            write(rows)
        except UnicodeEncodeError:
            # Only a lone surrogate cannot be written, from a `\ud800` escape in a hostile
            # answer: written as that escape. Looked for only then, it costs nothing else.
            write(storable(rows))
    except OSError as exc:
        summary.stopped = "fatal"
        summary.stop_message = f"cannot write {out} ({exc.strerror or exc})"
        return
    summary.labels = len(rows)


export_labels_sync = blocking(export_labels)
"""`export_labels` for code without an event loop (Airflow tasks, scripts); same arguments."""
