"""Task templates of each workspace."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import requests
from singer_sdk.helpers.types import Context

from tap_clickup_extended.client import ClickUpStream
from tap_clickup_extended.conversions import id_str
from tap_clickup_extended.fields.task_templates import FIELDS as TASK_TEMPLATES_FIELDS
from tap_clickup_extended.pagination import ShortPagePaginator
from tap_clickup_extended.streams.workspace_streams import WorkspacesStream

#: UNCONFIRMED: ClickUp documents neither the page size nor an end flag (docs/clickup-api.md §7); the
#: sandbox serves 100 a page. A page with fewer items (or none) is the last one.
TEMPLATES_PAGE_SIZE = 100


class TaskTemplatesStream(ClickUpStream):
    """``GET /team/{team_id}/taskTemplate?page=N`` (``page`` required, from 0): full table."""

    name = "task_templates"
    parent_stream_type = WorkspacesStream
    path = "/team/{team_id}/taskTemplate"
    records_key = "templates"
    primary_keys = ("id",)
    state_partitioning_keys: list[str] = []
    schema = TASK_TEMPLATES_FIELDS.schema()

    def get_new_paginator(self) -> ShortPagePaginator:
        """Pages from 0 until a short or empty one."""
        return ShortPagePaginator(self.records_key, TEMPLATES_PAGE_SIZE)

    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        """``page`` is required."""
        return {"page": next_page_token or 0}

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        """Template objects; the spec types items as strings, read as template ids."""
        for item in super().parse_response(response):
            yield item if isinstance(item, dict) else {"id": item}

    def transform_record(self, row: dict, context: Context | None) -> dict | None:
        """Contract shape."""
        template_id = id_str(row.get("id"))
        if template_id is None:
            return None
        return TASK_TEMPLATES_FIELDS.record(
            row, id=template_id, team_id=(context or {}).get("team_id")
        )
