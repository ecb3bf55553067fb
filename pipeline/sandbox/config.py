"""The sandbox's dials: organisations, storage and every fault it can inject."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

DEMO_API_KEY = "demo-key"
DEMO_SECRET_KEY = "demo-secret"


@dataclass(frozen=True, slots=True)
class Organisation:
    api_key: str
    secret_key: str


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """How the emulator behaves; every fault is off by default.

    Rates are probabilities per API request; `rate_limit` is requests per second per
    organisation (0 = unlimited), and `rate_limit_schedule` changes it mid-run: pairs of
    (seconds after the organisation's first request, the limit from then on);
    `throttle_rate` answers that share of requests 429 with
    `Retry-After: throttle_retry_after` whatever the sending rate; `seed` makes the fault
    draws reproducible. `projects` are the ids of the projects every organisation has: a
    label naming another project is refused as the server refuses it; with none, every
    well-formed project id is taken.
    """

    orgs: tuple[Organisation, ...] = (Organisation(DEMO_API_KEY, DEMO_SECRET_KEY),)
    projects: tuple[str, ...] = ()
    db_path: str | None = None
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    error_rate: float = 0.0
    rate_limit: float = 0.0
    rate_limit_schedule: tuple[tuple[float, float], ...] = ()
    drop_rate: float = 0.0
    ambiguous_rate: float = 0.0
    throttle_rate: float = 0.0
    throttle_retry_after: int = 1
    seed: int | None = None

    def __post_init__(self) -> None:
        for name in ("error_rate", "drop_rate", "ambiguous_rate", "throttle_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value}")
        for name in ("latency_ms", "jitter_ms", "rate_limit", "throttle_retry_after"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        _check_schedule(self.rate_limit_schedule)
        if not self.orgs:
            raise ValueError("at least one organisation is needed")
        for project in self.projects:
            uuid.UUID(project)  # a ValueError names what is not a project id
        keys = [org.api_key for org in self.orgs]
        if len(set(keys)) != len(keys):
            raise ValueError("each organisation needs its own API key")


def _check_schedule(schedule: tuple[tuple[float, float], ...]) -> None:
    if any(at < 0 or limit < 0 for at, limit in schedule):
        raise ValueError("rate_limit_schedule times and limits must not be negative")
