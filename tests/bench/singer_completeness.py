"""Completeness of a Singer tap's output against the sandbox's ground truth (``/_sandbox/export``).

Counts, found vs expected: tasks (and among them folderless, closed, archived tasks and
subtasks), time entries since the start date and the members they belong to, and custom-field
values delivered typed (equal to the canonical value of docs/data-contracts.md §3 in value and
JSON type: a drop-down as its option id, a number as a number, a date as ms).

Kept minimal on purpose: the Singer taps in the benchmark (ours and AutoIDM's tap-clickup)
hand their output in different shapes, so each caller turns its records into a ``Found``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tests.e2e.ground_truth import NOT_SET, canonical_expected, canonical_landed

TASK_KINDS = ("folderless", "closed", "archived", "subtask")


@dataclass
class Found:
    """What a tap delivered: ids, and typed custom-field values by (task id, field id)."""

    task_ids: set[str] = field(default_factory=set)
    time_entry_ids: set[str] = field(default_factory=set)
    #: (task id, field id) -> True when the value arrived typed, False when present but raw.
    field_values: dict[tuple[str, str], bool] = field(default_factory=dict)


def _task_kinds(task: dict[str, Any]) -> set[str]:
    kinds = set()
    if task.get("folder_id") is None:
        kinds.add("folderless")
    if task.get("status_type") == "closed" or task.get("date_closed_ms") is not None:
        kinds.add("closed")
    if task.get("archived"):
        kinds.add("archived")
    if task.get("parent"):
        kinds.add("subtask")
    return kinds


def expected_field_values(export: dict[str, Any]) -> dict[tuple[str, str], tuple[str, Any]]:
    """(task id, field id) -> (field type, canonical value), for every value that is set."""
    types = {f["id"]: f["type"] for f in export["custom_fields"]}
    deleted = set(export.get("deleted", {}).get("tasks", []))
    return {
        (task["id"], field_id): (types[field_id], value)
        for task in export["tasks"]
        if task["id"] not in deleted
        for field_id, value in task.get("custom_field_values", {}).items()
        if field_id in types
    }


def _same_json(delivered: Any, canonical: Any) -> bool:
    """Equal in value and JSON type (a number is not its string, an index not the option id)."""
    if isinstance(canonical, bool) or isinstance(delivered, bool):
        return isinstance(delivered, bool) and delivered == canonical
    if isinstance(canonical, int | float):
        return isinstance(delivered, int | float) and delivered == canonical
    if isinstance(canonical, list):
        return (
            isinstance(delivered, list)
            and len(delivered) == len(canonical)
            and all(_same_json(d, c) for d, c in zip(delivered, canonical, strict=True))
        )
    if isinstance(canonical, dict):
        return (
            isinstance(delivered, dict)
            and delivered.keys() == canonical.keys()
            and all(_same_json(delivered[k], canonical[k]) for k in canonical)
        )
    return delivered == canonical


def raw_value_typed(delivered: Any, canonical: Any) -> bool:
    """Whether a raw API value (tap-clickup passes them through) is already the typed value."""
    return _same_json(delivered, canonical)


def typed_row_matches(field_type: str, row: dict[str, Any], canonical: Any) -> bool:
    """Whether one of our typed ``task_custom_field_values`` records holds the canonical value."""
    row = dict(row)
    if isinstance(row.get("value_datetime"), str):
        row["value_datetime"] = datetime.fromisoformat(row["value_datetime"])
    landed = canonical_landed(field_type, row)
    return landed != NOT_SET and landed == canonical_expected(field_type, canonical)


def figures(export: dict[str, Any], found: Found, start_ms: int) -> dict[str, float]:
    """``*_found_count``, ``*_expected_count`` and ``*_pct`` per kind, and an overall ``completeness_pct``."""
    deleted_tasks = set(export.get("deleted", {}).get("tasks", []))
    deleted_entries = set(export.get("deleted", {}).get("time_entries", []))
    tasks = [t for t in export["tasks"] if t["id"] not in deleted_tasks]
    out: dict[str, float] = {}

    def put(name: str, hit: int, total: int) -> None:
        out[f"{name}_found_count"] = hit
        out[f"{name}_expected_count"] = total
        out[f"{name}_pct"] = round(100.0 * hit / total, 2) if total else 100.0

    put("tasks", sum(1 for t in tasks if t["id"] in found.task_ids), len(tasks))
    for kind in TASK_KINDS:
        of_kind = [t for t in tasks if kind in _task_kinds(t)]
        put(f"{kind}_tasks", sum(1 for t in of_kind if t["id"] in found.task_ids), len(of_kind))
    entries = [
        e
        for e in export["time_entries"]
        if e["id"] not in deleted_entries and e["start_ms"] >= start_ms
    ]
    hit_entries = [e for e in entries if e["id"] in found.time_entry_ids]
    put("time_entries", len(hit_entries), len(entries))
    put(
        "time_entry_members",
        len({e["user_id"] for e in hit_entries}),
        len({e["user_id"] for e in entries}),
    )
    expected_values = expected_field_values(export)
    put(
        "custom_field_values_typed",
        sum(1 for key in expected_values if found.field_values.get(key)),
        len(expected_values),
    )
    out["custom_field_values_present_count"] = sum(
        1 for key in expected_values if key in found.field_values
    )
    parts = [out["tasks_pct"], out["time_entries_pct"], out["custom_field_values_typed_pct"]]
    out["completeness_pct"] = round(sum(parts) / len(parts), 2)
    return out
