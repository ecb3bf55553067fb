"""Every value that crosses stages: a row as read, its problems, its check, its outcome.

Each stage speaks in these terms, so a reader, the validator, the planner, the sender and
the report all agree on what "row 12 of sheet Quality" means and what became of it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pipeline.labels import LabelSpec

Severity = Literal["error", "warning"]

# The columns the failed-rows file adds beside the user's own; reading that file back,
# they are expected and ignored without a warning. `source_sheet` is added only on a
# sheet that had to be renamed to fit XLSX: it holds the name the input gave it.
FAILED_ROW_COLUMNS = ("error", "source_row", "source_sheet")
# The columns `export` adds beside a label's own: what the server says of it, which a
# create cannot set. Reading an export back, they are expected and ignored without a warning.
EXPORT_COLUMNS = ("label_id", "created_at", "archived")


@dataclass(frozen=True, slots=True)
class RawRow:
    """One input record exactly as the user gave it.

    `row` is the number the user sees: header = 1, first data row = 2 for spreadsheets;
    the 1-based position for JSON records. `cells` maps each header as typed to the cell
    text as typed (never coerced), so a failed row can be written back untouched.
    """

    row: int
    sheet: str | None
    cells: dict[str, str]
    source_id: str | None = None
    # What a migration reader already knows about the record: lossy conversions
    # (warnings) and records it could not map (errors), reported with the row.
    notes: tuple[Problem, ...] = ()
    # Why the record is left out on purpose (archived, a kind with no equivalent).
    skip: str | None = None
    # What converting the record dropped, one short phrase per loss ("conditional
    # visibility"), so a run can sum up the losses of a whole export by kind.
    losses: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong (error) or worth knowing (warning) about one cell of one row."""

    row: int
    sheet: str | None
    column: str | None
    value: str | None
    message: str
    hint: str = ""
    severity: Severity = "error"


@dataclass(frozen=True, slots=True)
class CheckedRow:
    """One input row and its outcome: a label ready to send, or the reasons it is not.

    `name` and `type` are the row's name and type cells as typed (trimmed), so a row
    without a label can still be named in the report.
    """

    raw: RawRow
    label: LabelSpec | None
    problems: list[Problem]
    name: str = ""
    type: str = ""

    @property
    def valid(self) -> bool:
        return self.label is not None and all(p.severity != "error" for p in self.problems)

    @property
    def skipped(self) -> str | None:
        """Why the row is left out on purpose (an archived or unconvertible record)."""
        return self.raw.skip


Status = Literal[
    "created",
    "existing",
    "existing_differs",
    "updated",
    "invalid",
    "failed",
    "not_attempted",
    "skipped",
    "create",
    "update",
    "unchanged",
]
# What a run did to each row. `skipped`: a record of another tool's export left out on
# purpose (archived, or a kind with no Future AGI equivalent); it is reported, never sent,
# and is not a failure. `existing_differs`: a label with the row's name, type and project
# exists with other settings and no `--on-existing` said what to do; nothing is sent, and
# the run ends 1 until the user chooses `update` or `skip`.
RUN_STATUSES: tuple[Status, ...] = (
    "created",
    "existing",
    "existing_differs",
    "updated",
    "invalid",
    "failed",
    "not_attempted",
    "skipped",
)
# What a dry run (the plan) says each row would become: `create`, `update` (the keys that
# would change in `error`), `unchanged` (the label is there as the row asks, or will be
# kept as it is), and the run's own words for rows the plan settles (`existing_differs`,
# `invalid`, `skipped`, `failed` under `--on-existing fail`; `not_attempted` when the
# listing never finished).
PLAN_STATUSES: tuple[Status, ...] = (
    "create",
    "update",
    "unchanged",
    "existing_differs",
    "invalid",
    "skipped",
    "failed",
    "not_attempted",
)
STATUSES: tuple[Status, ...] = tuple(dict.fromkeys((*RUN_STATUSES, *PLAN_STATUSES)))
# Statuses that mean "the label is on the server as the row asked": resume skips them.
# An `existing_differs` row is not done: the next run, told what to do, settles it.
DONE_STATUSES: frozenset[Status] = frozenset({"created", "existing", "updated"})
# The journal's intent lines, by the request a row is about to send: written before the
# request goes out, so a run killed before the answer still names the rows whose request
# may have reached the server. On --resume such a row whose label is on the server as it
# asks gets the status its request was for (`INTENT_DONE`), not `existing`.
INTENTS: dict[str, str] = {"create": "creating", "update": "updating"}
INTENT_DONE: dict[str, Status] = {"creating": "created", "updating": "updated"}

# Why a run ended before every row was sent. `unreachable`: many requests in a row got
# no answer at all (the server is gone), so the rest would fail the same way.
# `unexpected`: a fault of our own (a bug) ended the sending; the report is still written.
StopReason = Literal["interrupted", "fatal", "max_failures", "unreachable", "unexpected"]


@dataclass(slots=True)
class RowOutcome:
    """One report line: what happened to one input row."""

    row: int
    sheet: str | None
    name: str
    type: str
    status: Status
    label_id: str | None = None
    attempts: int = 0
    http_status: int | None = None
    error: str = ""
    source_id: str | None = None
    # A migration's notes on what converting this record dropped, e.g. a score direction.
    lost: str = ""
    # The same losses as short phrases by kind (RawRow.losses), for a run's summary.
    losses: tuple[str, ...] = ()
    # What validation warns about the label besides the migration's notes (a value the
    # Future AGI UI caps, a setting sent as written), as `validate` words it.
    warnings: str = ""


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A finished row as the journal keeps it: written by the report, read back by the plan."""

    row: int
    sheet: str | None
    fingerprint: str
    status: str
    label_id: str | None


@dataclass(frozen=True, slots=True)
class Progress:
    """How far the sending is, given to a progress callback as each row finishes."""

    done: int
    total: int
    failed: int
    # The row that just finished; None for the first call, before any row is sent, and
    # for a pause.
    outcome: RowOutcome | None = None
    # Seconds every request now waits because the server asked (Retry-After); 0 unless
    # this call announces such a pause.
    waiting_s: float = 0.0
    # The pace requests are let through at now, per second (0: no pacing), and whether
    # the sending is waiting on the server (a Retry-After pause) as this row finishes.
    pace: float = 0.0
    waiting: bool = False


@dataclass(frozen=True, slots=True)
class Losses:
    """What converting a whole export dropped, by kind: the source's title, and for each
    kind of loss ("conditional visibility") how many labels it befell, commonest first."""

    source: str
    counts: tuple[tuple[str, int], ...] = ()

    @classmethod
    def tally(cls, source: str, per_label: Iterable[tuple[str, ...]]) -> Losses:
        """Count each kind once per label, however many of its attributes it names."""
        counts = Counter(what for losses in per_label for what in dict.fromkeys(losses))
        return cls(source, tuple(counts.most_common()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "lost": [{"what": what, "labels": count} for what, count in self.counts],
        }
