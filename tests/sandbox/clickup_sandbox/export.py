"""The canonical ground truth served by GET /_sandbox/export (docs/data-contracts.md §3)."""

from __future__ import annotations

from typing import Any

from clickup_sandbox.model import PRIORITIES, State, Task, TimeEntry


def export(state: State, now_ms: int) -> dict[str, Any]:
    """Everything the pipeline should end up knowing, in canonical form."""
    return {
        "now_ms": now_ms,
        "workspaces": [
            {"id": ws.id, "name": ws.name, "color": ws.color} for ws in state.workspaces.values()
        ],
        "members": [
            {
                "team_id": ws.id,
                "user_id": m.user_id,
                "username": m.username,
                "email": m.email,
                "role": m.role,
            }
            for ws in state.workspaces.values()
            for m in ws.members
        ],
        "spaces": [
            {
                "id": s.id,
                "team_id": s.team_id,
                "name": s.name,
                "archived": s.archived,
                "private": s.private,
            }
            for s in state.spaces.values()
        ],
        "folders": [
            {
                "id": f.id,
                "space_id": f.space_id,
                "name": f.name,
                "archived": f.archived,
                "hidden": f.hidden,
            }
            for f in state.folders.values()
        ],
        "lists": [
            {
                "id": lst.id,
                "space_id": lst.space_id,
                "folder_id": lst.folder_id,
                "name": lst.name,
                "archived": lst.archived,
            }
            for lst in state.lists.values()
        ],
        "custom_fields": [
            {
                "id": f.id,
                "team_id": f.team_id,
                "name": f.name,
                "type": f.type,
                "type_config": f.type_config,
            }
            for f in state.fields.values()
        ],
        "tasks": [_task(state, t) for t in state.tasks.values()],
        "time_entries": [_entry(e) for e in state.time_entries.values()],
        "deleted": {
            "time_entries": list(state.deleted_time_entries),
            "tasks": list(state.deleted_tasks),
        },
    }


def _task(state: State, t: Task) -> dict[str, Any]:
    lst = state.lists[t.list_id]
    field_ids = [f.id for f in state.exposed_fields(t.list_id)]
    return {
        "id": t.id,
        "custom_id": t.custom_id,
        "team_id": t.team_id,
        "name": t.name,
        "status": t.status,
        "status_type": state.task_status(t).type,
        "archived": t.archived,
        "parent": t.parent,
        "list_id": t.list_id,
        "folder_id": lst.folder_id,
        "space_id": lst.space_id,
        "creator_id": t.creator_id,
        "assignee_ids": list(t.assignee_ids),
        "tags": list(t.tags),
        "priority": PRIORITIES[t.priority][0] if t.priority is not None else None,
        "date_created_ms": t.date_created_ms,
        "date_updated_ms": t.date_updated_ms,
        "date_closed_ms": t.date_closed_ms,
        "date_done_ms": t.date_done_ms,
        "due_date_ms": t.due_date_ms,
        "start_date_ms": t.start_date_ms,
        "time_estimate_ms": None if t.time_estimate is None else int(t.time_estimate),
        "points": t.points,
        "field_ids": field_ids,
        "custom_field_values": {
            fid: t.field_values[fid] for fid in field_ids if fid in t.field_values
        },
        "dependencies": [
            {"task_id": d.task_id, "depends_on": d.depends_on, "type": d.type}
            for d in state.dependencies_of(t.id)
        ],
        "linked_tasks": [
            {"task_id": t.id, "link_id": lk.task_b if lk.task_a == t.id else lk.task_a}
            for lk in state.links_of(t.id)
        ],
    }


def _entry(e: TimeEntry) -> dict[str, Any]:
    running = e.end_ms is None
    return {
        "id": e.id,
        "team_id": e.team_id,
        "user_id": e.user_id,
        "task_id": e.task_id,
        "start_ms": e.start_ms,
        "end_ms": e.end_ms,
        "duration_ms": None if running else e.end_ms - e.start_ms,
        "is_running": running,
        "billable": e.billable,
        "description": e.description,
        "tags": list(e.tags),
        "source": e.source,
    }
