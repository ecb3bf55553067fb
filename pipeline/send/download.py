"""A remote INPUT (a published Google Sheet's CSV export, a file behind a pre-signed
object-storage URL) downloaded to a private temporary file, then read like a local one.

The rules are the API client's: https, plain http only to this machine or with
`insecure`; `timeout` for connecting and for any silence; answers bounded in size. The
download has a session of its own, with no header of ours and no cookie jar, so the API
keys never reach the download host, nor does a cookie one host set reach the next.
Redirects are followed by hand, at most `MAX_REDIRECTS`, each target checked as the first
URL was. The body streams to disk counted as it comes (a compressed one unpacked); a
declared length over the cap is refused before a byte is read. Every failure is one
`InputError` naming the host and what to do, and a URL is shown without its query: a
pre-signed URL's signature is a credential too.
"""

from __future__ import annotations

import shutil
import ssl
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import aiohttp
import anyio
from yarl import URL

from pipeline.errors import InputError, InsecureURLError
from pipeline.read.detect import bytes_agree, sniff_format
from pipeline.read.remote import KNOWN_SUFFIXES, is_remote, redacted_url, remote_stem
from pipeline.send.net import refuses_plain_http

# A label sheet of a million rows is some 100 MiB; 256 MiB, the most a JSON input may
# have, leaves room for it and bounds the disk a hostile server can fill.
MAX_DOWNLOAD_MIB = 256
MAX_DOWNLOAD_BYTES = MAX_DOWNLOAD_MIB * 2**20
# Google's export answers with one redirect, object stores with none; a chain longer than
# this is a loop or a trap.
MAX_REDIRECTS = 5
# `timeout` bounds each silence; the whole download may take this many of it (ten minutes
# at the default 30 s, 0.4 MiB/s for a file at the cap).
TOTAL_TIMEOUTS = 20
CHUNK = 64 * 1024
SNIFF_BYTES = 8192
PART_NAME = ".download"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_WEB_PAGES = frozenset({"text/html", "application/xhtml+xml"})
_CONTENT_TYPES = {
    "text/csv": "csv",
    "application/csv": "csv",
    "text/comma-separated-values": "csv",
    "text/tab-separated-values": "tsv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.12": "xlsm",
    "application/vnd.ms-excel": "xls",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/json": "json",
    "text/json": "json",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/x-jsonlines": "jsonl",
    "application/xml": "xml",
    "text/xml": "xml",
}


@dataclass(frozen=True, slots=True)
class _Answer:
    """What the answer that carried the file said about it."""

    url: URL
    content_type: str
    filename: str | None


@asynccontextmanager
async def local_copy(
    source: str | Path,
    *,
    insecure: bool,
    timeout: float,  # noqa: ASYNC109  (the --timeout knob, passed on to `download`)
) -> AsyncIterator[Path]:
    """`source` itself when it is a file name; when it is a URL, its download, removed
    when the block ends, however it ends (an error, a signal, Ctrl-C)."""
    if not is_remote(source):
        yield Path(source)
        return
    with _private_folder() as folder:
        yield await download(str(source), folder, insecure=insecure, timeout=timeout)


@contextmanager
def local_copy_sync(url: str, *, insecure: bool, timeout: float) -> Iterator[Path]:
    """`local_copy` of a URL for code without an event loop (`label-import validate`)."""
    with _private_folder() as folder:
        yield anyio.run(partial(download, url, folder, insecure=insecure, timeout=timeout))


@contextmanager
def _private_folder() -> Iterator[Path]:
    # mkdtemp makes it readable by us alone: no one else sees a pre-signed file's content.
    with tempfile.TemporaryDirectory(prefix="label-import-") as folder:
        yield Path(folder)


async def download(
    url: str,
    folder: Path,
    *,
    insecure: bool = False,
    timeout: float = 30.0,  # noqa: ASYNC109  (the --timeout knob, as the API client's)
    max_bytes: int = MAX_DOWNLOAD_BYTES,
) -> Path:
    """Download `url` into `folder`; the file, named `<stem of the URL>.<format>`.

    The format is the one Content-Disposition's file name, Content-Type, the URL's
    `format=`/`output=` (Google's export) or its path says, unless the file's first
    bytes are of another kind (a CSV served as an Excel file), and sniffed when none says.

    Raises:
        InsecureURLError: plain http to a host beyond this machine without `insecure`,
            the URL or a redirect.
        InputError: any other reason the file could not be had.
    """
    job = _Download(url, folder, insecure=insecure, timeout=timeout, max_bytes=max_bytes)
    part = folder / PART_NAME
    try:
        with anyio.fail_after(timeout * TOTAL_TIMEOUTS):
            answer = await job.fetch(part)
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise job.failed(_transport_problem(exc, job.host, timeout)) from None
    return job.saved(part, answer)


