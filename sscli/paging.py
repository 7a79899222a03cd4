"""Fetching every page of a list API, the later pages side by side, in order.

CloudStack caps a list at its `default.page.size` while `count` reports the true
total, so a list without `page`/`pagesize` of the user's is fetched page by page,
always with an explicit pagesize: page 1 tells the total, the remaining pages are
fetched by a small pool of threads, and the rows are joined in the server's order.
Paging ends on a short or empty page only: some list APIs report a wrong `count`,
so a full page always asks for the next one.

A list that changes while it is paged shifts rows across page boundaries: a row
sent twice is kept once, and when the rows joined are not what the server counted
one warning says so. The JSON keeps `count` equal to the rows it holds.
"""

from __future__ import annotations

import hashlib
import json
import queue
import re
import sys
import threading
from collections.abc import Callable, Collection
from concurrent.futures import Future
from typing import Any, Protocol

from sscli.errors import APIError, BadResponseError

PAGE_SIZE = 500  # CloudStack's default.page.size, the largest it allows by default
WORKERS = 4  # pages in flight at once; below requests' pool of 10 connections
MAX_PAGES = 10_000  # a server sending full pages past this is broken: stop
PAGING_PARAMS = ("page", "pagesize")
LIST_PREFIX = "list"
PARAM_ERROR = 431  # what the server answers for a pagesize above its maximum
MAX_PAGESIZE_TEXT = re.compile(r"page size.*?(\d+)", re.IGNORECASE)

Row = dict[str, Any]


class PageClient(Protocol):
    def request(self, command: str, params: dict[str, str]) -> dict: ...


class Progress(Protocol):
    def start(self, total_rows: int) -> None: ...

    def advance(self, rows: int) -> None: ...

    def close(self) -> None: ...


def wants_all_pages(
    command: str,
    params: dict[str, str],
    api_params: Collection[str] | None = None,
) -> bool:
    """True for a list API called without the user's own page or pagesize.

    `api_params`, the API's parameter names from the catalog when known, spares
    the page parameters to the list APIs that take none (listApis, listHypervisors).
    """
    if not command.lower().startswith(LIST_PREFIX):
        return False
    if has_paging_params(params):
        return False
    if api_params is None:
        return True
    return "pagesize" in {name.lower() for name in api_params}


def has_paging_params(params: dict[str, str]) -> bool:
    return any(name.lower() in PAGING_PARAMS for name in params)


def fetch_all(
    client: PageClient,
    command: str,
    params: dict[str, str],
    progress: Progress | None = None,
    pagesize: int = PAGE_SIZE,
    workers: int = WORKERS,
    warn: Callable[[str], None] | None = None,
) -> dict:
    """Every row of a list API as one response: `count` and the joined list.

    Any failing page fails the whole call; no partial list is returned. `warn`
    (stderr by default) hears once when the rows joined differ from the count.
    """
    if has_paging_params(params):
        return client.request(command, params)
    first, pagesize = fetch_first_page(client, command, params, pagesize)
    listkey = find_list_key(first)
    if listkey is None:
        return first
    joined = JoinedRows(first[listkey], first.get("count"))

    # A short page 1 is every row; a longer one means the API ignores pagesize.
    if len(first[listkey]) == pagesize:
        fetcher = _PageFetcher(client, command, params, pagesize, workers)
        try:
            fetcher.fetch_rest(joined, first[listkey], progress)
        finally:
            fetcher.close()
            if progress is not None:
                progress.close()
    first[listkey] = joined.rows
    first["count"] = len(joined.rows)

    mismatch = joined.mismatch(command)
    if mismatch:
        (warn or print_warning)(mismatch)
    return first


def fetch_first_page(
    client: PageClient, command: str, params: dict[str, str], pagesize: int
) -> tuple[dict, int]:
    """Page 1 and the page size the server accepted.

    A server whose default.page.size is below ours refuses our pagesize with a
    431 naming its maximum (CloudStack never cuts a page silently instead); page
    1 is asked again with that maximum.
    """
    try:
        return client.request(command, page_params(params, 1, pagesize)), pagesize
    except APIError as err:
        allowed = max_pagesize(err)
        if allowed is None or allowed >= pagesize:
            raise
    return client.request(command, page_params(params, 1, allowed)), allowed


