"""The worker pool: sends every job through the rate gate, retries, and settles each row.

A producer feeds a bounded stream; `concurrency` workers take jobs from it. A worker
turns whatever happens to its row into a value on that row's `RowOutcome`; nothing but
cancellation leaves a worker, so one bad row never cancels the pool (anyio task groups
cancel every sibling when one task raises). Run-ending events (bad credentials, the
error budget, a signal) go through `Stop`, which every worker checks before each request.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from pipeline.labels import LabelSpec
from pipeline.plan import Job, OnExisting, changes_for, label_key
from pipeline.rows import RowOutcome, StopReason
from pipeline.send.client import Answer, LabelsClient, page_labels
from pipeline.send.rate import RateGate
from pipeline.send.retry import RetryPolicy

_STOPPED = "the run was stopped"


class Stop:
    """The run's stop state, shared by the signal watcher, the workers and the caller."""

    def __init__(self) -> None:
        self.event = anyio.Event()
        self.reason: StopReason | None = None
        self.message = ""

    @property
    def requested(self) -> bool:
        return self.reason is not None

    def request(self, reason: StopReason, message: str = "") -> None:
        """The first reason wins: a fatal answer after Ctrl-C is still an interruption."""
        if self.reason is None:
            self.reason = reason
            self.message = message
            self.event.set()

    async def wait(self, seconds: float) -> None:
        """Sleep, but wake as soon as a stop is requested."""
        with anyio.move_on_after(seconds):
            await self.event.wait()


@dataclass(frozen=True, slots=True)
class Attempted:
    """How a request with retries ended; `answer` is None when the run stopped first."""

    answer: Answer | None
    attempts: int
    reached: bool


@dataclass(slots=True)
class EngineStats:
    requests: int = 0
    retries: int = 0
    failed: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    # When the first request left and the last answer came back: the sending time.
    first_sent: float | None = None
    last_answer: float | None = None

    @property
    def sending_s(self) -> float:
        if self.first_sent is None or self.last_answer is None:
            return 0.0
        return self.last_answer - self.first_sent


Finished = Callable[[Job, RowOutcome], None]


