"""The process entry of `label-import` and `python -m pipeline`: signals first, then the CLI.

Loading typer and the commands takes a noticeable part of a second on a busy machine; a
SIGTERM then would kill the process (143) and a Ctrl-C print a traceback of the import.
So the first thing the process does is to take both signals: until a command takes them
over (`run` and `validate` do at once), one ends the process with one line and exit 3.
"""

from __future__ import annotations

import os
import signal
from types import FrameType

EXIT_INTERRUPTED = 3  # pipeline.cli.app.EXIT_FATAL, which importing would cost the time


def _interrupted_while_starting(signum: int, frame: FrameType | None) -> None:
    # Nothing has been read, sent or printed yet: a raw write cannot interleave with output.
    os.write(2, b"label-import: interrupted while starting; nothing was done\n")
    raise SystemExit(EXIT_INTERRUPTED)


def main() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupted_while_starting)
    from pipeline.cli import main as cli

    cli()


if __name__ == "__main__":
    main()
