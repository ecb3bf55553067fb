"""One run at a time on a report: a lock file beside it, naming the run that holds it.

Two overlapping runs (scheduled imports that take longer than their interval) would
share the journal and each overwrite the other's report; the second one is refused
before it sends anything. A lock whose run died (kill -9, a power cut) is taken over
when its process is gone from this host; a lock from another host is never guessed at.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from pipeline.errors import UsageError


def lock_path(target: Path) -> Path:
    """The lock of the run writing `target` (a report or a plan); one per stem, as the
    journal is, so `--report r.csv` and `--report r.xlsx` exclude each other."""
    return target.with_name(f"{target.stem}.lock")


@dataclass(frozen=True, slots=True)
class Holder:
    """The run holding a lock, as its lock file says."""

    pid: int
    host: str
    started: str  # ISO 8601, with the zone

    @classmethod
    def me(cls) -> Holder:
        started = datetime.now().astimezone().isoformat(timespec="seconds")
        return cls(os.getpid(), socket.gethostname(), started)

    def describe(self) -> str:
        try:
            when = datetime.fromisoformat(self.started).astimezone()
        except ValueError:
            started = self.started
        else:
            same_day = when.date() == datetime.now().astimezone().date()
            started = when.strftime("%H:%M" if same_day else "%Y-%m-%d %H:%M")
        host = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"pid {self.pid}{host}, started {started}"

    def is_gone(self) -> bool:
        """Its process has ended: only knowable on this host."""
        if self.host != socket.gethostname():
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # alive, another user's
            return False
        return False


def _read(fd: int) -> Holder | None:
    try:
        data = json.loads(os.read(fd, 4096))
        return Holder(int(data["pid"]), str(data["host"]), str(data["started"]))
    except (ValueError, KeyError, TypeError):
        return None


def _create(path: Path, holder: Holder) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
    try:
        os.write(fd, json.dumps(asdict(holder)).encode())
    except OSError as exc:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    os.close(fd)


def _busy(holder: Holder | None, target: Path, path: Path) -> UsageError:
    if holder is None:
        return UsageError(
            f"{path} says another label-import run is writing {target}, but not which; "
            "if none is, delete it"
        )
    return UsageError(
        f"another label-import run ({holder.describe()}) is writing {target}; "
        "wait for it or use --report"
    )


def _take_over(path: Path, target: Path) -> str | None:
    """Move a dead run's lock aside and say so; a live run's lock is a UsageError."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:  # its run just ended
        return None
    try:
        inode, holder = os.fstat(fd).st_ino, _read(fd)
    finally:
        os.close(fd)
    if holder is None or not holder.is_gone():
        raise _busy(holder, target, path)
    aside = path.with_name(f".{path.name}-{secrets.token_hex(4)}.stale")
    try:
        os.rename(path, aside)
    except FileNotFoundError:  # another run took it over first
        return None
    if os.stat(aside).st_ino != inode:
        # Another run took it over and locked between our read and our rename.
        os.replace(aside, path)
        raise _busy(holder, target, path)
    aside.unlink()
    return f"took over {path.name}, left by a run that is no longer running ({holder.describe()})"


def _acquire(path: Path, target: Path, holder: Holder) -> str | None:
    notice = None
    # Each lap meets a lock that vanished or was taken over as we looked: other runs
    # are starting on the same report at this very moment.
    for _ in range(3):
        try:
            _create(path, holder)
        except FileExistsError:
            notice = _take_over(path, target) or notice
            continue
        return notice
    raise UsageError(
        f"other label-import runs are starting on {target} at the same moment; "
        "wait for them or use --report"
    )


def _release(path: Path, holder: Holder) -> None:
    """Remove the lock if it is still ours (a stale-lock take-over may have replaced it)."""
    with suppress(OSError):
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        try:
            ours = _read(fd) == holder
        finally:
            os.close(fd)
        if ours:
            path.unlink()


@contextmanager
def output_lock(target: Path) -> Iterator[list[str]]:
    """Hold the lock of the run writing `target` until the block ends, however it ends.

    Yields the notices for the run's summary: one when a dead run's lock was taken over.
    Raises `UsageError` naming the other run when a live one holds it.
    """
    path = lock_path(target)
    holder = Holder.me()
    notice = _acquire(path, target, holder)
    try:
        yield [notice] if notice else []
    finally:
        _release(path, holder)
