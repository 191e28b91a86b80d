"""Realistic changes to the workspace over time (POST /_sandbox/mutate).

Every change to a task, or to a time entry linked to a task, bumps that task's ``date_updated``
to the current time, strictly greater than any value handed out before. A change to a comment
(``COMMENT_KINDS``) does not: whether ClickUp moves the task's ``date_updated`` when a comment is
resolved, reassigned or deleted is UNCONFIRMED (docs/clickup-api.md §7), and the sandbox takes
the case that is hard for an incremental reader.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from clickup_sandbox import deletions
from clickup_sandbox.generator import MINUTE, random_value
from clickup_sandbox.model import Comment, Dependency, Link, State, Task, TimeEntry

KINDS = (
    "set_custom_field",
    "clear_custom_field",
    "add_time_entry",
    "edit_time_entry",
    "delete_time_entry",
    "move_task",
    "close_task",
    "rename_task",
    "reassign_task",
)
#: Changes to open assigned comments, applied only when a request names them (like
#: ``OPT_IN_KINDS``); none of them touches the comment's task.
COMMENT_KINDS = ("resolve_comment", "reassign_comment", "delete_comment")
#: Kinds applied only when a request names them, so that the changes of a seeded request without
#: ``kinds`` (the demo's, other tests') stay what they were before these kinds existed.
OPT_IN_KINDS = (
    "change_status",
    "add_dependency",
    "remove_dependency",
    "add_link",
    "remove_link",
)
#: Opt-in too, and kept apart so that requests naming every ``OPT_IN_KINDS`` keep their members.
MEMBER_KINDS = ("remove_member",)

#: Opt-in too: time logged now for a day weeks back (a late load for the scans).
LATE_KINDS = ("add_past_time_entry",)

#: Opt-in too, and apart: they take tasks away from whatever the other kinds would check.
DELETION_KINDS = ("delete_task", "delete_list", "delete_folder", "delete_space")


class MutationError(ValueError):
    """The mutate request is malformed."""


class Mutator:
    """Applies ``count`` changes chosen from ``kinds`` with a seeded random generator."""

    def __init__(
        self,
        state: State,
        seed: int,
        clock: Callable[[], int],
        task_ids: list[str] | None = None,
        field_ids: list[str] | None = None,
    ) -> None:
        """``task_ids``: change only these tasks; ``field_ids``: only these custom fields."""
        self.state = state
        self.only_task_ids = set(task_ids) if task_ids else None
        self.only_field_ids = set(field_ids) if field_ids else None
        self.rng = random.Random(f"mutate:{seed}")
        self.clock = clock
        self.changed: dict[str, None] = {}

    def run(self, count: int, kinds: list[str] | None) -> dict[str, Any]:
        """Apply the changes and report them."""
        chosen = list(kinds) if kinds else list(KINDS)
        known = KINDS + OPT_IN_KINDS + MEMBER_KINDS + DELETION_KINDS + COMMENT_KINDS + LATE_KINDS
        unknown = [k for k in chosen if k not in known]
        if unknown:
            raise MutationError(f"unknown kinds {unknown}; known: {', '.join(known)}")
        if count < 0:
            raise MutationError("count must be >= 0")
        plan = list(chosen) if count >= len(chosen) else self.rng.sample(chosen, count)
        plan += [self.rng.choice(chosen) for _ in range(count - len(plan))]
        self.rng.shuffle(plan)
        applied = []
        for kind in plan:
            result = getattr(self, kind)()
            if result is not None:
                applied.append({"kind": kind, **result})
            self.state.invalidate()
        return {"applied": applied, "changed_task_ids": list(self.changed)}

    # ----- helpers -------------------------------------------------------------------------------

    def _touch(self, task: Task) -> None:
        task.date_updated_ms = self.state.next_update_ms(self.clock())
        self.changed[task.id] = None

    def _live_tasks(self) -> list[Task]:
        return [
            t
            for t in self.state.tasks.values()
            if not t.archived and (self.only_task_ids is None or t.id in self.only_task_ids)
        ]

    def _finished_entries(self) -> list[TimeEntry]:
        return [e for e in self.state.time_entries.values() if e.end_ms is not None]

    def _set_fields(self, task: Task) -> list[str]:
        """The ids of the task's set custom fields that may change, sorted."""
        allowed = self.only_field_ids
        return sorted(f for f in task.field_values if allowed is None or f in allowed)

    def _pick(self, items: list[Any]) -> Any:
        return self.rng.choice(items) if items else None

    def _touch_entry_task(self, entry: TimeEntry) -> None:
        task = self.state.tasks.get(entry.task_id) if entry.task_id else None
        if task is not None:
            self._touch(task)

    # ----- kinds ---------------------------------------------------------------------------------

    def set_custom_field(self) -> dict[str, Any] | None:
        state, rng = self.state, self.rng
        task = self._pick([t for t in self._live_tasks() if self._set_fields(t)])
        if task is None:
            return None
        fdef = state.fields[rng.choice(self._set_fields(task))]
        old = task.field_values[fdef.id]
        if fdef.type == "drop_down":
            new: Any = rng.choice([o for o in fdef.option_ids() if o != old] or [old])
        elif fdef.type == "labels":
            missing = [o for o in fdef.option_ids() if o not in old]
            if missing and (len(old) <= 1 or rng.random() < 0.5):
                new = [*old, rng.choice(missing)]
            else:
                new = [o for o in old if o != rng.choice(old)]
        else:
            team_tasks = [t.id for t in state.tasks.values() if t.team_id == task.team_id]
            members = [m.user_id for m in state.workspaces[task.team_id].members]
            new = old
            for _ in range(8):
                new = random_value(rng, fdef, task, team_tasks, members)
                if new != old:
                    break
            if new == old and fdef.type == "checkbox":
                new = not old
        task.field_values[fdef.id] = new
        self._touch(task)
        return {"task_id": task.id, "field_id": fdef.id}

    def clear_custom_field(self) -> dict[str, Any] | None:
        task = self._pick([t for t in self._live_tasks() if self._set_fields(t)])
        if task is None:
            return None
        field_id = self.rng.choice(self._set_fields(task))
        del task.field_values[field_id]
        self._touch(task)
        return {"task_id": task.id, "field_id": field_id}

    def add_time_entry(self, days_back: int = 0) -> dict[str, Any] | None:
        """A finished entry logged now, started up to an hour ago (or ``days_back`` days ago)."""
        state, rng = self.state, self.rng
        task = self._pick(self._live_tasks())
        if task is None:
            return None
        workers = [m for m in state.workspaces[task.team_id].members if m.role != 4]
        now = self.clock()
        length = rng.randint(10, 120) * MINUTE
        start = now - length - rng.randint(1, 60) * MINUTE - days_back * 24 * 60 * MINUTE
        entry = TimeEntry(
            id=str(max((int(i) for i in state.time_entries), default=0) + 7_919),
            team_id=task.team_id,
            user_id=rng.choice(workers).user_id,
            task_id=task.id,
            start_ms=start,
            end_ms=start + length,
            billable=rng.random() < 0.5,
            description="Added later",
            tags=[],
            source="clickup",
            at_ms=now,
        )
        if entry.id in state.deleted_time_entries:
            entry.id = str(int(entry.id) + 1)
        state.time_entries[entry.id] = entry
        self._touch(task)
        return {"time_entry_id": entry.id, "task_id": task.id}

    def add_past_time_entry(self) -> dict[str, Any] | None:
        """Time logged today for a day 20-40 days back (ClickUp's "add time" takes any date):
        only a scan whose window reaches that day finds it."""
        return self.add_time_entry(days_back=self.rng.randint(20, 40))

    def edit_time_entry(self) -> dict[str, Any] | None:
        rng = self.rng
        entry = self._pick(self._finished_entries())
        if entry is None:
            return None
        what = rng.choice(["duration", "description", "start"])
        assert entry.end_ms is not None
        if what == "duration":
            entry.end_ms = entry.start_ms + max(MINUTE, entry.end_ms - entry.start_ms + 15 * MINUTE)
        elif what == "description":
            entry.description = (entry.description + " (edited)").strip()
        else:
            shift = rng.choice([-30, -15, 15, 30]) * MINUTE
            entry.start_ms += shift
            entry.end_ms += shift
        entry.at_ms = self.clock()
        self._touch_entry_task(entry)
        return {"time_entry_id": entry.id, "task_id": entry.task_id, "field": what}

    def delete_time_entry(self) -> dict[str, Any] | None:
        entry = self._pick(self._finished_entries())
        if entry is None:
            return None
        del self.state.time_entries[entry.id]
        self.state.deleted_time_entries.append(entry.id)
        self._touch_entry_task(entry)
        return {"time_entry_id": entry.id, "task_id": entry.task_id}

    def move_task(self) -> dict[str, Any] | None:
        state = self.state
        task = self._pick([t for t in self._live_tasks() if t.parent is None])
        if task is None:
            return None
        targets = [
            lst
            for lst in state.lists.values()
            if lst.team_id == task.team_id
            and lst.id != task.list_id
            and not lst.archived
            and not state.spaces[lst.space_id].archived
            and not (lst.folder_id and state.folders[lst.folder_id].archived)
        ]
        target = self._pick(targets)
        if target is None:
            return None
        old_list = task.list_id
        for tid in [task.id, *state.descendants(task.id)]:
            moved = state.tasks[tid]
            old_status = state.task_status(moved)
            moved.list_id = target.id
            statuses = state.spaces[target.space_id].statuses
            if all(s.status != moved.status for s in statuses):
                same = [s for s in statuses if s.type == old_status.type] or statuses
                moved.status = same[0].status
                moved.status_history.append((moved.status, self.clock()))
            exposed = {f.id for f in state.exposed_fields(target.id)}
            for fid in [f for f in moved.field_values if f not in exposed]:
                del moved.field_values[fid]
            if target.id in moved.location_list_ids:
                moved.location_list_ids.remove(target.id)
            self._touch(moved)
        return {"task_id": task.id, "from_list_id": old_list, "to_list_id": target.id}

    def close_task(self) -> dict[str, Any] | None:
        state = self.state
        task = self._pick([t for t in self._live_tasks() if state.task_status(t).type != "closed"])
        if task is None:
            return None
        space = state.spaces[state.lists[task.list_id].space_id]
        closed = next(s for s in space.statuses if s.type == "closed")
        task.status = closed.status
        self._touch(task)
        task.date_closed_ms = task.date_done_ms = task.date_updated_ms
        task.status_history.append((closed.status, task.date_updated_ms))
        return {"task_id": task.id}

    def rename_task(self) -> dict[str, Any] | None:
        task = self._pick(self._live_tasks())
        if task is None:
            return None
        base = task.name.split(" [v", 1)[0]
        version = 2 if " [v" not in task.name else int(task.name.rsplit(" [v", 1)[1][:-1]) + 1
        task.name = f"{base} [v{version}]"
        self._touch(task)
        return {"task_id": task.id}

    def reassign_task(self) -> dict[str, Any] | None:
        state, rng = self.state, self.rng
        task = self._pick(self._live_tasks())
        if task is None:
            return None
        workers = [m.user_id for m in state.workspaces[task.team_id].members if m.role != 4]
        new = task.assignee_ids
        for _ in range(8):
            new = sorted(rng.sample(workers, k=rng.randint(1, 2)))
            if new != task.assignee_ids:
                break
        task.assignee_ids = new
        task.watcher_ids = sorted({*task.watcher_ids, *new})
        self._touch(task)
        return {"task_id": task.id, "assignee_ids": new}

    # ----- opt-in kinds (OPT_IN_KINDS) ------------------------------------------------------------

    def change_status(self) -> dict[str, Any] | None:
        """Move a task to another status of its space's workflow (closing or reopening it)."""
        state = self.state
        task = self._pick(self._live_tasks())
        if task is None:
            return None
        statuses = state.spaces[state.lists[task.list_id].space_id].statuses
        new = self._pick([s for s in statuses if s.status != task.status])
        if new is None:
            return None
        old = task.status
        task.status = new.status
        self._touch(task)
        task.status_history.append((new.status, task.date_updated_ms))
        closed = new.type == "closed"
        task.date_closed_ms = task.date_done_ms = task.date_updated_ms if closed else None
        return {"task_id": task.id, "from_status": old, "to_status": new.status}

    def _related_pairs(self) -> set[frozenset[str]]:
        pairs = {frozenset((d.task_id, d.depends_on)) for d in self.state.dependencies}
        return pairs | {frozenset((lk.task_a, lk.task_b)) for lk in self.state.links}

    def _unrelated_pair(self) -> tuple[Task, Task] | None:
        live = self._live_tasks()
        related = self._related_pairs()
        for _ in range(50):
            if len(live) < 2:
                return None
            a, b = self.rng.sample(live, 2)
            if a.team_id == b.team_id and frozenset((a.id, b.id)) not in related:
                return a, b
        return None

    def _touch_ids(self, *task_ids: str) -> None:
        for task_id in task_ids:
            task = self.state.tasks.get(task_id)
            if task is not None:
                self._touch(task)

    def add_dependency(self) -> dict[str, Any] | None:
        """``a`` starts waiting on ``b``; both tasks show it, so both change."""
        pair = self._unrelated_pair()
        if pair is None:
            return None
        a, b = pair
        now = self.clock()
        self.state.dependencies.append(
            Dependency(a.id, b.id, 1, now, self.rng.choice([a.creator_id, b.creator_id]), a.team_id)
        )
        self._touch_ids(a.id, b.id)
        return {"task_id": a.id, "depends_on": b.id}

    def remove_dependency(self) -> dict[str, Any] | None:
        dependency = self._pick(self.state.dependencies)
        if dependency is None:
            return None
        self.state.dependencies.remove(dependency)
        self._touch_ids(dependency.task_id, dependency.depends_on)
        return {"task_id": dependency.task_id, "depends_on": dependency.depends_on}

    def remove_member(self) -> dict[str, Any] | None:
        """A member (role member, never the owner or an admin) with entries in the last 60 days
        leaves the workspace. ClickUp's handling of a removed user's time entries is unconfirmed
        (docs/clickup-api.md §6); here the entries stay, and ``assignee=`` no longer accepts the
        user (400 TIMEENTRY_034, as for any non-member), so no scan returns them again."""
        state = self.state
        recent = self.clock() - 60 * 24 * 60 * MINUTE
        active = {
            (e.team_id, e.user_id) for e in state.time_entries.values() if e.start_ms >= recent
        }
        candidates = [
            (ws, m)
            for ws in state.workspaces.values()
            for m in ws.members
            if m.role == 3 and (ws.id, m.user_id) in active
        ]
        picked = self._pick(candidates)
        if picked is None:
            return None
        ws, member = picked
        ws.members.remove(member)
        state.former_members.append((ws.id, member))
        state._users = None
        entries = sum(
            1
            for e in state.time_entries.values()
            if (e.team_id, e.user_id) == (ws.id, member.user_id)
        )
        return {"team_id": ws.id, "user_id": member.user_id, "time_entries": entries}

    def add_link(self) -> dict[str, Any] | None:
        pair = self._unrelated_pair()
        if pair is None:
            return None
        a, b = pair
        self.state.links.append(Link(a.id, b.id, self.clock(), b.creator_id, a.team_id))
        self._touch_ids(a.id, b.id)
        return {"task_id": a.id, "link_id": b.id}

    def remove_link(self) -> dict[str, Any] | None:
        link = self._pick(self.state.links)
        if link is None:
            return None
        self.state.links.remove(link)
        self._touch_ids(link.task_a, link.task_b)
        return {"task_id": link.task_a, "link_id": link.task_b}

    # ----- deletions (opt-in; clickup_sandbox/deletions.py) ----------------------------------------

    def delete_task(self) -> dict[str, Any] | None:
        """Delete a task (with its subtasks); the other sides of its relationships change."""
        task = self._pick(self._live_tasks())
        if task is None:
            return None
        deleted = deletions.delete_tasks(self.state, [task.id], self._touch)
        return {"task_id": task.id, "deleted_task_ids": deleted}

    def delete_list(self) -> dict[str, Any] | None:
        """Delete a List that holds tasks, and those tasks."""
        homes = sorted({t.list_id for t in self.state.tasks.values()})
        list_id = self._pick(homes)
        if list_id is None:
            return None
        deleted = deletions.delete_lists(self.state, {list_id}, self._touch)
        return {"list_id": list_id, "deleted_task_ids": deleted}

    def delete_folder(self) -> dict[str, Any] | None:
        """Delete a (visible) Folder that holds tasks, its Lists and their tasks."""
        folders = sorted(
            {
                folder_id
                for t in self.state.tasks.values()
                if (folder_id := self.state.lists[t.list_id].folder_id) is not None
                and not self.state.folders[folder_id].hidden
            }
        )
        folder_id = self._pick(folders)
        if folder_id is None:
            return None
        deleted = deletions.delete_folder(self.state, folder_id, self._touch)
        return {"folder_id": folder_id, "deleted_task_ids": deleted}

    def delete_space(self) -> dict[str, Any] | None:
        """Delete a Space that holds tasks, with everything in it."""
        spaces = sorted({self.state.lists[t.list_id].space_id for t in self.state.tasks.values()})
        space_id = self._pick(spaces)
        if space_id is None:
            return None
        deleted = deletions.delete_space(self.state, space_id, self._touch)
        return {"space_id": space_id, "deleted_task_ids": deleted}

    # ----- comment kinds (COMMENT_KINDS; the task's date_updated stays) ------------------------

    def _open_assigned_comment(self) -> Comment | None:
        """An assigned, unresolved comment of a live task (the open action items)."""
        live = {t.id for t in self._live_tasks()}
        return self._pick(
            [
                c
                for task_id in sorted(self.state.comments)
                if task_id in live
                for c in self.state.comments[task_id]
                if c.assignee_id is not None and not c.resolved
            ]
        )

    def resolve_comment(self) -> dict[str, Any] | None:
        """``PUT /comment/{id}`` with ``resolved: true``."""
        comment = self._open_assigned_comment()
        if comment is None:
            return None
        comment.resolved = True
        return {"comment_id": comment.id, "task_id": comment.task_id}

    def reassign_comment(self) -> dict[str, Any] | None:
        """``PUT /comment/{id}`` with another ``assignee`` (``assigned_by`` becomes the author)."""
        comment = self._open_assigned_comment()
        if comment is None:
            return None
        team_id = self.state.tasks[comment.task_id].team_id
        workers = [
            m.user_id
            for m in self.state.workspaces[team_id].members
            if m.role != 4 and m.user_id != comment.assignee_id
        ]
        if not workers:
            return None
        comment.assignee_id = self.rng.choice(workers)
        comment.assigned_by_id = comment.user_id
        return {
            "comment_id": comment.id,
            "task_id": comment.task_id,
            "assignee_id": comment.assignee_id,
        }

    def delete_comment(self) -> dict[str, Any] | None:
        """``DELETE /comment/{id}``: the comment is gone from ``GET /task/{id}/comment``."""
        comment = self._open_assigned_comment()
        if comment is None:
            return None
        self.state.comments[comment.task_id].remove(comment)
        return {"comment_id": comment.id, "task_id": comment.task_id}
