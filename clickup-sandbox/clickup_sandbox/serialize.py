"""The ClickUp API v2 wire format: turns canonical records into the JSON ClickUp would send.

The oddities are deliberate (see docs/clickup-api.md): ids are strings except user ids,
task dates are ms strings, drop-down values are option orderindexes, numbers are sometimes numeric
strings, unset custom fields have no ``value`` key, time-entry ``start``/``end`` are numbers in the
list endpoint and strings elsewhere, and a running timer has a negative ``duration``.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from clickup_sandbox.model import (
    PRIORITIES,
    Comment,
    CustomField,
    Folder,
    Member,
    Space,
    State,
    Task,
    TaskList,
    TaskTemplate,
    TimeEntry,
    Webhook,
)
from clickup_sandbox.status_time import current_since_ms, status_times

APP_URL = "https://app.clickup.example"


def ms(value: int | None) -> str | None:
    """A ms timestamp as ClickUp's string form, or None."""
    return None if value is None else str(value)


def _flip(*parts: str, modulo: int = 3) -> bool:
    """A stable per-(task, field) coin that decides between equivalent wire forms."""
    return zlib.crc32(":".join(parts).encode()) % modulo == 0


def _number_text(value: float | int) -> str:
    return repr(value) if isinstance(value, float) else str(value)


# ----- people ------------------------------------------------------------------------------------


def user_small(m: Member) -> dict[str, Any]:
    """The user object used in tasks, comments and time entries."""
    return {
        "id": m.user_id,
        "username": m.username,
        "color": m.color,
        "email": m.email,
        "initials": m.initials,
        "profilePicture": m.profile_picture,
    }


def team_member(m: Member) -> dict[str, Any]:
    """A ``members[]`` entry of GET /team."""
    return {
        "user": {
            **user_small(m),
            "role": m.role,
            "custom_role": None,
            "last_active": ms(m.last_active_ms),
            "date_joined": ms(m.date_joined_ms),
            "date_invited": ms(m.date_invited_ms),
        },
        "invited_by": None,
    }


def authorized_user(m: Member) -> dict[str, Any]:
    """GET /user's ``user`` object."""
    return {
        **user_small(m),
        "week_start_day": 1,
        "global_font_support": False,
        "timezone": "Etc/UTC",
    }


def workspace(state: State, team_id: str) -> dict[str, Any]:
    """One ``teams[]`` entry."""
    ws = state.workspaces[team_id]
    return {
        "id": ws.id,
        "name": ws.name,
        "color": ws.color,
        "avatar": ws.avatar,
        "members": [team_member(m) for m in ws.members],
    }


# ----- hierarchy ---------------------------------------------------------------------------------


def space(s: Space) -> dict[str, Any]:
    """A space object."""
    on = {"enabled": True}
    return {
        "id": s.id,
        "name": s.name,
        "color": s.color,
        "private": s.private,
        "avatar": f"https://attachments.clickup.example/spaces/{s.id}.png",
        "admin_can_manage": True,
        "archived": s.archived,
        "members": [],
        "statuses": [
            {
                "id": st.id,
                "status": st.status,
                "type": st.type,
                "orderindex": st.orderindex,
                "color": st.color,
            }
            for st in s.statuses
        ],
        "multiple_assignees": s.multiple_assignees,
        "features": {
            "due_dates": {
                "enabled": True,
                "start_date": True,
                "remap_due_dates": False,
                "remap_closed_due_date": False,
            },
            "time_tracking": on,
            "tags": on,
            "time_estimates": on,
            "checklists": on,
            "custom_fields": on,
            "remap_dependencies": on,
            "dependency_warning": on,
            "portfolios": on,
        },
    }


def _folder_ref(state: State, lst: TaskList) -> dict[str, Any]:
    """The ``folder`` stub of a list or task; folderless lists sit in the space's hidden folder."""
    if lst.folder_id is None:
        sid = state.spaces[lst.space_id].system_folder_id
        return {"id": sid, "name": "hidden", "hidden": True, "access": True}
    f = state.folders[lst.folder_id]
    return {"id": f.id, "name": f.name, "hidden": f.hidden, "access": True}


def list_counts(state: State) -> dict[str, int]:
    counts: dict[str, int] = {}
    for t in state.tasks.values():
        if not t.archived:
            counts[t.list_id] = counts.get(t.list_id, 0) + 1
    return counts


