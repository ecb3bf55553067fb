"""An INPUT that is a URL: telling one from a file name, the name its download is saved
under, and how it is shown in a message.

Plain string work, no network: the CLI asks `is_remote` of every INPUT, and a local file
must not pay for aiohttp to be told it is one (the download itself is `send.download`).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline.read.detect import FORMATS

# `scheme://`: a file name never holds one (a path collapses `//`), a URL always does.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
# The suffixes that name a format we read: dropped from a saved name, trusted in a URL.
KNOWN_SUFFIXES = frozenset({*FORMATS, "xml"})
# Long enough for any real file name, short enough for every file system's limit with
# `.report.csv` and `.failed.xlsx` added.
MAX_STEM = 100
DEFAULT_STEM = "download"


def is_remote(source: str | Path) -> bool:
    """True for a URL (`https://…`, or any `scheme://`, refused later if not http(s))."""
    return isinstance(source, str) and _URL.match(source) is not None


def redacted_url(url: str) -> str:
    """`url` fit for a message: without its query (a pre-signed URL's signature is a
    credential), its fragment or any user:password."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    query = "?<redacted>" if parts.query else ""
    return f"{parts.scheme}://{host}{parts.path}{query}"


def remote_stem(url: str) -> str:
    """The stem a download is saved and reported under: the URL's last path segment,
    decoded, its known suffix dropped, every character but letters, digits, `-`, `_`
    and `.` made `_`, and no leading dot, so it can name no other folder, no hidden
    file and nothing a terminal would act on."""
    segment = unquote(urlsplit(url).path.rstrip("/").rpartition("/")[2])
    stem, dot, suffix = segment.rpartition(".")
    if not dot or suffix.lower() not in KNOWN_SUFFIXES:
        stem = segment
    safe = "".join(char if char.isalnum() or char in "-_." else "_" for char in stem)
    return safe.strip(".")[:MAX_STEM].strip(".") or DEFAULT_STEM
