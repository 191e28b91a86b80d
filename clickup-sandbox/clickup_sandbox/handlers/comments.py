"""Task comments: newest first, 25 a page, older pages via ``start`` + ``start_id``."""

from __future__ import annotations

from typing import Any

from clickup_sandbox import serialize
from clickup_sandbox.handlers import common
from clickup_sandbox.handlers.common import ApiRequest
from clickup_sandbox.model import State

PAGE_SIZE = 25


def task_comments(state: State, req: ApiRequest) -> Any:
    """GET /task/{task_id}/comment."""
    t = common.task(state, req.params["task_id"])
    ordered = sorted(
        state.comments.get(t.id, []), key=lambda c: (c.date_ms, int(c.id)), reverse=True
    )
    start = req.integer("start")
    start_id = req.arg("start_id")
    if start is not None:
        bound = (start, int(start_id) if start_id and start_id.isdigit() else -1)
        if start_id:
            ordered = [c for c in ordered if (c.date_ms, int(c.id)) < bound]
        else:
            ordered = [c for c in ordered if c.date_ms < start]
    return {"comments": [serialize.comment(state, c) for c in ordered[:PAGE_SIZE]]}
