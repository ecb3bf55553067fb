"""Settling one row: create its label (reconciling after a lost answer) or update it.

Whatever happens to the row becomes a value on its `RowOutcome`; only the run's `Stop`
says that the run cannot go on (bad credentials, the error budget). A row left
`not_attempted` was stopped before it could be settled; `--resume` sends it again.
Once the server says a project does not exist, the other rows naming it fail unsent:
each would get the same answer, one request apiece.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from pipeline.plan import Job, OnExisting, changes_for, differences, judge_existing
from pipeline.rows import RowOutcome
from pipeline.send.answers import label_id
from pipeline.send.client import LabelsClient
from pipeline.send.listing import Lookup, find_label
from pipeline.send.retry import Attempted, Sending, send_with_retries

# Called as each row is settled: the journal and the progress display.
Finished = Callable[[Job, RowOutcome], None]
# Called just before a row's create or update request goes out (the journal's intent
# line); False means it could not be recorded, and the request is not sent.
Starting = Callable[[Job, Literal["create", "update"]], bool]


def _always(job: Job, action: Literal["create", "update"]) -> bool:
    return True


class RowSender:
    """Settles each job's row, and stops the run after `max_failures` failed rows."""

    def __init__(
        self,
        client: LabelsClient,
        sending: Sending,
        outcomes: Sequence[RowOutcome],
        *,
        on_existing: OnExisting | None,
        finished: Finished,
        starting: Starting = _always,
        max_failures: int | None = None,
    ) -> None:
        self._client = client
        self._sending = sending
        self._outcomes = outcomes
        self._on_existing = on_existing
        self._finished = finished
        self._starting = starting
        self._max_failures = max_failures
        self._failed = 0
        # Why each project the server said does not exist fails its rows.
        self._unknown_projects: dict[str, str] = {}

    async def settle(self, job: Job) -> None:
        """Send `job` and settle its row's outcome, unless the run stops first."""
        outcome = self._outcomes[job.index]
        project = job.label.project
        known_unknown = self._unknown_projects.get(project, "") if project else ""
        if known_unknown:
            _settle(outcome, "failed", error=known_unknown)
        elif job.action == "create":
            await self._create(job, outcome)
        else:
            await self._update(job, outcome, job.existing or {})
        if outcome.status != "not_attempted":
            self._count(outcome)
            self._finished(job, outcome)

    def _count(self, outcome: RowOutcome) -> None:
        if outcome.status != "failed":
            return
        self._failed += 1
        if self._max_failures is not None and self._failed >= self._max_failures:
            self._sending.stop.request(
                "max_failures", f"stopped after {self._failed} failed rows (--max-failures)"
            )

    async def _create(self, job: Job, outcome: RowOutcome) -> None:
        if not self._starting(job, "create"):
            return
        done = await send_with_retries(lambda: self._client.create(job.body), self._sending)
        outcome.attempts = done.attempts
        answer = done.answer
        if answer is None:
            if done.may_have_acted:
                outcome.error = "stopped before an answer; the label may exist (use --resume)"
            return
        outcome.http_status = answer.status
        if answer.kind == "ok":
            _settle(outcome, "created", label_id(answer.label))
        elif answer.kind == "exists":
            await self._reconcile(job, outcome, acted=done.may_have_acted)
        elif answer.kind == "fatal":
            self._sending.stop.fatal(answer.message, answer)
            _settle(outcome, "failed", error=answer.message)
        elif answer.kind == "unknown_project":
            _settle(outcome, "failed", error=self._project_unknown(job, answer.message))
        elif answer.kind == "permanent":
            _settle(outcome, "failed", error=answer.message)
        elif done.may_have_acted:
            # Out of retries after at least one attempt that may have landed: ask.
            await self._reconcile(job, outcome, acted=True, gave_up=_gave_up(done, answer.message))
        else:
            _settle(outcome, "failed", error=_gave_up(done, answer.message))

    def _project_unknown(self, job: Job, said: str) -> str:
        """Why the row fails, remembered for every later row naming its project."""
        project = job.label.project
        reason = (
            f"project {project} does not exist in this organisation "
            f"(the server said: {said}); fix the project column"
        )
        if project is not None:
            reason = self._unknown_projects.setdefault(project, reason)
        return reason

    async def _reconcile(
        self, job: Job, outcome: RowOutcome, *, acted: bool, gave_up: str = ""
    ) -> None:
        """The label may or may not be there: look it up by name and type to find out.

        After a lost answer, "already exists" is our own earlier attempt succeeding, so
        the row is `created`; without one, someone else made it and `--on-existing` rules,
        as it does for a label the listing showed (`judge_existing`).
        """
        lookup = await find_label(self._client, job.label, self._sending)
        found = lookup.label
        if found is None:
            _not_found(outcome, lookup, gave_up)
            return
        found_id = label_id(found)
        if acted:
            _settle(outcome, "created", found_id)
        elif self._on_existing == "fail":
            _settle(outcome, "failed", found_id, "a label with this name and type already exists")
        elif self._on_existing == "update":
            await self._update(job, outcome, found)
        else:
            _settle(outcome, "existing", found_id)
            judge_existing(outcome, differences(job.payload, found), self._on_existing)

    async def _update(self, job: Job, outcome: RowOutcome, existing: Mapping[str, Any]) -> None:
        target = label_id(existing)
        changes = changes_for(job.payload, existing)
        if not changes:
            _settle(outcome, "existing", target)
            return
        if target is None:
            _settle(outcome, "failed", error="the server lists this label without an id")
            return
        if not self._starting(job, "update"):
            return
        done = await send_with_retries(lambda: self._client.update(target, changes), self._sending)
        outcome.attempts += done.attempts
        answer = done.answer
        if answer is None:
            return
        outcome.http_status = answer.status
        if answer.kind == "ok":
            _settle(outcome, "updated", target)
            return
        if answer.kind == "fatal":
            self._sending.stop.fatal(answer.message, answer)
        message = _gave_up(done, answer.message) if answer.retryable else answer.message
        _settle(outcome, "failed", target, f"update failed: {message}")


def _not_found(outcome: RowOutcome, lookup: Lookup, gave_up: str) -> None:
    """Settle a row whose label the lookup did not find, unless the run stopped first."""
    if lookup.stopped:
        outcome.error = "stopped while checking whether the label exists (use --resume)"
    elif gave_up:
        _settle(outcome, "failed", error=gave_up)
    elif lookup.problem:
        _settle(outcome, "failed", error=f"already exists, but the lookup failed: {lookup.problem}")
    else:
        _settle(outcome, "failed", error="server says the label exists but lists none")


def _settle(
    outcome: RowOutcome,
    status: Literal["created", "existing", "updated", "failed"],
    label_id: Any = None,
    error: str = "",
) -> None:
    outcome.status = status
    outcome.label_id = str(label_id) if label_id else outcome.label_id
    outcome.error = error


def _gave_up(done: Attempted, message: str) -> str:
    return f"gave up {done.spent}: {message}"
