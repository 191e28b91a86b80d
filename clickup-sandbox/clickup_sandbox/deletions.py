"""Deleting tasks, lists, folders and spaces from the sandbox state (mutation kinds ``delete_*``).

A deleted task is gone from every endpoint: the team and list task listings, ``GET /task/{id}``
(ClickUp's 404 body, ``handlers/common.task``), comments, time entries and the other side of its
dependencies and links. Its id is kept in ``State.deleted_tasks``. What ClickUp does beyond that
is partly unconfirmed (docs/clickup-api.md §10), and the sandbox's choices are these:

- subtasks go with their parent (as the ClickUp UI does when a parent is deleted);
- the task's time entries go too (recorded in ``State.deleted_time_entries``);
- the tasks on the other side of a dependency or link lose it and their ``date_updated`` moves on;
- a List, Folder or Space deletion deletes the tasks whose home List it held; a task that only
  had a further location (``locations``) there loses that location and changes.

Webhooks: ``webhook_events`` sends ``taskDeleted`` for a deleted task (``{event, task_id,
webhook_id}``, no history items). No ``listDeleted``/``folderDeleted``/``spaceDeleted`` and no
``taskDeleted`` go out for the tasks of a deleted List, Folder or Space: whether ClickUp sends the
latter is unconfirmed, so the pipeline must not depend on it (the reconciliation scan finds them).
"""

from __future__ import annotations

from collections.abc import Callable

from clickup_sandbox.model import State, Task


def delete_tasks(state: State, task_ids: list[str], touch: Callable[[Task], None]) -> list[str]:
    """Delete the tasks and their subtasks; ``touch`` the tasks that lose a relationship."""
    doomed: dict[str, None] = {}
    for task_id in task_ids:
        if task_id in state.tasks:
            doomed[task_id] = None
            doomed.update(dict.fromkeys(state.descendants(task_id)))
    gone = set(doomed)
    neighbours: set[str] = set()
    for dependency in [d for d in state.dependencies if {d.task_id, d.depends_on} & gone]:
        state.dependencies.remove(dependency)
        neighbours |= {dependency.task_id, dependency.depends_on}
    for link in [lk for lk in state.links if {lk.task_a, lk.task_b} & gone]:
        state.links.remove(link)
        neighbours |= {link.task_a, link.task_b}
    for entry_id in [e.id for e in state.time_entries.values() if e.task_id in gone]:
        del state.time_entries[entry_id]
        state.deleted_time_entries.append(entry_id)
    for task_id in doomed:
        del state.tasks[task_id]
        state.comments.pop(task_id, None)
        state.deleted_tasks.append(task_id)
    state.invalidate()
    for task_id in sorted(neighbours - gone):
        touch(state.tasks[task_id])
    return list(doomed)


def delete_lists(state: State, list_ids: set[str], touch: Callable[[Task], None]) -> list[str]:
    """Delete the Lists and the tasks whose home they are; return the deleted task ids."""
    homed = [t.id for t in state.tasks.values() if t.list_id in list_ids]
    deleted = delete_tasks(state, homed, touch)
    for task in state.tasks.values():
        kept = [list_id for list_id in task.location_list_ids if list_id not in list_ids]
        if kept != task.location_list_ids:
            task.location_list_ids = kept
            touch(task)
    for list_id in list_ids:
        state.lists.pop(list_id, None)
        state._exposed.pop(list_id, None)
    return deleted


def delete_folder(state: State, folder_id: str, touch: Callable[[Task], None]) -> list[str]:
    """Delete the Folder, its Lists and their tasks; return the deleted task ids."""
    lists = {lst.id for lst in state.lists.values() if lst.folder_id == folder_id}
    deleted = delete_lists(state, lists, touch)
    state.folders.pop(folder_id, None)
    return deleted


def delete_space(state: State, space_id: str, touch: Callable[[Task], None]) -> list[str]:
    """Delete the Space, its Folders, its Lists and their tasks; return the deleted task ids."""
    lists = {lst.id for lst in state.lists.values() if lst.space_id == space_id}
    deleted = delete_lists(state, lists, touch)
    for folder_id in [f.id for f in state.folders.values() if f.space_id == space_id]:
        del state.folders[folder_id]
    state.spaces.pop(space_id, None)
    return deleted
