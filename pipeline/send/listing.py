"""Reading the server's labels page by page: all of them for the plan, or one by its key.

A listing that meets a fatal answer stops the run (every row would meet it too). A listing
for the plan stops the run on any failure: without every existing label, the plan could
create a label twice. A server that keeps announcing a next page is not followed for
ever: the listing ends, as a fatal stop, once a page brings nothing new, once the pages
pass the total the server itself claims, or at `MAX_LISTED` labels.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from pipeline.labels import LabelSpec
from pipeline.plan import label_key
from pipeline.send.answers import Answer, Page, label_id, page_labels
from pipeline.send.client import LabelsClient
from pipeline.send.pool import run_pool
from pipeline.send.retry import Sending, send_with_retries

ListPage = Callable[[int], Awaitable[Answer]]
# Given one page's labels; True once it has found what it looks for.
TakePage = Callable[[list[dict[str, Any]]], bool]
# Labels one listing reads at most: far more than an organisation holds, so only a server
# that never stops paginating gets there; it bounds what a listing holds in memory
# (a label is a dict of one or two KiB: a few hundred MiB at worst).
MAX_LISTED = 200_000


@dataclass(frozen=True, slots=True)
class Lookup:
    """The server's label with a row's key, or why it could not be looked up."""

    label: Mapping[str, Any] | None
    problem: str = ""
    stopped: bool = False


async def existing_labels(client: LabelsClient, sending: Sending) -> list[dict[str, Any]] | None:
    """Every label of the organisation, or None when the listing could not finish."""
    labels: list[dict[str, Any]] = []
    return labels if await read_labels(client, sending, labels.extend) else None


async def read_labels(
    client: LabelsClient,
    sending: Sending,
    take: Callable[[list[dict[str, Any]]], object],
    *,
    search: str | None = None,
    label_type: str | None = None,
    project: str | None = None,
    include_archived: bool = False,
    at_once: int = 1,
) -> bool:
    """Hand every page of the organisation's labels to `take` as it arrives; False when
    the listing could not finish (the run is stopped, its `stop` says why).

    The filters are the server's own list parameters (it has one for each), so a filtered
    listing reads only the labels it asks for. With `at_once` above 1 the pages after the
    first are read that many at a time (see `_pages_ahead`), and reach `take` in any order.
    """

    def each(page: list[dict[str, Any]]) -> bool:
        take(page)
        return False

    list_page = partial(
        client.list_page,
        name=search,
        label_type=label_type,
        project=project,
        include_archived=include_archived,
    )
    answer = await _read_pages(list_page, each, sending, at_once=at_once)
    if answer is None:
        return False
    if answer.kind != "ok":
        _failed(answer, sending)
        return False
    return True


def _failed(answer: Answer, sending: Sending) -> None:
    sending.stop.fatal(f"could not list existing labels: {answer.message}", answer)


async def find_label(client: LabelsClient, label: LabelSpec, sending: Sending) -> Lookup:
    """The active label with `label`'s key, listed by its name and type."""
    key = label.key()
    found: list[dict[str, Any]] = []

    def take(page: list[dict[str, Any]]) -> bool:
        found.extend(
            c for c in page if label_key(c) == key and not c.get("archived") and label_id(c)
        )
        return bool(found)

    by_name = partial(
        client.list_page, name=label.name.strip(), label_type=label.type, project=label.project
    )
    answer = await _read_pages(by_name, take, sending)
    if answer is None:
        return Lookup(None, stopped=True)
    if answer.kind != "ok":
        if answer.kind == "fatal":
            sending.stop.fatal(answer.message, answer)
        return Lookup(None, answer.message)
    return Lookup(found[0] if found else None)


