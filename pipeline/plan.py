"""The plan: decide, before anything is sent, what each input row needs.

Every row gets a `RowOutcome` (the report line) at once; rows that need the server also
get a `Job`. Rows are settled here when they are invalid, already on the server
(`--on-existing skip|fail`, unchanged under `update`, or with other settings and no
`--on-existing` given), or already done according to the journal of an earlier run with
the same payload fingerprint (`--resume`): its outcome line, or its intent line alone (the
run ended before the answer) with the label now on the server exactly as the row asks.
A dry run stops here: `preview` turns the plan into what each row would become.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pipeline.labels import LabelSpec
from pipeline.rows import (
    DONE_STATUSES,
    INTENT_DONE,
    CheckedRow,
    JournalEntry,
    Problem,
    RowOutcome,
)
from pipeline.validate.messages import DEFAULTS_HINTS

# What to do with a label that exists already. None, the default, is `skip` for a label
# as the row asks and `existing_differs` (exit 1) for one with other settings: only the
# user can say whether the server's version or the row's should win.
OnExisting = Literal["skip", "update", "fail"]
LabelKey = tuple[str, str, str | None]
# The fields `--on-existing update` may change; type and name identify the label.
UPDATABLE = ("description", "settings")
# A value longer than this is cut in a difference: the report names it, the row holds it.
SHOWN_VALUE = 40
# A settings key one side does not have, told apart from one it holds as null: an update
# sends the row's settings whole, so either is a difference.
_ABSENT = object()


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


def differences(payload: Mapping[str, Any], existing: Mapping[str, Any]) -> list[str]:
    """Each key where the server's label is not as the row asks, with both values:
    `settings.no_of_stars: 10 on the server, 5 in the row` (the settings key by key)."""
    found: list[str] = []
    for field in changes_for(payload, existing):
        ours, theirs = payload[field], existing.get(field)
        if isinstance(ours, dict) and isinstance(theirs, dict):
            found.extend(
                _difference(f"{field}.{key}", ours.get(key, _ABSENT), theirs.get(key, _ABSENT))
                for key in dict.fromkeys((*ours, *theirs))
                if ours.get(key, _ABSENT) != theirs.get(key, _ABSENT)
            )
        else:
            found.append(_difference(field, ours, theirs))
    return found


def _difference(key: str, ours: Any, theirs: Any) -> str:
    return f"{key}: {_value(theirs)} on the server, {_value(ours)} in the row"


def _value(value: Any) -> str:
    if value is _ABSENT:
        return "nothing"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= SHOWN_VALUE else text[: SHOWN_VALUE - 1] + "…"


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
        if p.severity == "warning" and p.hint not in DEFAULTS_HINTS and p not in notes
    )


def plan(
    rows: Sequence[CheckedRow],
    existing: Mapping[LabelKey, Mapping[str, Any]],
    *,
    on_existing: OnExisting | None,
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
        found = existing.get(label.key())
        if done is not None and _done_before(outcome, done, body_digest, payload, found):
            continue
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


def _done_before(
    outcome: RowOutcome,
    done: JournalEntry,
    body_digest: str,
    payload: Mapping[str, Any],
    found: Mapping[str, Any] | None,
) -> bool:
    """Settle a row the journal of an earlier run says is done, for the payload the row
    has now: its outcome line says so, or its intent line alone (the run was interrupted
    while the request was out) and the label is on the server exactly as the row asks.
    That request landed and only its answer was lost, so the row is that run's `created`
    (or `updated`), not `existing`; with other settings it is judged as any existing
    label is."""
    if done.fingerprint != body_digest:
        return False
    if done.status in DONE_STATUSES:
        outcome.status = done.status
        outcome.label_id = done.label_id
        return True
    status = INTENT_DONE.get(done.status)
    if status is None or found is None or differences(payload, found):
        return False
    outcome.status = status
    outcome.label_id = str(found["id"]) if found.get("id") else None
    outcome.error = (
        f"{status} by the run that was interrupted before its answer came back; "
        "the label is on the server as the row asks"
    )
    return True


def settle_existing(
    outcome: RowOutcome, update: Job, on_existing: OnExisting | None, jobs: list[Job]
) -> None:
    """Apply `--on-existing` to a row whose label the server already has."""
    found = update.existing or {}
    outcome.label_id = str(found.get("id")) if found.get("id") else None
    if on_existing == "fail":
        outcome.status = "failed"
        outcome.error = (
            "a label with this name and type already exists (use --on-existing skip or update)"
        )
    elif on_existing == "update" and changes_for(update.payload, found):
        jobs.append(update)
    else:
        judge_existing(outcome, differences(update.payload, found), on_existing)


def judge_existing(
    outcome: RowOutcome, differing: Sequence[str], on_existing: OnExisting | None
) -> None:
    """A row whose label exists and is not to be changed: `existing`, unless it differs
    and no one chose (`existing_differs`). The differing keys are named either way."""
    keys = "; ".join(differing)
    if not differing:
        outcome.status = "existing"
    elif on_existing is None:
        outcome.status = "existing_differs"
        outcome.error = (
            f"a label with this name and type exists with other settings ({keys}); "
            "choose --on-existing update to change it or --on-existing skip to keep it"
        )
    else:
        outcome.status = "existing"
        outcome.error = f"kept as it is on the server (--on-existing {on_existing}): {keys}"


def preview(
    outcomes: list[RowOutcome], jobs: Sequence[Job], listed_projects: Container[str | None]
) -> None:
    """Turn a plan into what a dry run reports: what each row would become.

    A project whose labels the listing did not show may not exist: the server lists
    nothing for a project it does not have, so a row naming one is planned unchecked.
    """
    for outcome in outcomes:
        if outcome.status in DONE_STATUSES:
            # Already there as the row asks (the listing), or done by an earlier run (the
            # journal, under --resume): either way the run would not touch it.
            if outcome.status != "existing":
                outcome.error = f"{outcome.status} by an earlier run (the journal)"
            outcome.status = "unchanged"
    for job in jobs:
        outcome = outcomes[job.index]
        project = job.label.project
        unchecked = (
            f"project {project} not checked: the server lists no labels for it"
            if project is not None and project not in listed_projects
            else ""
        )
        if job.action == "create":
            outcome.status, outcome.error = "create", unchecked
        else:
            changes = "; ".join(differences(job.payload, job.existing or {}))
            outcome.status, outcome.error = "update", f"would change {changes}"
