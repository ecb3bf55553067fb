"""The plan: decide, before anything is sent, what each input row needs.

Every row gets a `RowOutcome` (the report line) at once; rows that need the server also
get a `Job`. Rows are settled here when they are invalid, already on the server
(`--on-existing skip|fail`, or unchanged under `update`), or already done according to
the journal of an earlier run with the same payload fingerprint (`--resume`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pipeline.labels import LabelSpec
from pipeline.rows import DONE_STATUSES, CheckedRow, JournalEntry, Problem, RowOutcome
from pipeline.validate.messages import DEFAULTS_HINT

OnExisting = Literal["skip", "update", "fail"]
LabelKey = tuple[str, str, str | None]
# The fields `--on-existing update` may change; type and name identify the label.
UPDATABLE = ("description", "settings")


@dataclass(frozen=True, slots=True)
class Job:
    """A row that needs the server: create it, or update the existing label."""

    index: int
    label: LabelSpec
    payload: dict[str, Any]
    # The POST body, serialised once: every attempt sends these bytes and the
    # fingerprint is their digest, so one JSON encoding serves both.
    body: bytes
    fingerprint: str
    action: Literal["create", "update"]
    existing: Mapping[str, Any] | None = None


def canonical(payload: dict[str, Any]) -> bytes:
    """The payload as stable JSON bytes: what is sent, and what the fingerprint digests."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def fingerprint(payload: dict[str, Any]) -> str:
    """A stable digest of what would be sent, so a changed row is sent again on resume."""
    return digest(canonical(payload))


def label_key(label: Mapping[str, Any]) -> LabelKey | None:
    """The uniqueness key of a label as the server lists it."""
    name, kind = label.get("name"), label.get("type")
    if not isinstance(name, str) or not isinstance(kind, str):
        return None
    project = label.get("project")
    return (name.strip().casefold(), kind, str(project) if project else None)


def index_labels(labels: Sequence[Mapping[str, Any]]) -> dict[LabelKey, Mapping[str, Any]]:
    """Active labels by uniqueness key; archived ones do not block a create."""
    index: dict[LabelKey, Mapping[str, Any]] = {}
    for label in labels:
        key = label_key(label)
        if key is not None and not label.get("archived"):
            index.setdefault(key, label)
    return index


def changes_for(payload: Mapping[str, Any], existing: Mapping[str, Any]) -> dict[str, Any]:
    """The PATCH body that makes `existing` match the row (empty when nothing differs)."""
    return {
        field: payload[field]
        for field in UPDATABLE
        if field in payload and payload[field] != existing.get(field)
    }


def _problem_text(problems: Sequence[Problem]) -> str:
    errors = [p for p in problems if p.severity == "error"] or list(problems)
    return _joined(errors) or "invalid row"


def _joined(problems: Iterable[Problem]) -> str:
    """Problems as one report cell: `column: message (hint)`, separated by semicolons."""
    parts = []
    for problem in problems:
        where = f"{problem.column}: " if problem.column else ""
        hint = f" ({problem.hint})" if problem.hint else ""
        parts.append(f"{where}{problem.message}{hint}")
    return "; ".join(parts)


def outcome_for(checked: CheckedRow) -> RowOutcome:
    raw, label = checked.raw, checked.label
    name, kind = (label.name, label.type) if label is not None else (checked.name, checked.type)
    return RowOutcome(
        row=raw.row,
        sheet=raw.sheet,
        name=name,
        type=kind,
        status="not_attempted",
        source_id=raw.source_id,
        lost="; ".join(n.message for n in raw.notes if n.severity == "warning")
        if raw.notes
        else "",
        losses=raw.losses,
        warnings=_warnings(checked),
    )


def _warnings(checked: CheckedRow) -> str:
    """What `validate` warns about the label the row makes (a value the UI caps, a setting
    sent as written), so the report says it too. Left out: a migration's own notes (its
    `lost`), a skipped row's reason (its `error`) and the defaults filled in."""
    if checked.raw.skip is not None or not checked.problems:
        return ""
    notes = checked.raw.notes
    return _joined(
        p
        for p in checked.problems
        if p.severity == "warning" and p.hint != DEFAULTS_HINT and p not in notes
    )


def plan(
    rows: Sequence[CheckedRow],
    existing: Mapping[LabelKey, Mapping[str, Any]],
    *,
    on_existing: OnExisting,
    journal: Mapping[tuple[str | None, int], JournalEntry],
) -> tuple[list[RowOutcome], list[Job]]:
    """Report lines for every row (input order) and the jobs the engine must run."""
    outcomes: list[RowOutcome] = []
    jobs: list[Job] = []
    for index, checked in enumerate(rows):
        outcome = outcome_for(checked)
        outcomes.append(outcome)
        label = checked.label
        if checked.raw.skip is not None:
            outcome.status = "skipped"
            outcome.error = checked.raw.skip
            continue
        if not checked.valid or label is None:
            outcome.status = "invalid"
            outcome.error = _problem_text(checked.problems)
            continue
        payload = label.payload()
        body = canonical(payload)
        body_digest = digest(body)
        done = journal.get((checked.raw.sheet, checked.raw.row))
        if done is not None and done.fingerprint == body_digest and done.status in DONE_STATUSES:
            outcome.status = done.status
            outcome.label_id = done.label_id
            continue
        found = existing.get(label.key())
        if found is None:
            jobs.append(Job(index, label, payload, body, body_digest, "create"))
            continue
        settle_existing(
            outcome,
            Job(index, label, payload, body, body_digest, "update", found),
            on_existing,
            jobs,
        )
    return outcomes, jobs


def settle_existing(
    outcome: RowOutcome, update: Job, on_existing: OnExisting, jobs: list[Job]
) -> None:
    """Apply `--on-existing` to a row whose label the server already has."""
    found = update.existing or {}
    label_id = str(found.get("id")) if found.get("id") else None
    outcome.label_id = label_id
    if on_existing == "skip":
        outcome.status = "existing"
    elif on_existing == "fail":
        outcome.status = "failed"
        outcome.error = (
            "a label with this name and type already exists (use --on-existing skip or update)"
        )
    elif changes_for(update.payload, found):
        jobs.append(update)
    else:
        outcome.status = "existing"
