"""The tap's paginators: archived passes, the tasks keyset walk, short-page and comment paging.

A page-number paginator walks the same endpoint once per ``archived`` value.

ClickUp hides archived objects unless asked with ``archived=true`` (docs/clickup-api.md §3, §8), so
every list endpoint is read in two passes: ``archived=false`` then ``archived=true``. The
page token is ``(archived, page)``. With ``page_size`` set, a pass ends on
``last_page == true``, on a page shorter than ``page_size`` or on an empty page;
without it each pass is a single request.
"""

from __future__ import annotations

from typing import NamedTuple

import requests
from singer_sdk.pagination import BaseAPIPaginator, PageNumberPaginator

ARCHIVED_PASSES = (False, True)


class PassPage(NamedTuple):
    """Where the paginator is: which ``archived`` pass and which page (from 0)."""

    archived: bool
    page: int


def _page_length(response: requests.Response, records_key: str) -> tuple[int, bool]:
    body = getattr(response, "clickup_json", None)
    if not isinstance(body, dict):
        return 0, False
    items = body.get(records_key)
    return (len(items) if isinstance(items, list) else 0), body.get("last_page") is True


class ArchivedPassPaginator(BaseAPIPaginator[PassPage]):
    """Page through ``archived=false`` and then ``archived=true``."""

    def __init__(self, records_key: str, page_size: int | None = None) -> None:
        super().__init__(PassPage(ARCHIVED_PASSES[0], 0))
        self.records_key = records_key
        self.page_size = page_size

    def _pass_finished(self, response: requests.Response) -> bool:
        if self.page_size is None:
            return True
        length, last_page = _page_length(response, self.records_key)
        return last_page or length < self.page_size

    def has_more(self, response: requests.Response) -> bool:
        """More to read unless the last pass has finished."""
        return self.current_value.archived != ARCHIVED_PASSES[-1] or not self._pass_finished(
            response
        )

    def get_next(self, response: requests.Response) -> PassPage | None:
        """The next page of this pass, or page 0 of the next pass."""
        current = self.current_value
        if not self._pass_finished(response):
            return PassPage(current.archived, current.page + 1)
        return PassPage(ARCHIVED_PASSES[ARCHIVED_PASSES.index(current.archived) + 1], 0)

    def continue_if_empty(self, response: requests.Response) -> bool:
        """An empty page ends a pass, not the walk: go on while a pass is left."""
        return self.current_value.archived != ARCHIVED_PASSES[-1]


class KeysetToken(NamedTuple):
    """Where a keyset walk is: ``date_updated_gt`` cursor (ms), page under it, sort flag."""

    cursor_ms: int
    page: int
    reverse: bool


class UpdatedKeysetPaginator(BaseAPIPaginator[KeysetToken]):
    """Walk ``GET /team/{id}/task`` by ``date_updated`` instead of by page number.

    Page numbers shift when a task changes mid-sync (it moves to the end of the
    ``order_by=updated`` ordering and the next page starts one task later, skipping one).
    Moving the ``date_updated_gt`` cursor to the newest date of each page instead makes the
    walk immune to that: a changed task only moves behind the cursor and is read again.

    The cursor is the newest date of the page minus 1 ms, so the walk is correct whether
    ``date_updated_gt`` is inclusive (observed) or exclusive (documented); the tasks that
    come back twice are dropped by the stream. When a whole page shares one date (a bulk
    update) the cursor cannot move, and the walk goes to the next page under the same
    cursor. The stream tells the paginator the dates of each page through ``page_dates``.
    """

    def __init__(self, start: KeysetToken, page_size: int) -> None:
        super().__init__(start)
        self.page_size = page_size
        #: ``date_updated`` (ms) of the page just read, in the API's order.
        self.page_dates: list[int] = []
        #: Set by the stream when the page came back newest first: read it again flipped.
        self.flip_order = False

    def _page_was_last(self, response: requests.Response) -> bool:
        length, last_page = _page_length(response, "tasks")
        return last_page or length < self.page_size

    def has_more(self, response: requests.Response) -> bool:
        """More unless the page was the last one (and it was in the expected order)."""
        return self.flip_order or not self._page_was_last(response)

    def get_next(self, response: requests.Response) -> KeysetToken | None:
        """The next cursor, or the next page under the same cursor when dates tie."""
        current = self.current_value
        if self.flip_order:
            self.flip_order = False
            return KeysetToken(current.cursor_ms, 0, not current.reverse)
        newest = max(self.page_dates, default=current.cursor_ms) - 1
        if newest > current.cursor_ms:
            return KeysetToken(newest, 0, current.reverse)
        return KeysetToken(current.cursor_ms, current.page + 1, current.reverse)


class ShortPagePaginator(PageNumberPaginator):
    """``page=0, 1, ...`` until a page holds fewer than ``page_size`` items (or none)."""

    def __init__(self, records_key: str, page_size: int) -> None:
        super().__init__(0)
        self.records_key = records_key
        self.page_size = page_size

    def has_more(self, response: requests.Response) -> bool:
        """More while the page was full."""
        length, last_page = _page_length(response, self.records_key)
        return not last_page and length >= self.page_size


class CommentCursor(NamedTuple):
    """The oldest comment of a page: the next page starts below it (``start``, ``start_id``)."""

    date: str
    id: str


class CommentPaginator(BaseAPIPaginator[CommentCursor | None]):
    """Task comments come newest first, ``page_size`` at a time (docs/clickup-api.md §7).

    The next (older) page is asked with the last comment's ``date`` and ``id``; a short or
    empty page is the last one (the API has no end flag: UNCONFIRMED).
    """

    def __init__(self, page_size: int) -> None:
        super().__init__(None)
        self.page_size = page_size

    def _comments(self, response: requests.Response) -> list:
        body = getattr(response, "clickup_json", None)
        comments = body.get("comments") if isinstance(body, dict) else None
        return comments if isinstance(comments, list) else []

    def has_more(self, response: requests.Response) -> bool:
        """More while the page was full."""
        return len(self._comments(response)) >= self.page_size

    def get_next(self, response: requests.Response) -> CommentCursor | None:
        """The cursor below the page's oldest comment."""
        last = self._comments(response)[-1]
        return CommentCursor(str(last.get("date")), str(last.get("id")))