def task_list(state: State, lst: TaskList, counts: dict[str, int] | None = None) -> dict[str, Any]:
    """A list object (folder lists, folderless lists, GET /list/{id})."""
    counts = list_counts(state) if counts is None else counts
    sp = state.spaces[lst.space_id]
    priority = None
    if lst.priority is not None:
        name, color = PRIORITIES[lst.priority]
        priority = {"priority": name, "color": color}
    return {
        "id": lst.id,
        "name": lst.name,
        "orderindex": lst.orderindex,
        "content": lst.content,
        "status": {"status": "green", "color": "#6bc950", "hide_label": True},
        "priority": priority,
        "assignee": None,
        "task_count": str(counts.get(lst.id, 0)),
        "due_date": ms(lst.due_date_ms),
        "start_date": ms(lst.start_date_ms),
        "folder": _folder_ref(state, lst),
        "space": {"id": sp.id, "name": sp.name, "access": True},
        "archived": lst.archived,
        "override_statuses": False,
        "statuses": [
            {
                "id": st.id,
                "status": st.status,
                "orderindex": st.orderindex,
                "color": st.color,
                "type": st.type,
            }
            for st in sp.statuses
        ],
        "permission_level": "create",
    }


def folder(state: State, f: Folder, counts: dict[str, int] | None = None) -> dict[str, Any]:
    """A folder object with its (non-archived) lists."""
    counts = list_counts(state) if counts is None else counts
    sp = state.spaces[f.space_id]
    lists = [lst for lst in state.lists.values() if lst.folder_id == f.id and not lst.archived]
    return {
        "id": f.id,
        "name": f.name,
        "orderindex": f.orderindex,
        "override_statuses": f.override_statuses,
        "hidden": f.hidden,
        "archived": f.archived,
        "space": {"id": sp.id, "name": sp.name, "access": True},
        "task_count": str(sum(counts.get(lst.id, 0) for lst in lists)),
        "lists": [task_list(state, lst, counts) for lst in lists],
    }


# ----- custom fields -----------------------------------------------------------------------------


def field_definition(f: CustomField) -> dict[str, Any]:
    """A field definition as in GET /list/{id}/field and in task payloads (a fresh dict)."""
    return {
        "id": f.id,
        "name": f.name,
        "type": f.type,
        "type_config": f.type_config,
        "date_created": ms(f.date_created_ms),
        "hide_from_guests": f.hide_from_guests,
        "required": f.required,
    }


def field_value(state: State, f: CustomField, task: Task, value: Any) -> Any:
    """The ``value`` ClickUp shows for a canonical custom-field value."""
    t = f.type
    if t == "drop_down":
        for opt in f.type_config["options"]:
            if opt["id"] == value:
                return opt["orderindex"]
        raise ValueError(f"unknown option {value!r} for field {f.id}")
    if t == "users":
        return [user_small(state.user(uid)) for uid in value]
    if t == "tasks":
        out = []
        for tid in value:
            other = state.tasks.get(tid)
            out.append(
                {
                    "id": tid,
                    "name": other.name if other else "",
                    "status": other.status if other else "",
                    "color": state.task_status(other).color if other else "#d3d3d3",
                    "custom_type": None,
                    "team_id": task.team_id,
                    "deleted": other is None,
                    "url": f"{APP_URL}/t/{tid}",
                    "access": True,
                }
            )
        return out
    if t in ("number", "currency"):
        return _number_text(value) if _flip(task.id, f.id) else value
    if t == "date":
        return str(value)
    if t == "checkbox":
        return "true" if value and _flip(task.id, f.id, modulo=2) else value
    if t == "location":
        return {
            "location": {"lat": value["lat"], "lng": value["lng"]},
            "formatted_address": value["formatted_address"],
        }
    if t == "manual_progress":
        cfg = f.type_config
        span = cfg.get("end", 100) - cfg.get("start", 0)
        current = cfg.get("start", 0) + value["percent_completed"] * span / 100
        return {"current": _number_text(round(current, 2)), **value}
    if t == "automatic_progress":
        return dict(value)
    return value


def task_custom_fields(state: State, task: Task) -> list[dict[str, Any]]:
    """Every field the task's list exposes; unset ones carry no ``value`` key."""
    out = []
    for f in state.exposed_fields(task.list_id):
        entry = field_definition(f)
        if f.id in task.field_values:
            entry["value"] = field_value(state, f, task, task.field_values[f.id])
        out.append(entry)
    return out


# ----- tasks -------------------------------------------------------------------------------------


def priority(level: int | None) -> dict[str, Any] | None:
    """ClickUp's priority object, or None."""
    if level is None:
        return None
    name, color = PRIORITIES[level]
    return {"id": str(level), "priority": name, "color": color, "orderindex": str(level)}


def _dependency(d: Any) -> dict[str, Any]:
    return {
        "task_id": d.task_id,
        "depends_on": d.depends_on,
        "type": d.type,
        "date_created": ms(d.date_created_ms),
        "userid": str(d.user_id),
        "workspace_id": d.team_id,
        "chain_id": None,
    }