class _Download:
    """One download: where it started, where the redirects have led, and its limits."""

    def __init__(
        self, url: str, folder: Path, *, insecure: bool, timeout: float, max_bytes: int
    ) -> None:
        self.url, self.folder, self.max_bytes = url, folder, max_bytes
        self.shown = redacted_url(url)
        self._insecure = insecure
        # A URL with no space or non-ASCII character goes out exactly as given: yarl's
        # re-quoting could change a pre-signed URL's escapes and so void its signature.
        exact = url.isascii() and url.isprintable() and " " not in url
        self.first = self._checked(_parsed(url, exact, self), "")
        self.current = self.first
        self._timeout = aiohttp.ClientTimeout(
            total=None, connect=timeout, sock_connect=timeout, sock_read=timeout
        )

    @property
    def host(self) -> str:
        return self.current.host or ""

    def failed(self, problem: str) -> InputError:
        return InputError(f"cannot download {self.shown}: {problem}")

    def _checked(self, url: URL, via: str) -> URL:
        """`url` if it may be fetched; `via` says which redirect led to it."""
        host = url.host
        if url.scheme not in ("http", "https") or not host:
            raise self.failed(f"{via}only https:// (or http:// to this machine) can be downloaded")
        if url.user is not None or url.password is not None:
            raise self.failed(
                f"{via}the URL holds a user name or password, which label-import never sends; "
                "use a published or pre-signed URL"
            )
        if refuses_plain_http(url.scheme, host, insecure=self._insecure):
            raise InsecureURLError(
                f"cannot download {self.shown}: {via}refusing plain http to {host}: the file "
                "and the URL would travel unencrypted, open to change on the way; use https "
                "or pass --insecure"
            )
        return url

    async def fetch(self, part: Path) -> _Answer:
        """Follow the redirects to the file and save it to `part`."""
        connector = aiohttp.TCPConnector(ssl=_verified_tls(), limit=1)
        session = aiohttp.ClientSession(
            connector=connector,
            timeout=self._timeout,
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,
        )
        async with session:
            for _ in range(MAX_REDIRECTS + 1):
                async with session.get(self.current, allow_redirects=False) as resp:
                    if resp.status in _REDIRECTS:
                        self.current = self._redirected(resp)
                        continue
                    self._check_answer(resp)
                    await self._save(resp, part)
                    disposition = resp.content_disposition
                    filename = disposition.filename if disposition is not None else None
                    return _Answer(self.current, resp.content_type.lower(), filename)
        raise self.failed(
            f"more than {MAX_REDIRECTS} redirects, the last from {self.host}; open the URL "
            "in a browser to see where it leads"
        )

    def _redirected(self, resp: aiohttp.ClientResponse) -> URL:
        location = resp.headers.get("Location")
        if not location:
            raise self.failed(f"{self.host} answered {resp.status} without a Location")
        target = self.current.join(_parsed(location, True, self))
        return self._checked(target, f"{self.host} redirected to {redacted_url(str(target))}; ")

    def _check_answer(self, resp: aiohttp.ClientResponse) -> None:
        """Refuse, before reading the body, an answer that cannot be the file."""
        if resp.status != 200:
            raise self.failed(_status_problem(resp.status, resp.reason, self.host))
        if resp.content_type.lower() in _WEB_PAGES:
            raise self.failed(_web_page(self.host))
        length = resp.content_length
        if length is not None and length > self.max_bytes:
            raise self.failed(self._too_big(f"declares {length / 2**20:,.0f} MiB"))
        if length is not None and length > shutil.disk_usage(self.folder).free:
            raise self.failed(
                f"{length / 2**20:,.0f} MiB do not fit in {self.folder.parent}; set TMPDIR "
                "to a folder with room"
            )

    def _too_big(self, what: str) -> str:
        return (
            f"the file at {self.host} {what}, more than the {self.max_bytes / 2**20:g} MiB "
            "label-import downloads; split it, or download it yourself and give the file"
        )

    async def _save(self, resp: aiohttp.ClientResponse, part: Path) -> None:
        size = 0
        try:
            # Plain writes: one chunk is written in microseconds, far less than it took
            # to arrive, and the loop has nothing else to do meanwhile.
            with part.open("xb") as file:
                async for chunk in resp.content.iter_chunked(CHUNK):
                    size += len(chunk)
                    if size > self.max_bytes:
                        resp.close()  # the rest is never read: drop the connection
                        raise self.failed(self._too_big("is larger"))
                    file.write(chunk)
        except OSError as exc:
            raise self.failed(
                f"cannot save it in {self.folder.parent} ({exc.strerror or exc}); set "
                "TMPDIR to a folder with room"
            ) from None
        if size == 0:
            raise self.failed(f"{self.host} sent an empty file")

    def saved(self, part: Path, answer: _Answer) -> Path:
        """The saved file, renamed to its stem and the format it turned out to have."""
        with part.open("rb") as file:
            head = file.read(SNIFF_BYTES)
        file_format = _format(answer, self.first, head)
        if file_format == "html":
            raise self.failed(_web_page(self.host))
        path = part.with_name(f"{remote_stem(self.url)}.{file_format}")
        part.rename(path)
        return path