def max_pagesize(err: APIError) -> int | None:
    """The maximum page size a 431 names, or None for any other error."""
    if err.errorcode != PARAM_ERROR:
        return None
    found = MAX_PAGESIZE_TEXT.search(err.errortext)
    if not found or int(found.group(1)) <= 0:
        return None
    return int(found.group(1))


def page_params(params: dict[str, str], page: int, pagesize: int) -> dict[str, str]:
    return {**params, "page": str(page), "pagesize": str(pagesize)}


def find_list_key(response: dict) -> str | None:
    """The key of the one list in a list response; None when there is none.

    An empty list answers `{}`; a response with two lists is not a page to join.
    """
    keys = [key for key, value in response.items() if isinstance(value, list)]
    return keys[0] if len(keys) == 1 else None


def last_page(count: int, pagesize: int) -> int:
    """The page expected short or empty: the one that proves the list ended.

    When count is a multiple of pagesize that is an empty page past the count;
    asking it with the others costs a request but no extra round trip.
    """
    return count // pagesize + 1


def row_key(row: Any) -> tuple[str, str] | None:
    """What tells one row from another: its id, or None for a row without one.

    Templates and ISOs are listed once per zone under the same id, so the zone is
    part of the key.
    """
    if not isinstance(row, dict) or row.get("id") is None:
        return None
    return str(row["id"]), str(row.get("zoneid", ""))