async def _read_pages(
    list_page: ListPage, take: TakePage, sending: Sending, *, at_once: int = 1
) -> Answer | None:
    """Hand each page to `take` until it is satisfied or no page follows.

    Returns the last answer: `ok` when the reading finished, another kind when a page
    could not be read or the pages would not end, None when the run stopped first.
    """
    seen: set[str] = set()
    page = 1
    while True:
        answer = (await send_with_retries(partial(list_page, page), sending)).answer
        if answer is None or answer.kind != "ok":
            return answer
        listed = page_labels(answer)
        if take(listed.labels) or not listed.more:
            return answer
        endless = _endless(listed, page, seen)
        if endless:
            return Answer("fatal", answer.status, _endless_message(endless))
        page += 1
        if page == 2:
            ahead = await _pages_ahead(list_page, take, sending, listed, at_once, seen)
            if not isinstance(ahead, int):
                return ahead
            page = ahead


async def _pages_ahead(
    list_page: ListPage,
    take: TakePage,
    sending: Sending,
    first: Page,
    at_once: int,
    seen: set[str],
) -> Answer | int | None:
    """Pages 2 to the last that the first page's count implies, `at_once` at a time, so
    the server prepares one page while the client reads another (one by one, each side
    waits for the other). The guards of one-by-one reading still hold: only a count
    within `MAX_LISTED` is taken at its word, a page that fails stops the others, and so
    does one that brings nothing new or passes `MAX_LISTED` labels (`_beyond`).

    Returns what ends the reading: the last page's answer when no page follows it, the
    failed answer, or None when the run stopped; or else the number of the page to read
    next one by one, when the last says more follow (labels created meanwhile).
    """
    if at_once < 2 or first.count is None or first.count > MAX_LISTED:
        return 2
    last = max(2, -(-first.count // len(first.labels)))
    answers: dict[int, Answer] = {}

    async def read(page: int) -> None:
        answer = (await send_with_retries(partial(list_page, page), sending)).answer
        if answer is None:
            return
        listed = page_labels(answer)
        # Any page that says more follow is held to the guards (an empty one brings nothing
        # new: the server lost its place), and so is any other before the last. The last,
        # saying none follows, ends an honest listing: read whole, as one by one, though
        # it reaches `MAX_LISTED`; empty, it is labels deleted meanwhile.
        held = answer.kind == "ok" and (listed.more or (bool(listed.labels) and page < last))
        beyond = _beyond(listed, page, seen) if held else ""
        if beyond:
            answer = Answer("fatal", answer.status, _endless_message(beyond))
        answers[page] = answer
        if answer.kind != "ok":
            _failed(answer, sending)  # the pool feeds no more pages
            return
        take(listed.labels)

    await run_pool(read, range(2, last + 1), concurrency=at_once, stop=sending.stop)
    failed = [answer for answer in answers.values() if answer.kind != "ok"]
    if failed or len(answers) < last - 1:
        return failed[0] if failed else None
    return last + 1 if page_labels(answers[last]).more else answers[last]


def _endless(listed: Page, page: int, seen: set[str]) -> str:
    """Why the listing must stop although the server says another page follows, or "".

    Adds the page's new ids to `seen`, the ids of every page before it.
    """
    beyond = _beyond(listed, page, seen)
    if beyond:
        return beyond
    if listed.count is not None and page * len(listed.labels) >= listed.count:
        return f"but {page} pages already hold the {listed.count} labels it says it has"
    return ""


def _beyond(listed: Page, page: int, seen: set[str]) -> str:
    """Why a page's labels must not be taken, or "": none is new, or the listing passes
    `MAX_LISTED`. Pages read at once are held to it too: a server that claims a count
    within it on a short first page would otherwise have every page it implies read.

    Adds the page's new ids to `seen`.
    """
    new = {found for found in map(label_id, listed.labels) if found is not None} - seen
    if not new:
        return f"but page {page} brought no label not seen before"
    seen |= new
    if len(seen) >= MAX_LISTED:
        return f"past {MAX_LISTED} labels"
    return ""


def _endless_message(why: str) -> str:
    return f"the server kept announcing more pages, {why}; the listing stopped"