class Engine:
    def __init__(
        self,
        client: LabelsClient,
        gate: RateGate,
        stop: Stop,
        *,
        policy: RetryPolicy,
        on_existing: OnExisting,
        concurrency: int = 8,
        max_failures: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._client = client
        self._gate = gate
        self._stop = stop
        self._policy = policy
        self._on_existing = on_existing
        self._concurrency = concurrency
        self.max_failures = max_failures
        self._rng = rng or random.Random()
        self.stats = EngineStats()

    async def list_existing(self) -> list[dict[str, Any]] | None:
        """Every label of the organisation, or None when the listing could not finish."""
        labels: list[dict[str, Any]] = []
        page = 1
        while True:
            done = await self._call(partial(self._client.list_page, page))
            answer = done.answer
            if answer is None:
                return None
            if answer.kind != "ok":
                self._fatal(f"could not list existing labels: {answer.message}", answer)
                return None
            found, more = page_labels(answer)
            labels.extend(found)
            if not more or not found:
                return labels
            page += 1

    async def run(
        self, jobs: Sequence[Job], outcomes: Sequence[RowOutcome], finished: Finished
    ) -> None:
        """Settle every job's outcome (or leave it `not_attempted` when the run stops)."""
        send, receive = anyio.create_memory_object_stream[Job](self._concurrency)
        async with anyio.create_task_group() as group:
            for _ in range(self._concurrency):
                group.start_soon(self._worker, receive.clone(), outcomes, finished)
            receive.close()
            group.start_soon(self._produce, send, jobs)

    async def _produce(self, send: MemoryObjectSendStream[Job], jobs: Sequence[Job]) -> None:
        async with send:
            for job in jobs:
                if self._stop.requested:
                    return
                # The awaiting form costs a scheduler checkpoint per job; only wait when
                # the buffer is full.
                try:
                    send.send_nowait(job)
                except anyio.WouldBlock:
                    await send.send(job)

    async def _worker(
        self,
        receive: MemoryObjectReceiveStream[Job],
        outcomes: Sequence[RowOutcome],
        finished: Finished,
    ) -> None:
        async with receive:
            while (job := await _next_job(receive)) is not None:
                if self._stop.requested:
                    continue
                outcome = outcomes[job.index]
                if job.action == "create":
                    await self._create(job, outcome)
                else:
                    await self._update(job, outcome, job.existing or {})
                if outcome.status != "not_attempted":
                    self._count(outcome)
                    finished(job, outcome)

    def _count(self, outcome: RowOutcome) -> None:
        if outcome.status != "failed":
            return
        self.stats.failed += 1
        self.stats.errors[outcome.error] += 1
        if self.max_failures is not None and self.stats.failed >= self.max_failures:
            self._stop.request(
                "max_failures", f"stopped after {self.stats.failed} failed rows (--max-failures)"
            )

    async def _call(self, send: Callable[[], Awaitable[Answer]]) -> Attempted:
        """Send through the gate, retrying transient failures per the policy."""
        attempts = 0
        reached = False
        while True:
            await self._gate.acquire()
            if self._stop.requested:
                return Attempted(None, attempts, reached)
            attempts += 1
            stats = self.stats
            stats.requests += 1
            if stats.first_sent is None:
                stats.first_sent = time.monotonic()
            answer = await send()
            stats.last_answer = time.monotonic()
            if answer.kind not in ("transient", "ambiguous"):
                return Attempted(answer, attempts, reached)
            # A 5xx may come after the server acted; only a 429 or a refused connection
            # proves the request did nothing.
            if answer.kind == "ambiguous" or (answer.status or 0) >= 500:
                reached = True
            if answer.status == 429:
                self._gate.throttle()
            if attempts > self._policy.max_retries:
                return Attempted(answer, attempts, reached)
            self.stats.retries += 1
            if answer.retry_after is not None:
                self._gate.pause(min(answer.retry_after, self._policy.retry_after_cap))
            else:
                await self._stop.wait(self._policy.backoff(attempts - 1, self._rng))

    def _fatal(self, message: str, answer: Answer) -> None:
        hint = ""
        if answer.status == 401:
            hint = " (check FI_API_KEY and FI_SECRET_KEY)"
        self._stop.request("fatal", f"{message}{hint}")

    async def _create(self, job: Job, outcome: RowOutcome) -> None:
        done = await self._call(lambda: self._client.create(job.body))
        outcome.attempts = done.attempts
        answer = done.answer
        if answer is None:
            if done.reached:
                outcome.error = "stopped before an answer; the label may exist (use --resume)"
            return
        outcome.http_status = answer.status
        if answer.kind == "ok":
            label = answer.label or {}
            _settle(outcome, "created", label.get("id"))
        elif answer.kind == "exists":
            await self._reconcile(job, outcome, reached=done.reached)
        elif answer.kind == "fatal":
            self._fatal(answer.message, answer)
            _settle(outcome, "failed", error=answer.message)
        elif answer.kind == "permanent":
            _settle(outcome, "failed", error=answer.message)
        elif done.reached:
            # Out of retries after at least one attempt that may have landed: ask.
            await self._reconcile(job, outcome, reached=True, gave_up=answer.message)
        else:
            _settle(outcome, "failed", error=_gave_up(done.attempts, answer.message))

    async def _reconcile(
        self, job: Job, outcome: RowOutcome, *, reached: bool, gave_up: str = ""
    ) -> None:
        """The label may or may not be there: look it up by name and type to find out.

        After a lost answer, "already exists" is our own earlier attempt succeeding, so
        the row is `created`; without one, someone else made it and `--on-existing` rules.
        """
        found, problem = await self._find(job.label)
        if found is None and problem == _STOPPED:
            outcome.error = "stopped while checking whether the label exists (use --resume)"
            return
        if found is None:
            if gave_up:
                _settle(outcome, "failed", error=_gave_up(outcome.attempts, gave_up))
            elif problem:
                _settle(
                    outcome, "failed", error=f"already exists, but the lookup failed: {problem}"
                )
            else:
                _settle(outcome, "failed", error="server says the label exists but lists none")
            return
        label_id = found.get("id")
        if reached:
            _settle(outcome, "created", label_id)
        elif self._on_existing == "skip":
            _settle(outcome, "existing", label_id)
        elif self._on_existing == "fail":
            _settle(outcome, "failed", label_id, "a label with this name and type already exists")
        else:
            await self._update(job, outcome, found)

    async def _find(self, label: LabelSpec) -> tuple[Mapping[str, Any] | None, str]:
        """The server's label with this row's key, and why not when it cannot be found."""
        key = label.key()
        page = 1
        while True:
            done = await self._call(
                partial(
                    self._client.list_page,
                    page,
                    name=label.name.strip(),
                    label_type=label.type,
                    project=label.project,
                )
            )
            answer = done.answer
            if answer is None:
                return None, _STOPPED
            if answer.kind != "ok":
                if answer.kind == "fatal":
                    self._fatal(answer.message, answer)
                return None, answer.message
            found, more = page_labels(answer)
            for candidate in found:
                if label_key(candidate) == key and not candidate.get("archived"):
                    return candidate, ""
            if not more or not found:
                return None, ""
            page += 1

    async def _update(self, job: Job, outcome: RowOutcome, existing: Mapping[str, Any]) -> None:
        label_id = str(existing.get("id", ""))
        changes = changes_for(job.payload, existing)
        if not changes:
            _settle(outcome, "existing", label_id)
            return
        done = await self._call(lambda: self._client.update(label_id, changes))
        outcome.attempts += done.attempts
        answer = done.answer
        if answer is None:
            return
        outcome.http_status = answer.status
        if answer.kind == "ok":
            _settle(outcome, "updated", label_id)
        else:
            if answer.kind == "fatal":
                self._fatal(answer.message, answer)
            message = answer.message
            if answer.kind in ("transient", "ambiguous"):
                message = _gave_up(done.attempts, message)
            _settle(outcome, "failed", label_id, f"update failed: {message}")


async def _next_job(receive: MemoryObjectReceiveStream[Job]) -> Job | None:
    """The next job, or None once the producer is done; waits only on an empty buffer."""
    try:
        return receive.receive_nowait()
    except anyio.WouldBlock:
        try:
            return await receive.receive()
        except anyio.EndOfStream:
            return None
    except anyio.EndOfStream:
        return None


def _settle(
    outcome: RowOutcome,
    status: Literal["created", "existing", "updated", "failed"],
    label_id: Any = None,
    error: str = "",
) -> None:
    outcome.status = status
    outcome.label_id = str(label_id) if label_id else outcome.label_id
    outcome.error = error


def _gave_up(attempts: int, message: str) -> str:
    return f"gave up after {attempts} attempts: {message}"
