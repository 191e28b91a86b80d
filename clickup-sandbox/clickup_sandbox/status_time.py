"""Time in status, computed once for the API (``serialize``) and the ground truth (``export``).

A task's ``status_history`` lists ``(status, entered_at_ms)``; the last entry is the current
status. Minutes are summed per status over every stint (each stint floored to whole minutes),
and a status's ``since`` is when the task first entered it. The current status also reports
when its latest stint began.
"""

from __future__ import annotations

from dataclasses import dataclass

from clickup_sandbox.model import State, Status, Task

MINUTE_MS = 60_000
UNKNOWN_COLOR = "#d3d3d3"


@dataclass(frozen=True, slots=True)
class StatusTime:
    """The time a task spent in one status."""

    status: str
    color: str
    type: str
    orderindex: int
    since_ms: int
    minutes: int
    is_current: bool


def status_of(state: State, task: Task, name: str) -> Status:
    """The status called ``name``: the task's space first, then any space of its workspace.

    A task moved to another space keeps the statuses of its old workflow in its history.
    """
    space_id = state.lists[task.list_id].space_id
    candidates = [state.spaces[space_id]] + [
        s for s in state.spaces.values() if s.team_id == task.team_id and s.id != space_id
    ]
    for space in candidates:
        for status in space.statuses:
            if status.status == name:
                return status
    return Status(id="", status=name, color=UNKNOWN_COLOR, orderindex=0, type="custom")


def current_since_ms(task: Task) -> int:
    """When the task's latest stint in its current status began."""
    return task.status_history[-1][1] if task.status_history else task.date_created_ms


def status_times(state: State, task: Task, now_ms: int) -> list[StatusTime]:
    """One entry per status the task has been in, in order of first entry."""
    minutes: dict[str, int] = {}
    since: dict[str, int] = {}
    history = task.status_history or [(task.status, task.date_created_ms)]
    for k, (name, entered) in enumerate(history):
        until = history[k + 1][1] if k + 1 < len(history) else now_ms
        minutes[name] = minutes.get(name, 0) + max(0, (until - entered) // MINUTE_MS)
        since.setdefault(name, entered)
    out = []
    for name in minutes:
        status = status_of(state, task, name)
        out.append(
            StatusTime(
                status=name,
                color=status.color,
                type=status.type,
                orderindex=status.orderindex,
                since_ms=since[name],
                minutes=minutes[name],
                is_current=name == task.status,
            )
        )
    return out
