"""Which webhook events a workspace change fires, derived by comparing the state before and after.

The mutator does not need to know about webhooks: ``Snapshot.take`` copies what events are made
of before a change, ``changes_since`` compares it with the state after and returns one
:class:`TaskChange` per event, shaped like ClickUp's (docs/clickup-api.md §9): ``history_items[{id, type,
date, field, parent_id, data, source, user, before, after}]``, custom-field changes with
``field: "custom_field"`` and the field's definition, drop-down ``after`` = option UUID, other
values as a task read shows them. A
specific task event (``taskStatusUpdated``, ...) is also sent as ``taskUpdated`` with the same
history items.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from clickup_sandbox import serialize
from clickup_sandbox.model import State, Task

HISTORY_ITEM_TYPE = 1


@dataclass(frozen=True, slots=True)
class TaskView:
    """What the events of one task are computed from."""

    status: str
    name: str
    list_id: str
    assignee_ids: tuple[int, ...]
    field_values: dict[str, Any]


@dataclass(slots=True)
class Snapshot:
    """The parts of the state that webhook events describe, copied before a change."""

    tasks: dict[str, TaskView] = field(default_factory=dict)
    entries: dict[str, tuple[str | None, int, int | None, str]] = field(default_factory=dict)

    @classmethod
    def take(cls, state: State) -> Snapshot:
        """Copy the state's tasks and time entries."""
        return cls(
            tasks={
                t.id: TaskView(
                    t.status,
                    t.name,
                    t.list_id,
                    tuple(t.assignee_ids),
                    copy.deepcopy(t.field_values),
                )
                for t in state.tasks.values()
            },
            entries={
                e.id: (e.task_id, e.start_ms, e.end_ms, e.description)
                for e in state.time_entries.values()
            },
        )


@dataclass(slots=True)
class TaskChange:
    """One event about one task: its name, the task and its history items."""

    event: str
    task_id: str
    list_id: str
    history_items: list[dict[str, Any]]
    also_task_updated: bool = True
    data: dict[str, Any] | None = None


