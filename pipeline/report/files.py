"""Writing an output file whole or not at all: a unique hidden temporary file, then a rename.

Two runs writing the same report each get their own temporary file, a crash or a full
disk leaves the previous file as it was (and no temporary file behind), and the rename
replaces a symlink at the target rather than writing through it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_ATTEMPTS = 100


def _create_temporary(path: Path) -> Path:
    """A new empty file beside `path`: hidden, unique, keeping `path`'s suffix.

    Hand-written rather than `tempfile.mkstemp`, which creates files readable only by
    their owner: a report must get the permissions the user's umask gives any new file.
    """
    for _ in range(_ATTEMPTS):
        temporary = path.with_name(f".{path.stem}-{secrets.token_hex(4)}.tmp{path.suffix}")
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return temporary
    raise FileExistsError(f"no free temporary name beside {path}")


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write `path`'s new content to; on success it replaces
    `path`, on any failure (an exception, Ctrl-C) it is removed and `path` is untouched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _create_temporary(path)
    try:
        yield temporary
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
