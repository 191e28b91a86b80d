"""Each task's own record and derived records, keyed as the tap emits them, from the sandbox export.

A task's payload yields its ``tasks`` record, one ``task_custom_field_values`` row per field its
list exposes, its ``task_relationships`` rows (the mirrored ``subtask`` row of its parent
included), one ``task_status_history`` row per status it has been in (workspaces with the Time in
Status ClickApp) and its ``comments``. The keys are the primary keys of those streams.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

#: The streams derived from task payloads (children of ``tasks``), with ``tasks`` itself.
TASK_STREAMS = (
    "tasks",
    "task_custom_field_values",
    "task_relationships",
    "task_status_history",
    "comments",
)
RELATIONSHIP_FIELD_TYPES = {"tasks", "list_relationship"}


def record_key(stream: str, record: dict[str, Any]) -> tuple:
    """The primary key of one emitted record of a task stream."""
    if stream == "tasks":
        return (record["id"],)
    if stream == "task_custom_field_values":
        return (record["task_id"], record["field_id"])
    if stream == "task_relationships":
        return (
            record["task_id"],
            record["related_task_id"],
            record["kind"],
            record.get("field_id") or "",
        )
    if stream == "task_status_history":
        return (record["task_id"], record["status"])
    if stream == "comments":
        return (record["id"],)
    raise ValueError(f"not a task stream: {stream}")


def relationship_keys(task: dict[str, Any], field_types: dict[str, str]) -> set[tuple]:
    """The relationship rows one task's payload yields (docs/data-contracts.md §1)."""
    me = task["id"]
    keys: set[tuple] = set()
    for dependency in task["dependencies"]:
        if dependency["task_id"] == me and dependency["depends_on"] != me:
            keys.add((me, dependency["depends_on"], "waiting_on", ""))
        elif dependency["depends_on"] == me and dependency["task_id"] != me:
            keys.add((me, dependency["task_id"], "blocking", ""))
    for link in task["linked_tasks"]:
        if link["link_id"] != me:
            keys.add((me, link["link_id"], "linked", ""))
    if task["parent"] and task["parent"] != me:
        keys.add((me, task["parent"], "parent", ""))
        keys.add((task["parent"], me, "subtask", ""))
    for field_id, value in task["custom_field_values"].items():
        if field_types.get(field_id) in RELATIONSHIP_FIELD_TYPES and value:
            for related in value if isinstance(value, list) else [value]:
                related_id = related.get("id") if isinstance(related, dict) else related
                keys.add((me, str(related_id), "custom_field", field_id))
    return keys


def expected_task_records(
    export: dict[str, Any], *, comments: bool = True
) -> dict[str, dict[str, set[tuple]]]:
    """Task id -> stream -> the keys of the records the task's payload must produce."""
    field_types = {field["id"]: field["type"] for field in export["custom_fields"]}
    with_history = {ws["id"] for ws in export["workspaces"] if ws["time_in_status_enabled"]}
    deleted = set(export.get("deleted", {}).get("tasks", []))
    comment_ids: dict[str, set[tuple]] = defaultdict(set)
    for comment in export["comments"]:
        comment_ids[comment["task_id"]].add((comment["id"],))
    expected: dict[str, dict[str, set[tuple]]] = {}
    for task in export["tasks"]:
        if task["id"] in deleted:
            continue
        me = task["id"]
        expected[me] = {
            "tasks": {(me,)},
            "task_custom_field_values": {(me, field_id) for field_id in task["field_ids"]},
            "task_relationships": relationship_keys(task, field_types),
            "task_status_history": (
                {(me, status["status"]) for status in task["time_in_status"]}
                if task["team_id"] in with_history
                else set()
            ),
            "comments": comment_ids[me] if comments else set(),
        }
    return expected
