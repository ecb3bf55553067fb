"""A hand-driven clock for the rate gate and retry tests."""

from __future__ import annotations


class FakeTime:
    """A clock that moves only when someone waits on it."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def wait(self, seconds: float) -> None:
        self.now += seconds
