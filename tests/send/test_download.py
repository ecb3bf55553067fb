"""Remote inputs: an https:// INPUT is downloaded under the API client's rules and read like
a local file. Real servers on loopback (tests/file_server.py), over real TLS with a
throwaway CA; nothing leaves 127.0.0.1 (a URL to another host is refused before any
connection, which is what these tests prove)."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiohttp import web

from pipeline.errors import InputError, InsecureURLError
from pipeline.importer import import_labels
from pipeline.report.summary import ImportSummary
from pipeline.sandbox import SandboxHandle
from pipeline.send.download import MAX_DOWNLOAD_BYTES, MAX_REDIRECTS, download
from tests.file_server import (
    Authority,
    FileServer,
    Handler,
    authority,
    declared,
    drip,
    file_server,
    gzip_bomb,
    hang,
    streamed,
)
from tests.import_helpers import read_report, server_labels

CSV = b"name,type,description\nHelpful,thumbs_up_down,Was it helpful?\nTone,text,Describe it\n"
SIGNED = "?X-Amz-Credential=AKIAEXAMPLE%2F20260101&X-Amz-Signature=0123456789abcdef0123"
SIGNATURE = "0123456789abcdef0123"


@pytest.fixture
def ca(tmp_path: Path) -> Authority:
    return authority(tmp_path)


@pytest.fixture
async def files() -> AsyncIterator[FileServer]:
    """An http file server on loopback (plain http to this machine is allowed)."""
    async with file_server() as server:
        yield server


@pytest.fixture
async def tls_files(ca: Authority, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FileServer]:
    """An https file server whose CA the download trusts, as a network's own CA is
    trusted: through SSL_CERT_FILE."""
    monkeypatch.setenv("SSL_CERT_FILE", str(ca.ca_file))
    async with file_server(ca.server_tls) as server:
        yield server


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder downloads go to, to see that nothing is left in it; the test
    runs in `tmp_path`, where the reports go."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.chdir(tmp_path)
    return folder


async def imported(url: str, box: SandboxHandle) -> ImportSummary:
    return await import_labels(
        url, base_url=box.url, api_key=box.api_key, secret_key=box.secret_key, rate=0
    )


def names(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()}


async def fetched(
    url: str,
    folder: Path,
    *,
    timeout: float = 5.0,  # noqa: ASYNC109  (download's own timeout)
    max_bytes: int = MAX_DOWNLOAD_BYTES,
) -> Path:
    return await download(url, folder, timeout=timeout, max_bytes=max_bytes)


async def test_an_https_csv_is_imported_and_its_download_removed(
    tls_files: FileServer,
    sandbox: SandboxHandle,
    tmp_path: Path,
    private_tmp: Path,
) -> None:
    url = tls_files.serve("/bucket/labels.csv", CSV, "text/csv")

    summary = await imported(url + SIGNED, sandbox)

    assert (summary.created, summary.exit_code) == (2, 0)
    assert summary.report == str(tmp_path / "labels.report.csv")
    assert [row["name"] for row in read_report(tmp_path / "labels.report.csv")] == [
        "Helpful",
        "Tone",
    ]
    assert sorted(label["name"] for label in await server_labels(sandbox)) == ["Helpful", "Tone"]
    # The signature went to the file's host exactly as given, and nowhere else.
    assert tls_files.seen[0].query == SIGNED[1:]
    assert names(private_tmp) == set()


async def test_a_certificate_no_authority_vouches_for_is_refused(
    ca: Authority, tmp_path: Path
) -> None:
    async with file_server(ca.server_tls) as server:
        url = server.serve("/labels.csv", CSV, "text/csv")
        with pytest.raises(InputError) as refused:
            await fetched(url, tmp_path)

    message = str(refused.value)
    assert "TLS certificate of 127.0.0.1 is not valid" in message
    assert "SSL_CERT_FILE" in message
    assert server.seen == []


async def test_the_api_keys_and_cookies_never_reach_the_download_host(
    tls_files: FileServer, sandbox: SandboxHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    tls_files.on("/start", _cookie_then_redirect("/labels.csv"))
    tls_files.serve("/labels.csv", CSV, "text/csv")

    # A host name, not an address: a cookie jar keeps no cookie of an IP address at all.
    start = tls_files.url.replace("127.0.0.1", "localhost") + "/start"
    summary = await imported(start, sandbox)

    assert summary.created == 2
    assert [seen.path for seen in tls_files.seen] == ["/start", "/labels.csv"]
    for seen in tls_files.seen:
        sent = " ".join(f"{name}: {value}" for name, value in seen.headers.items())
        assert sandbox.api_key not in sent and sandbox.secret_key not in sent
        lowered = {name.lower() for name in seen.headers}
        assert not lowered & {"x-api-key", "x-secret-key", "authorization", "cookie"}


def _cookie_then_redirect(location: str) -> Handler:
    async def answer(request: web.Request) -> web.StreamResponse:
        response = web.Response(status=302, headers={"Location": location})
        response.set_cookie("session", "carried-along")
        return response

    return answer


@pytest.mark.parametrize(
    "url",
    ["http://example.com/labels.csv", "http://10.0.0.1/labels.csv?sig=x"],
)
async def test_plain_http_beyond_this_machine_is_refused_before_connecting(
    url: str, tmp_path: Path
) -> None:
    with pytest.raises(InsecureURLError, match=r"refusing plain http to .*pass --insecure"):
        await fetched(url, tmp_path)


async def test_plain_http_to_loopback_is_downloaded(files: FileServer, tmp_path: Path) -> None:
    url = files.serve("/labels.csv", CSV, "text/csv")

    path = await fetched(url, tmp_path)

    assert (path.name, path.read_bytes()) == ("labels.csv", CSV)
    assert names(tmp_path) == {"labels.csv"}


async def test_a_redirect_to_plain_http_elsewhere_is_refused(
    tls_files: FileServer, tmp_path: Path
) -> None:
    url = tls_files.redirect("/labels.csv", "http://example.com/labels.csv" + SIGNED)

    with pytest.raises(InsecureURLError) as refused:
        await fetched(url, tmp_path)

    message = str(refused.value)
    assert (
        "127.0.0.1 redirected to http://example.com/labels.csv?<redacted>; "
        "refusing plain http to example.com"
    ) in message
    assert SIGNATURE not in message
    assert len(tls_files.seen) == 1


async def test_redirects_are_bounded(files: FileServer, tmp_path: Path) -> None:
    url = files.redirect("/loop", "/loop")

    with pytest.raises(InputError, match=f"more than {MAX_REDIRECTS} redirects"):
        await fetched(url, tmp_path)

    assert len(files.seen) == MAX_REDIRECTS + 1


async def test_a_redirect_to_another_scheme_is_refused(files: FileServer, tmp_path: Path) -> None:
    url = files.redirect("/labels.csv", "file:///etc/passwd")

    with pytest.raises(InputError, match="redirected to file:///etc/passwd; only https://"):
        await fetched(url, tmp_path)


@pytest.mark.parametrize(
    ("status", "hint"),
    [
        (403, "answered 403 Forbidden; the link is not public or has expired"),
        (404, "answered 404 Not Found; check the URL"),
        (503, "answered 503 Service Unavailable; the server is busy or failing"),
        (204, "answered 204 No Content; expected the file itself"),
    ],
)
async def test_an_error_answer_is_one_line_naming_the_host_and_what_to_do(
    files: FileServer, tmp_path: Path, status: int, hint: str
) -> None:
    url = files.status("/labels.csv", status) + SIGNED

    with pytest.raises(InputError) as failed:
        await fetched(url, tmp_path)

    message = str(failed.value)
    assert message.startswith(f"cannot download {files.url}/labels.csv?<redacted>: 127.0.0.1 ")
    assert hint in message and "\n" not in message
    assert SIGNATURE not in message and "AKIAEXAMPLE" not in message


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", None])
async def test_a_sign_in_page_is_refused_as_a_web_page(
    files: FileServer, tmp_path: Path, content_type: str | None
) -> None:
    page = b"<!DOCTYPE html><html><body>Sign in to continue</body></html>"
    url = files.serve("/spreadsheets/d/abc/export", page, content_type)

    with pytest.raises(InputError, match=r"sent a web page, not a spreadsheet.*publish"):
        await fetched(url + "?format=csv", tmp_path)

    # Only the partial download, which the caller's private folder takes away with it.
    assert names(tmp_path) <= {".download"}


async def test_an_empty_answer_is_refused(files: FileServer, tmp_path: Path) -> None:
    url = files.serve("/labels.csv", b"", "text/csv")

    with pytest.raises(InputError, match=r"127\.0\.0\.1 sent an empty file"):
        await fetched(url, tmp_path)


async def test_a_declared_length_over_the_cap_is_refused_unread(
    files: FileServer, tmp_path: Path
) -> None:
    url = files.on("/labels.csv", declared(10 * 2**30))

    with pytest.raises(InputError, match="declares 10,240 MiB, more than the 256 MiB"):
        await fetched(url, tmp_path)

    assert names(tmp_path) == set()


@pytest.mark.parametrize("hostile", [streamed, gzip_bomb], ids=["streamed", "gzip"])
async def test_a_body_growing_past_the_cap_is_cut_off(
    files: FileServer, tmp_path: Path, hostile: Callable[[int], Handler]
) -> None:
    url = files.on("/labels.csv", hostile(8 * 2**20))

    with pytest.raises(InputError, match="is larger, more than the 1 MiB"):
        await fetched(url, tmp_path, max_bytes=2**20)

    saved = tmp_path / ".download"
    assert saved.stat().st_size <= 2**20


async def test_a_silent_server_times_out(files: FileServer, tmp_path: Path) -> None:
    url = files.on("/labels.csv", hang)

    with pytest.raises(InputError, match=r"127\.0\.0\.1 did not answer within 0\.2 s.*--timeout"):
        await fetched(url, tmp_path, timeout=0.2)


async def test_a_dripping_server_is_given_up_on_after_the_whole_download_s_bound(
    files: FileServer, tmp_path: Path
) -> None:
    url = files.on("/labels.csv", drip(0.05))

    with pytest.raises(InputError, match="took longer than 2 s"):
        await fetched(url, tmp_path, timeout=0.1)


async def test_a_user_and_password_in_the_url_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="user name or password") as refused:
        await fetched("https://me:hunter2hunter2@127.0.0.1:9/labels.csv", tmp_path)

    assert "hunter2" not in str(refused.value)


async def test_nothing_listens(tmp_path: Path) -> None:
    async with file_server() as server:
        url = server.url + "/labels.csv"
    with pytest.raises(InputError, match=r"cannot connect to 127.0.0.1 \(.*\); check the URL"):
        await fetched(url, tmp_path)


XLSX_HEAD = b"PK\x03\x04" + b"\x00" * 60


@pytest.mark.parametrize(
    ("path", "body", "content_type", "disposition", "expected"),
    [
        # Google's export: the format in the query, the file name in Content-Disposition.
        (
            "/spreadsheets/d/1AbC/export?format=csv&gid=0",
            CSV,
            "text/csv",
            'attachment; filename="Labels - Sheet1.csv"; '
            "filename*=UTF-8''Labels%20-%20Sheet1.csv",
            "export.csv",
        ),
        # Publish to web: `output=` instead of `format=`, no file name.
        (
            "/spreadsheets/d/e/2PACX-1v/pub?gid=0&single=true&output=tsv",
            b"a\tb\n",
            None,
            None,
            "pub.tsv",
        ),
        # An object store that knows nothing of the file: the key's suffix says.
        ("/bucket/team/labels.xlsx", XLSX_HEAD, "binary/octet-stream", None, "labels.xlsx"),
        # A CSV served as an Excel file (Windows' own mapping): the bytes win.
        ("/labels", CSV, "application/vnd.ms-excel", None, "labels.csv"),
        # Nothing says: sniffed.
        ("/download", XLSX_HEAD, None, None, "download.xlsx"),
        (
            "/x/",
            b'{"name": "a", "type": "text"}\n{"name": "b", "type": "text"}\n',
            None,
            None,
            "x.jsonl",
        ),
        # The file name the answer gives is surer than its Content-Type.
        ("/data", b"a\tb\n", "text/csv", 'attachment; filename="labels.tsv"', "data.tsv"),
        # Content-Disposition's name gives the format only, never the saved name.
        ("/get", CSV, None, 'attachment; filename="../../etc/labels.csv"', "get.csv"),
        # A name that tries to leave the folder or drive the terminal.
        ("/%2E%2E%2Fevil%1B%5B31m.csv", CSV, "text/csv", None, "_evil__31m.csv"),
        ("/%2E%2E", CSV, "text/csv", None, "download.csv"),
    ],
)
async def test_the_format_and_the_name_come_from_the_answer_the_url_and_the_bytes(
    files: FileServer,
    tmp_path: Path,
    path: str,
    body: bytes,
    content_type: str | None,
    disposition: str | None,
    expected: str,
) -> None:
    headers = {"Content-Disposition": disposition} if disposition else {}
    files.serve(path.split("?")[0], body, content_type, **headers)

    saved = await fetched(files.url + path, tmp_path)

    assert saved.parent == tmp_path and saved.name == expected
    assert saved.read_bytes() == body


async def test_garbage_served_as_csv_is_refused_as_the_file_it_is(
    files: FileServer, sandbox: SandboxHandle, private_tmp: Path
) -> None:
    url = files.serve("/labels.csv", b"\x00\xff<<not a sheet at all", "text/csv")

    with pytest.raises(InputError, match=r"^labels\.csv: contains binary data"):
        await imported(url, sandbox)

    assert names(private_tmp) == set()


async def test_a_failed_download_raises_input_error_and_leaves_nothing(
    files: FileServer, sandbox: SandboxHandle, private_tmp: Path
) -> None:
    url = files.status("/labels.csv", 404) + SIGNED

    with pytest.raises(InputError, match="answered 404"):
        await imported(url, sandbox)

    assert names(private_tmp) == set()
    assert await server_labels(sandbox) == []