def task_json(state: State, t: Task, *, markdown: bool = False) -> bytes:
    """The encoded task object, built fast for task pages.

    The custom fields' definitions are the bulk of a task payload and never change, so their
    encoded form is cached per field and spliced in after the rest of the task is encoded.
    """
    head = _encode(task(state, t, markdown=markdown, custom_fields=False))
    parts = []
    cache = state.encoded_fields
    for f in state.exposed_fields(t.list_id):
        frag = cache.get(f.id)
        if frag is None:
            frag = cache[f.id] = _encode(field_definition(f))[:-1]
        if f.id in t.field_values:
            value = _encode(field_value(state, f, t, t.field_values[f.id]))
            parts.append(frag + b',"value":' + value + b"}")
        else:
            parts.append(frag + b"}")
    return head[:-1] + b',"custom_fields":[' + b",".join(parts) + b"]}"


def _encode(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


def task(
    state: State,
    t: Task,
    *,
    markdown: bool = False,
    subtasks: bool = False,
    custom_fields: bool = True,
) -> dict[str, Any]:
    """A task object as the task endpoints send it."""
    lst = state.lists[t.list_id]
    sp = state.spaces[lst.space_id]
    st = state.space_status(sp.id, t.status)
    folder_ref = _folder_ref(state, lst)
    body: dict[str, Any] = {
        "id": t.id,
        "custom_id": t.custom_id,
        "custom_item_id": None,
        "name": t.name,
        "text_content": t.description,
        "description": t.description,
        "status": {
            "id": st.id,
            "status": st.status,
            "color": st.color,
            "orderindex": st.orderindex,
            "type": st.type,
        },
        "orderindex": f"{t.orderindex:.8f}",
        "date_created": ms(t.date_created_ms),
        "date_updated": ms(t.date_updated_ms),
        "date_closed": ms(t.date_closed_ms),
        "date_done": ms(t.date_done_ms),
        "archived": t.archived,
        "creator": user_small(state.user(t.creator_id)),
        "assignees": [user_small(state.user(u)) for u in t.assignee_ids],
        "group_assignees": [],
        "watchers": [user_small(state.user(u)) for u in t.watcher_ids],
        "checklists": [_checklist(t, c) for c in t.checklists],
        "tags": [_tag(state, name) for name in t.tags],
        "parent": t.parent,
        "top_level_parent": t.top_level_parent,
        "priority": priority(t.priority),
        "due_date": ms(t.due_date_ms),
        "start_date": ms(t.start_date_ms),
        "points": t.points,
        "time_estimate": t.time_estimate,
        "dependencies": [_dependency(d) for d in state.dependencies_of(t.id)],
        "linked_tasks": [_link(lk, t.id) for lk in state.links_of(t.id)],
        "locations": [{"id": lid, "name": state.lists[lid].name} for lid in t.location_list_ids],
        "team_id": t.team_id,
        "url": f"{APP_URL}/t/{t.id}",
        "sharing": {
            "public": False,
            "public_share_expires_on": None,
            "public_fields": [],
            "token": None,
            "seo_optimized": False,
        },
        "permission_level": "create",
        "list": {"id": lst.id, "name": lst.name, "access": True},
        "project": folder_ref,
        "folder": folder_ref,
        "space": {"id": sp.id},
    }
    if custom_fields:
        body["custom_fields"] = task_custom_fields(state, t)
    spent = state.time_spent(t.id)
    if spent is not None:
        body["time_spent"] = spent
    if markdown:
        body["markdown_description"] = t.description
    if subtasks:
        body["subtasks"] = [task(state, state.tasks[c]) for c in state.descendants(t.id)]
    return body


def _checklist(t: Task, c: Any) -> dict[str, Any]:
    resolved = sum(1 for i in c.items if i.resolved)
    return {
        "id": c.id,
        "task_id": t.id,
        "name": c.name,
        "date_created": ms(c.date_created_ms),
        "orderindex": c.orderindex,
        "creator": c.creator_id,
        "resolved": resolved,
        "unresolved": len(c.items) - resolved,
        "items": [
            {
                "id": i.id,
                "name": i.name,
                "orderindex": i.orderindex,
                "assignee": None if i.assignee_id is None else str(i.assignee_id),
                "resolved": i.resolved,
                "parent": None,
                "date_created": ms(i.date_created_ms),
                "children": [],
            }
            for i in c.items
        ],
    }


def _tag(state: State, name: str) -> dict[str, Any]:
    td = state.tags[name]
    return {"name": td.name, "tag_fg": td.fg, "tag_bg": td.bg, "creator": td.creator_id}


def _link(lk: Any, own_id: str) -> dict[str, Any]:
    other = lk.task_b if lk.task_a == own_id else lk.task_a
    return {
        "task_id": own_id,
        "link_id": other,
        "date_created": ms(lk.date_created_ms),
        "userid": str(lk.user_id),
        "workspace_id": lk.team_id,
    }


def time_in_status(state: State, t: Task, now_ms: int) -> dict[str, Any]:
    """The time-in-status object of one task (see ``status_time``)."""
    times = status_times(state, t, now_ms)
    current = next((x for x in times if x.is_current), times[-1])
    return {
        "current_status": {
            "status": current.status,
            "color": current.color,
            "total_time": {"by_minute": current.minutes, "since": str(current_since_ms(t))},
        },
        "status_history": [
            {
                "status": x.status,
                "color": x.color,
                "type": x.type,
                "total_time": {"by_minute": x.minutes, "since": str(x.since_ms)},
                "orderindex": x.orderindex,
            }
            for x in times
        ],
    }


# ----- time entries ------------------------------------------------------------------------------


def time_entry(
    state: State,
    e: TimeEntry,
    now_ms: int,
    *,
    numeric_times: bool,
    task_tags: bool = False,
    location_names: bool = False,
) -> dict[str, Any]:
    """A time entry; ``numeric_times`` gives the list endpoint's number ``start``/``end``."""
    as_time = (lambda v: v) if numeric_times else str
    duration = (e.end_ms - e.start_ms) if e.end_ms is not None else -(now_ms - e.start_ms)
    body: dict[str, Any] = {"id": e.id}
    t = state.tasks.get(e.task_id) if e.task_id else None
    if t is not None:
        st = state.task_status(t)
        body["task"] = {
            "id": t.id,
            "custom_id": t.custom_id,
            "name": t.name,
            "status": {
                "status": st.status,
                "color": st.color,
                "type": st.type,
                "orderindex": st.orderindex,
            },
            "custom_type": None,
        }
    body.update(
        {
            "wid": e.team_id,
            "user": user_small(state.user(e.user_id)),
            "billable": e.billable,
            "start": as_time(e.start_ms),
        }
    )
    if e.end_ms is not None:
        body["end"] = as_time(e.end_ms)
    body.update(
        {
            "duration": str(duration),
            "description": e.description,
            "tags": list(e.tags),
            "source": e.source,
            "at": str(e.at_ms),
        }
    )
    if t is not None:
        lst = state.lists[t.list_id]
        loc: dict[str, Any] = {
            "list_id": int(lst.id),
            "folder_id": int(lst.folder_id or state.spaces[lst.space_id].system_folder_id),
            "space_id": int(lst.space_id),
        }
        if location_names:
            loc["list_name"] = lst.name
            loc["folder_name"] = state.folders[lst.folder_id].name if lst.folder_id else "hidden"
            loc["space_name"] = state.spaces[lst.space_id].name
        body["task_location"] = loc
        body["task_url"] = f"{APP_URL}/t/{t.id}"
        if task_tags:
            body["task_tags"] = [_tag(state, n) for n in t.tags]
    elif task_tags:
        body["task_tags"] = []
    return body


def running_entry(state: State, e: TimeEntry, now_ms: int) -> dict[str, Any]:
    """GET /time_entries/current's object: string ``start``, integer negative ``duration``."""
    body = time_entry(state, e, now_ms, numeric_times=False)
    body["duration"] = -(now_ms - e.start_ms)
    return body


# ----- comments, webhooks ------------------------------------------------------------------------


def comment(state: State, c: Comment) -> dict[str, Any]:
    """A task comment."""
    return {
        "id": c.id,
        "comment": [{"text": c.text}],
        "comment_text": c.text,
        "user": user_small(state.user(c.user_id)),
        "resolved": c.resolved,
        "assignee": None if c.assignee_id is None else user_small(state.user(c.assignee_id)),
        "assigned_by": (
            None if c.assigned_by_id is None else user_small(state.user(c.assigned_by_id))
        ),
        "reactions": [],
        "date": str(c.date_ms),
        "reply_count": str(c.reply_count),
    }


def task_template(t: TaskTemplate) -> dict[str, Any]:
    """A ``templates[]`` item: the spec types items as strings, so the shape is UNCONFIRMED
    (docs/clickup-api.md §7); an id and a name are what a template picker needs."""
    return {"id": t.id, "name": t.name}


def webhook(w: Webhook) -> dict[str, Any]:
    """A webhook object; ``team_id`` is an integer here, as in ClickUp."""
    return {
        "id": w.id,
        "userid": w.user_id,
        "team_id": int(w.team_id),
        "endpoint": w.endpoint,
        "client_id": w.client_id,
        "events": list(w.events),
        "task_id": w.task_id,
        "list_id": w.list_id,
        "folder_id": w.folder_id,
        "space_id": w.space_id,
        "health": {"status": w.status, "fail_count": w.fail_count},
        "secret": w.secret,
    }