class EventBuilder:
    """Turns the difference between a snapshot and the state into events."""

    def __init__(self, state: State, next_id: Callable[[], str]) -> None:
        self.state = state
        self.next_id = next_id
        owner = state.user(state.owner_user_id)
        self.user = serialize.user_small(owner)

    def changes_since(self, before: Snapshot) -> list[TaskChange]:
        """Every event the difference fires, in task order."""
        out: list[TaskChange] = []
        for task in self.state.tasks.values():
            old = before.tasks.get(task.id)
            if old is not None:
                out.extend(self._task_changes(old, task))
        out.extend(self._deletions(before))
        out.extend(self._time_changes(before))
        return out

    # ----- building blocks -----------------------------------------------------------------------

    def _item(self, task: Task, field_name: str, before: Any, after: Any, **extra: Any) -> dict:
        item = {
            "id": self.next_id(),
            "type": HISTORY_ITEM_TYPE,
            "date": str(task.date_updated_ms),
            "field": field_name,
            "parent_id": task.list_id,
            "data": extra.pop("data", {}),
            "source": None,
            "user": dict(self.user),
            "before": before,
            "after": after,
        }
        item.update(extra)
        return item

    def _status(self, task: Task, name: str, list_id: str) -> dict[str, Any]:
        space_id = self.state.lists[list_id].space_id
        try:
            st = self.state.space_status(space_id, name)
        except KeyError:
            return {"status": name, "color": None, "type": None, "orderindex": None}
        return {
            "status": st.status,
            "color": st.color,
            "type": st.type,
            "orderindex": st.orderindex,
        }

    def _list_ref(self, list_id: str) -> dict[str, Any]:
        lst = self.state.lists[list_id]
        folder = self.state.folders.get(lst.folder_id) if lst.folder_id else None
        category = {"id": folder.id, "name": folder.name} if folder else None
        return {"id": lst.id, "name": lst.name, "category": category}

    # ----- task fields ---------------------------------------------------------------------------

    def _task_changes(self, old: TaskView, task: Task) -> list[TaskChange]:
        out: list[TaskChange] = []

        def add(event: str, items: list[dict[str, Any]], also: bool = True) -> None:
            if items:
                out.append(TaskChange(event, task.id, task.list_id, items, also))

        if old.list_id != task.list_id:
            moved = self._item(
                task, "section_moved", self._list_ref(old.list_id), self._list_ref(task.list_id)
            )
            add("taskMoved", [moved])
        if old.status != task.status:
            before = self._status(task, old.status, old.list_id)
            after = self._status(task, task.status, task.list_id)
            add(
                "taskStatusUpdated",
                [self._item(task, "status", before, after, data={"status_type": after["type"]})],
            )
        if old.name != task.name:
            add("taskUpdated", [self._item(task, "name", old.name, task.name)], also=False)
        added = [u for u in task.assignee_ids if u not in old.assignee_ids]
        removed = [u for u in old.assignee_ids if u not in task.assignee_ids]
        assignees = [
            *(self._item(task, "assignee_add", None, self._person(u)) for u in added),
            *(self._item(task, "assignee_rem", self._person(u), None) for u in removed),
        ]
        add("taskAssigneeUpdated", assignees)
        if old.list_id == task.list_id:  # a move drops fields silently, as ClickUp does
            add("taskUpdated", self._field_items(old, task), also=False)
        return out

    def _person(self, user_id: int) -> dict[str, Any]:
        return serialize.user_small(self.state.user(user_id))

    def _field_items(self, old: TaskView, task: Task) -> list[dict[str, Any]]:
        items = []
        for field_id in sorted({*old.field_values, *task.field_values}):
            before = old.field_values.get(field_id)
            after = task.field_values.get(field_id)
            if before == after:
                continue
            definition = serialize.field_definition(self.state.fields[field_id])
            items.append(
                self._item(
                    task,
                    "custom_field",
                    self._field_value(field_id, task, before),
                    self._field_value(field_id, task, after),
                    custom_field=definition,
                )
            )
        return items

    def _field_value(self, field_id: str, task: Task, value: Any) -> Any:
        """A history item's before/after as ClickUp writes it (docs/clickup-api.md §9): a
        drop-down's option UUID; every other type as a task read shows the value (§4), which is
        ClickUp's "raw value" as far as known (unconfirmed for types other than drop-downs)."""
        if value is None:
            return None
        field = self.state.fields[field_id]
        if field.type == "drop_down":
            return copy.deepcopy(value)
        try:
            return copy.deepcopy(serialize.field_value(self.state, field, task, value))
        except KeyError:  # a user no longer in any workspace: its id is all that is left
            return [{"id": uid} for uid in value] if field.type == "users" else copy.deepcopy(value)

    # ----- deletions -----------------------------------------------------------------------------

    def _deletions(self, before: Snapshot) -> list[TaskChange]:
        """``taskDeleted`` (no history items) for each deleted task whose List still exists.

        The tasks of a deleted List, Folder or Space get none (clickup_sandbox/deletions.py).
        """
        return [
            TaskChange("taskDeleted", task_id, view.list_id, [], also_task_updated=False)
            for task_id, view in before.tasks.items()
            if task_id not in self.state.tasks
            and task_id in self.state.deleted_tasks
            and view.list_id in self.state.lists
        ]

    # ----- time tracking -------------------------------------------------------------------------

    def _time_changes(self, before: Snapshot) -> list[TaskChange]:
        now = {
            e.id: (e.task_id, e.start_ms, e.end_ms, e.description)
            for e in self.state.time_entries.values()
        }
        changed = [
            (entry_id, (now.get(entry_id) or before.entries[entry_id])[0])
            for entry_id in [*before.entries, *(i for i in now if i not in before.entries)]
            if before.entries.get(entry_id) != now.get(entry_id)
        ]
        out = []
        for entry_id, task_id in changed:
            task = self.state.tasks.get(task_id) if task_id else None
            if task is None:
                continue
            old_total = _total(before.entries.values(), task.id)
            new_total = _total(now.values(), task.id)
            item = self._item(
                task,
                "time_spent",
                str(old_total),
                str(new_total),
                data={"total_time": str(new_total), "rollup_time": str(new_total)},
            )
            kind = (
                "added"
                if entry_id not in before.entries
                else "deleted"
                if entry_id not in now
                else "edited"
            )
            out.append(
                TaskChange(
                    "taskTimeTrackedUpdated",
                    task.id,
                    task.list_id,
                    [item],
                    data={"description": f"Time Tracking {kind}", "interval_id": entry_id},
                )
            )
        return out


def _total(entries: Any, task_id: str) -> int:
    return sum(
        end - start for (tid, start, end, _) in entries if tid == task_id and end is not None
    )
