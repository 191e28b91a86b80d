"""A page-number paginator that walks the same endpoint once per ``archived`` value.

ClickUp hides archived objects unless asked with ``archived=true`` (FACTS.md §3, §8), so
every list endpoint is read in two passes: ``archived=false`` then ``archived=true``. The
page token is ``(archived, page)``. With ``page_size`` set, a pass ends on
``last_page == true``, on a page shorter than ``page_size`` or on an empty page;
without it each pass is a single request.
"""

from __future__ import annotations

from typing import NamedTuple

import requests
from singer_sdk.pagination import BaseAPIPaginator

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
