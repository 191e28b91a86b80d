"""The canonical ground truth served by GET /_sandbox/export (docs/data-contracts.md §3)."""

from __future__ import annotations

from typing import Any

from clickup_sandbox import extras
from clickup_sandbox.model import PRIORITIES, Comment, State, Task, TimeEntry
from clickup_sandbox.status_time import current_since_ms, status_times


def export(state: State, now_ms: int) -> dict[str, Any]:
    """Everything the pipeline should end up knowing, in canonical form."""
    return {
        "now_ms": now_ms,
        "workspaces": [
            {
                "id": ws.id,
                "name": ws.name,
                "color": ws.color,
                "time_in_status_enabled": ws.time_in_status,
            }
            for ws in state.workspaces.values()
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
        # members removed from their workspace; their time entries are still in `time_entries`
        "former_members": [
            {
                "team_id": team_id,
                "user_id": m.user_id,
                "username": m.username,
                "email": m.email,
                "role": m.role,
            }
            for team_id, m in state.former_members
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
                "team_id": lst.team_id,
                "name": lst.name,
                "archived": lst.archived,
                "field_ids": [f.id for f in state.exposed_fields(lst.id)],
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
        "tasks": [_task(state, t, now_ms) for t in state.tasks.values()],
        "time_entries": [_entry(e) for e in state.time_entries.values()],
        "comments": [
            _comment(state, c)
            for task_id, comments in state.comments.items()
            if task_id in state.tasks
            for c in comments
        ],
        "task_templates": [
            {"id": t.id, "team_id": t.team_id, "name": t.name} for t in state.templates
        ],
        **extras.export(state),
        "deleted": {
            "time_entries": list(state.deleted_time_entries),
            "tasks": list(state.deleted_tasks),
        },
    }


def _task(state: State, t: Task, now_ms: int) -> dict[str, Any]:
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
            {
                "task_id": d.task_id,
                "depends_on": d.depends_on,
                "type": d.type,
                "date_created_ms": d.date_created_ms,
                "user_id": d.user_id,
            }
            for d in state.dependencies_of(t.id)
        ],
        "linked_tasks": [
            {
                "task_id": t.id,
                "link_id": lk.task_b if lk.task_a == t.id else lk.task_a,
                "date_created_ms": lk.date_created_ms,
                "user_id": lk.user_id,
            }
            for lk in state.links_of(t.id)
        ],
        "time_in_status": [
            {
                "status": x.status,
                "color": x.color,
                "type": x.type,
                "orderindex": x.orderindex,
                "since_ms": x.since_ms,
                "total_minutes": x.minutes,
                "is_current": x.is_current,
                "current_since_ms": current_since_ms(t) if x.is_current else None,
            }
            for x in status_times(state, t, now_ms)
        ],
    }


def _comment(state: State, c: Comment) -> dict[str, Any]:
    return {
        "id": c.id,
        "task_id": c.task_id,
        "team_id": state.tasks[c.task_id].team_id,
        "user_id": c.user_id,
        "text": c.text,
        "date_ms": c.date_ms,
        "resolved": c.resolved,
        "assignee_id": c.assignee_id,
        "assigned_by_id": c.assigned_by_id,
        "reply_count": c.reply_count,
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