def _parsed(url: str, exact: bool, job: _Download) -> URL:
    try:
        return URL(url, encoded=exact)
    except ValueError:
        raise job.failed("not a valid URL") from None


def _verified_tls() -> ssl.SSLContext:
    """The system's certificate authorities, read now: SSL_CERT_FILE, set for a network
    with a certificate authority of its own, is honoured as the API client honours it."""
    return ssl.create_default_context()


def _status_problem(status: int, reason: str | None, host: str) -> str:
    said = f"{host} answered {status} {reason or ''}".rstrip()
    if status in (401, 403):
        hint = (
            "the link is not public or has expired: publish the sheet to the web as CSV, "
            "or make a new pre-signed URL"
        )
    elif status in (404, 410):
        hint = "check the URL: the file may have moved or been deleted"
    elif status == 429 or status >= 500:
        hint = "the server is busy or failing; try again later"
    else:
        hint = "expected the file itself (200); check the URL"
    return f"{said}; {hint}"


def _web_page(host: str) -> str:
    return (
        f"{host} sent a web page, not a spreadsheet: the link probably asks for a sign-in; "
        "publish the sheet to the web as CSV, or use a pre-signed URL"
    )


def _transport_problem(exc: BaseException, host: str, timeout: float) -> str:
    """One line for a download that broke off, from the kind of fault alone: an aiohttp
    message can quote the URL, and so its signature."""
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        reason = getattr(exc.certificate_error, "verify_message", None) or "not trusted"
        return (
            f"the TLS certificate of {host} is not valid ({reason}); if your network has "
            "a certificate authority of its own, point SSL_CERT_FILE at it"
        )
    if isinstance(exc, aiohttp.ClientSSLError):
        return f"the TLS handshake with {host} failed; check that the URL is right"
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return f"the host {host} is not known; check the URL"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"cannot connect to {host} ({exc.os_error.strerror or 'refused'}); check the URL"
    if isinstance(exc, aiohttp.ServerTimeoutError):
        return f"{host} did not answer within {timeout:g} s; try again, or raise --timeout"
    if isinstance(exc, aiohttp.ClientError):
        return f"the connection to {host} broke off ({type(exc).__name__}); try again"
    return (
        f"the download from {host} took longer than {timeout * TOTAL_TIMEOUTS:g} s; try "
        "again, or raise --timeout"
    )


def _format(answer: _Answer, first: URL, head: bytes) -> str:
    """What the answer or the URL says the file is, unless its bytes say otherwise."""
    sniffed = sniff_format(head)
    declared = next((found for found in _declared(answer, first) if found), None)
    if sniffed == "html" or declared is None or not bytes_agree(declared, head):
        return sniffed
    return declared


def _declared(answer: _Answer, first: URL) -> Iterator[str | None]:
    """The formats the answer and the URLs name, the surest first."""
    yield _suffix(answer.filename or "")
    yield _CONTENT_TYPES.get(answer.content_type)
    for url in (first, answer.url):
        asked = (url.query.get("format") or url.query.get("output") or "").lower()
        yield asked if asked in KNOWN_SUFFIXES else None
        yield _suffix(url.path)


def _suffix(name: str) -> str | None:
    stem, dot, suffix = name.rpartition(".")
    suffix = suffix.lower()
    return suffix if dot and stem and suffix in KNOWN_SUFFIXES else None
