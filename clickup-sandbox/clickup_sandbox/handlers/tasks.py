"""Task reads: team and list task queries, single tasks, time in status and task templates."""

from __future__ import annotations

from typing import Any

from clickup_sandbox import serialize, task_query
from clickup_sandbox.handlers import common
from clickup_sandbox.handlers.common import ApiError, ApiRequest, bad_request
from clickup_sandbox.model import State, Task

MAX_BULK_TASKS = 100
#: UNCONFIRMED: the page size of GET /team/{id}/taskTemplate is not documented (docs/clickup-api.md §7).
TEMPLATE_PAGE_SIZE = 100
#: UNCONFIRMED: ClickUp documents no error for a workspace without the Total Time in Status
#: ClickApp; the sandbox answers this 400 (docs/data-contracts.md §3).
NO_TIME_IN_STATUS = (400, "Time in Status ClickApp is not enabled for this Workspace", "TIS_001")


def _page_body(state: State, req: ApiRequest, tasks: list[Any]) -> bytes:
    """``{"tasks": [...], "last_page": bool}``, already encoded (see serialize.task_json)."""
    chunk, last = task_query.page(tasks, req)
    markdown = req.flag("include_markdown_description", False)
    encoded = b",".join(serialize.task_json(state, t, markdown=markdown) for t in chunk)
    return b'{"tasks":[' + encoded + b'],"last_page":' + (b"true" if last else b"false") + b"}"


def team_tasks(state: State, req: ApiRequest) -> Any:
    """GET /team/{team_Id}/task: filtered, ordered, 100 a page."""
    ws = common.team(state, req.params["team_Id"])
    candidates = (t for t in state.tasks.values() if t.team_id == ws.id)
    return _page_body(state, req, task_query.select(state, candidates, req, bracketed=True))


def list_tasks(state: State, req: ApiRequest) -> Any:
    """GET /list/{list_id}/task; tasks homed elsewhere only with ``include_timl=true``."""
    lst = common.task_list(state, req.params["list_id"])
    timl = req.flag("include_timl", False)
    candidates = (
        t
        for t in state.tasks.values()
        if t.list_id == lst.id or (timl and lst.id in t.location_list_ids)
    )
    return _page_body(state, req, task_query.select(state, candidates, req, bracketed=False))


def get_task(state: State, req: ApiRequest) -> Any:
    """GET /task/{task_id} (``include_subtasks`` adds every descendant)."""
    t = common.task(state, req.params["task_id"])
    return serialize.task(
        state,
        t,
        markdown=req.flag("include_markdown_description", False),
        subtasks=req.flag("include_subtasks", False),
    )


def _require_time_in_status(state: State, tasks: list[Task]) -> None:
    """The error of a workspace without the Total Time in Status ClickApp."""
    if any(not state.workspaces[t.team_id].time_in_status for t in tasks):
        raise ApiError(*NO_TIME_IN_STATUS)


def time_in_status(state: State, req: ApiRequest) -> Any:
    """GET /task/{task_id}/time_in_status."""
    t = common.task(state, req.params["task_id"])
    _require_time_in_status(state, [t])
    return serialize.time_in_status(state, t, req.now_ms)


def bulk_time_in_status(state: State, req: ApiRequest) -> Any:
    """GET /task/bulk_time_in_status/task_ids?task_ids=a&task_ids=b (at most 100)."""
    ids: list[str] = []
    for raw in req.args("task_ids"):
        ids.extend(p for p in raw.split(",") if p)
    if not ids:
        raise bad_request("task_ids is required", "INPUT_001")
    if len(ids) > MAX_BULK_TASKS:
        raise bad_request(f"Too many task ids: at most {MAX_BULK_TASKS}", "INPUT_004")
    tasks = [common.task(state, tid) for tid in dict.fromkeys(ids)]
    _require_time_in_status(state, tasks)
    return {t.id: serialize.time_in_status(state, t, req.now_ms) for t in tasks}


def task_templates(state: State, req: ApiRequest) -> Any:
    """GET /team/{team_id}/taskTemplate?page=N (``page`` is required)."""
    ws = common.team(state, req.params["team_id"])
    number = req.integer("page")
    if number is None or number < 0:
        raise ApiError(400, "page is required and must be >= 0", "INPUT_001")
    mine = [t for t in state.templates if t.team_id == ws.id]
    chunk = mine[number * TEMPLATE_PAGE_SIZE : (number + 1) * TEMPLATE_PAGE_SIZE]
    return {"templates": [serialize.task_template(t) for t in chunk]}
