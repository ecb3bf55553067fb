"""Writing an output file whole or not at all: a unique hidden temporary file, then a rename.

Two runs writing the same report each get their own temporary file, a crash or a full
disk leaves the previous file as it was (and no temporary file behind), and the rename
replaces a symlink at the target rather than writing through it. The new content is
flushed to disk before the rename, and the rename itself after it: without that, a power
cut can leave the new name on an empty file (the rename reached the disk, the data not).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write `path`'s new content to; on success it replaces
    `path`, on any failure (an exception, Ctrl-C) it is removed and `path` is untouched.

    The temporary file has `path`'s own name, inside a new hidden folder beside it: a
    writer that names its file in a message or picks its format by the suffix sees the
    real name, the file gets the permissions the user's umask gives any new file, and no
    one else can place a file or a link there (mkdtemp makes the folder private).
    """
    folder = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        temporary = folder / path.name
        yield temporary
        _sync(temporary)
        os.replace(temporary, path)
        _sync_folder(path.parent)
    except Exception as exc:
        error = _os_error(exc)
        if error is exc:
            raise
        raise error from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _sync(path: Path) -> None:
    """Put the file's content on disk: one fsync per output, once per run (opened for
    writing: Windows syncs only such a handle)."""
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    """Put the rename on disk too (POSIX; Windows has no folder to open). The file is
    whole under its name either way, so a file system that cannot sync a folder
    (some network ones refuse) does not fail the write."""
    if os.name != "posix":
        return
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _os_error(exc: Exception) -> Exception:
    """xlsxwriter wraps the OSError of a full disk in its own FileCreateError; hand on
    the OSError, which is what callers of a failed write handle."""
    xlsx = sys.modules.get("xlsxwriter.exceptions")  # not imported: not its error
    if xlsx is not None and isinstance(exc, xlsx.FileCreateError):
        cause = exc.args[0] if exc.args else None
        return cause if isinstance(cause, OSError) else OSError(str(exc))
    return exc