def fingerprint(rows: list[Row]) -> str:
    """A short digest of a page's rows, to notice a page the server sent twice."""
    digest = hashlib.sha256()
    for row in rows:
        key = row_key(row)
        text = json.dumps(row, sort_keys=True, default=str) if key is None else key
        digest.update(str(text).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def print_warning(text: str) -> None:
    print(f"Warning: {text}", file=sys.stderr)


class JoinedRows:
    """The rows of the pages so far, each row with an id once, and the count.

    `counted` is the highest count a page reported: rows deleted while paging
    lower the later pages' count, and the rows they shifted out of reach are
    missing all the same.
    """

    def __init__(self, rows: list[Row], count: Any):
        self.rows: list[Row] = []
        self.keys: set[tuple[str, str]] = set()
        self.repeats = 0  # rows with an id that an earlier page had sent
        self.counted = _as_count(count)
        self.add(rows)

    @property
    def total(self) -> int:
        """The rows to expect: the count, or more when more came."""
        return max(self.counted or 0, len(self.rows))

    def note_count(self, count: Any) -> None:
        count = _as_count(count)
        if count is not None:
            self.counted = max(self.counted or 0, count)

    def add(self, rows: list[Row]) -> int:
        """Join a page's rows, keeping the first of each id; the rows it added."""
        before = len(self.rows)
        for row in rows:
            key = row_key(row)
            if key is not None:
                if key in self.keys:
                    self.repeats += 1
                    continue
                self.keys.add(key)
            self.rows.append(row)
        return len(self.rows) - before

    def mismatch(self, command: str) -> str | None:
        """The warning for rows that are not what the server counted, or None."""
        unchanged = self.counted is None or self.counted == len(self.rows)
        if unchanged and not self.repeats:
            return None
        counted = "" if self.counted is None else f"counted {self.counted} rows but "
        repeats = f", plus {self.repeats} repeats left out" if self.repeats else ""
        return (
            f"{command} {counted}sent {len(self.rows)}{repeats}; the list changed "
            "while it was fetched, or the server's count is wrong"
        )


class _PageFetcher:
    """Pages 2 and on: asked ahead by a bounded pool, joined strictly in order."""

    def __init__(
        self,
        client: PageClient,
        command: str,
        params: dict[str, str],
        pagesize: int,
        workers: int,
    ):
        self.client = client
        self.command = command
        self.params = params
        self.pagesize = pagesize
        self.pool = _Workers(workers, self.fetch_page)
        self.pending: dict[int, Future] = {}
        self.asked = 1  # the highest page number asked for so far
        self.seen: dict[str, int] = {}  # page fingerprint -> the first page with it

    def fetch_rest(
        self, joined: JoinedRows, first_rows: list[Row], progress: Progress | None
    ) -> None:
        if progress is not None:
            progress.start(joined.total)
            progress.advance(len(joined.rows))
        self.seen[fingerprint(first_rows)] = 1

        page = 2
        while True:
            # A full page always asks for the next one: count alone is not trusted.
            self.ask_ahead(page, joined)
            rows, count = self.take(page)
            joined.note_count(count)
            if self.is_repeat(page, rows, joined.total):
                return
            added = joined.add(rows)
            if progress is not None:
                progress.advance(added)
            if len(rows) < self.pagesize:
                return
            page += 1

    def ask_ahead(self, page: int, joined: JoinedRows) -> None:
        """Ask every page up to the count's last one, and `page` at least."""
        self.check_bounds(page, joined.counted)
        last = max(page, last_page(joined.total, self.pagesize))
        for number in range(self.asked + 1, last + 1):
            self.pending[number] = self.pool.submit(number)
        self.asked = max(self.asked, last)

    def check_bounds(self, page: int, counted: int | None) -> None:
        """Refuse a list of more than MAX_PAGES pages, counted or sent."""
        if counted is not None and -(-counted // self.pagesize) > MAX_PAGES:
            raise BadResponseError(
                f"{self.command} counts {counted} rows, more than {MAX_PAGES} "
                f"pages of {self.pagesize}; narrow the list with a filter or page "
                "it yourself with page=N"
            )
        # Past the count's last page, only a server that ignores it sends more.
        if page > MAX_PAGES + 1:
            raise BadResponseError(
                f"{self.command} kept sending full pages past page {MAX_PAGES}; "
                "narrow the list with a filter or page it yourself with page=N"
            )

    def fetch_page(self, page: int) -> dict:
        return self.client.request(
            self.command, page_params(self.params, page, self.pagesize)
        )

    def take(self, page: int) -> tuple[list[Row], Any]:
        """The rows of one page (waiting for it) and the count it reports."""
        response = self.pending.pop(page).result()
        listkey = find_list_key(response)
        rows = response[listkey] if listkey else []
        return rows, response.get("count")

    def is_repeat(self, page: int, rows: list[Row], total: int) -> bool:
        """True when a page past the count repeats one: the server ignores `page`.

        Within the count, rows with ids sent again would loop or lose rows, so
        that fails; rows without ids may well be alike, so they are kept.
        """
        if not rows:
            return False
        earlier = self.seen.setdefault(fingerprint(rows), page)
        if earlier == page:
            return False
        if (page - 1) * self.pagesize >= total:
            return True
        if any(row_key(row) is None for row in rows):
            return False
        raise BadResponseError(
            f"{self.command} sent page {page} identical to page {earlier}; "
            "the server repeats pages, so the list would be wrong. "
            "Fetch pages yourself with page=N pagesize=M, or use --no-paginate"
        )

    def close(self) -> None:
        # Pages not yet started are dropped; a failure must not wait for them.
        for future in self.pending.values():
            future.cancel()
        self.pool.close()


class _Workers:
    """A few daemon threads fetching the pages put on a queue.

    Not a ThreadPoolExecutor: its threads hold the process open at exit, so a
    Ctrl-C or a failed page would wait for a slow request still in flight.
    """

    def __init__(self, count: int, work: Callable[[int], dict]):
        self.work = work
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.threads = [
            threading.Thread(target=self.run, name=f"page-{n}", daemon=True)
            for n in range(count)
        ]
        for thread in self.threads:
            thread.start()

    def submit(self, page: int) -> Future:
        future: Future = Future()
        self.queue.put((page, future))
        return future

    def run(self) -> None:
        while (item := self.queue.get()) is not None:
            page, future = item
            if not future.set_running_or_notify_cancel():
                continue  # cancelled while queued
            try:
                future.set_result(self.work(page))
            except BaseException as err:  # every future ends, or the caller hangs
                future.set_exception(err)

    def close(self) -> None:
        for _ in self.threads:
            self.queue.put(None)


def _as_count(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
