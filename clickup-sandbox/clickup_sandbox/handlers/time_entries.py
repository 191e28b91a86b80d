"""Time tracking reads: entries in a date range, the running timer, and one entry by id."""

from __future__ import annotations

from typing import Any

from clickup_sandbox import serialize
from clickup_sandbox.handlers import common
from clickup_sandbox.handlers.common import ApiError, ApiRequest, bad_request
from clickup_sandbox.model import State, TimeEntry

DEFAULT_WINDOW_MS = 30 * 24 * 3_600_000
LOCATION_FILTERS = ("space_id", "folder_id", "list_id", "task_id")


def _assignees(state: State, team_id: str, req: ApiRequest) -> set[int]:
    raw = req.arg("assignee")
    if not raw:
        return {req.user_id}
    me = state.member(team_id, req.user_id)
    ids: set[int] = set()
    for part in raw.split(","):
        try:
            uid = int(part)
        except ValueError:
            raise bad_request(
                "assignee must be comma-separated user ids", "TIMEENTRY_033"
            ) from None
        if state.member(team_id, uid) is None:
            raise bad_request(f"Assignee {uid} is not a member of the workspace", "TIMEENTRY_034")
        ids.add(uid)
    if ids != {req.user_id} and (me is None or me.role not in (1, 2)):
        raise ApiError(401, "Only owners and admins can see other users' entries", "TIMEENTRY_035")
    return ids


def _location_check(state: State, req: ApiRequest) -> Any:
    given = [(name, req.arg(name)) for name in LOCATION_FILTERS if req.arg(name)]
    if len(given) > 1:
        raise bad_request("Only one of space_id, folder_id, list_id, task_id", "TIMEENTRY_036")
    if not given:
        return None
    name, value = given[0]

    def check(e: TimeEntry) -> bool:
        t = state.tasks.get(e.task_id) if e.task_id else None
        if t is None:
            return False
        if name == "task_id":
            return t.id == value
        lst = state.lists[t.list_id]
        return {"space_id": lst.space_id, "folder_id": lst.folder_id, "list_id": lst.id}[
            name
        ] == value

    return check


def list_entries(state: State, req: ApiRequest) -> Any:
    """GET /team/{team_Id}/time_entries: entries whose start is within [start_date, end_date]."""
    ws = common.team(state, req.params["team_Id"])
    end = req.integer("end_date")
    start = req.integer("start_date")
    if end is None:
        end = req.now_ms
    if start is None:
        start = end - DEFAULT_WINDOW_MS
    users = _assignees(state, ws.id, req)
    location = _location_check(state, req)
    billable = req.arg("is_billable")
    want_billable = None if billable in (None, "") else req.flag("is_billable")
    entries = [
        e
        for e in state.time_entries.values()
        if e.team_id == ws.id
        and e.user_id in users
        and start <= e.start_ms <= end
        and (want_billable is None or e.billable == want_billable)
        and (location is None or location(e))
    ]
    entries.sort(key=lambda e: (e.start_ms, int(e.id)))
    tags = req.flag("include_task_tags", False)
    names = req.flag("include_location_names", False)
    return {
        "data": [
            serialize.time_entry(
                state, e, req.now_ms, numeric_times=True, task_tags=tags, location_names=names
            )
            for e in entries
        ]
    }


def current_entry(state: State, req: ApiRequest) -> Any:
    """GET /team/{team_Id}/time_entries/current: the user's running timer, or null."""
    ws = common.team(state, req.params["team_Id"])
    uid = req.integer("assignee", req.user_id)
    running = [
        e
        for e in state.time_entries.values()
        if e.team_id == ws.id and e.user_id == uid and e.end_ms is None
    ]
    if not running:
        return {"data": None}
    return {"data": serialize.running_entry(state, running[-1], req.now_ms)}


def single_entry(state: State, req: ApiRequest) -> Any:
    """GET /team/{team_Id}/time_entries/{timer_id}."""
    ws = common.team(state, req.params["team_Id"])
    e = state.time_entries.get(req.params["timer_id"])
    if e is None or e.team_id != ws.id:
        raise ApiError(404, "Time entry not found", "TIMEENTRY_013")
    return {
        "data": serialize.time_entry(
            state,
            e,
            req.now_ms,
            numeric_times=False,
            task_tags=req.flag("include_task_tags", False),
            location_names=req.flag("include_location_names", False),
        )
    }
