"""Which unchanged tasks get their comments read again, kept in the ``comments`` stream state.

A comment can be resolved, reassigned or deleted without its task changing (as far as anyone
knows: docs/clickup-api.md §7), so an incremental run that reads the comments of changed tasks
only would keep an open assigned comment open forever. The state key ``open_assigned_tasks``
maps each task whose last complete read held an open assigned comment (assigned to someone, not
resolved) to ``{team_id, checked_at}``; after the walk, the least recently read of them are read
again, at most ``comments_recheck_max_tasks`` a run (one request per task plus one per further
25 comments), so the cost is predictable against the token's budget.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from typing import Any

#: Custom key of the ``comments`` stream state.
OPEN_TASKS_KEY = "open_assigned_tasks"


def is_open_assigned(row: dict[str, Any]) -> bool:
    """A raw comment that is assigned to someone and not resolved."""
    return isinstance(row.get("assignee"), dict) and not row.get("resolved")


def tracked_tasks(stream_state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The tracked tasks (a copy; malformed entries are dropped)."""
    raw = stream_state.get(OPEN_TASKS_KEY)
    if not isinstance(raw, dict):
        return {}
    return {
        str(task_id): {"team_id": entry.get("team_id"), "checked_at": entry.get("checked_at")}
        for task_id, entry in raw.items()
        if isinstance(entry, dict)
    }


def save_tracked(stream_state: dict[str, Any], tracked: dict[str, dict[str, Any]]) -> None:
    """Store the tracked tasks, in task-id order (stable state files)."""
    stream_state[OPEN_TASKS_KEY] = {task_id: tracked[task_id] for task_id in sorted(tracked)}


def note_read(
    tracked: dict[str, dict[str, Any]],
    task: dict[str, Any],
    rows: Iterable[dict[str, Any]],
    checked_at: str,
) -> None:
    """After a complete read of ``task``'s comments: track it while one of them is open."""
    if any(is_open_assigned(row) for row in rows):
        tracked[task["task_id"]] = {"team_id": task["team_id"], "checked_at": checked_at}
    else:
        tracked.pop(task["task_id"], None)


def due_tasks(
    tracked: dict[str, dict[str, Any]], skip: Set[str], limit: int
) -> list[dict[str, Any]]:
    """Up to ``limit`` tracked tasks not in ``skip``, least recently read first."""
    if limit <= 0:
        return []
    candidates = sorted(
        (str(entry.get("checked_at") or ""), task_id)
        for task_id, entry in tracked.items()
        if task_id not in skip
    )
    return [
        {"task_id": task_id, "team_id": tracked[task_id]["team_id"]}
        for _, task_id in candidates[:limit]
    ]
