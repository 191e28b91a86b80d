"""Completeness of an extraction against the sandbox's ground truth (`GET /_sandbox/export`).

Any system's output is first described as an `Extracted` (ids only, so every system can be
compared the same way), then `completeness(export, extracted)` counts, per category, how many
of the expected items the system delivered:

| category                     | expected (from the export)                                   |
|------------------------------|--------------------------------------------------------------|
| `tasks`                      | every live task (deleted ones excluded)                      |
| `tasks_folderless`           | live tasks of folderless lists (`folder_id` null)            |
| `tasks_closed`               | live tasks whose status type is `closed`                     |
| `tasks_archived`             | live archived tasks                                          |
| `subtasks`                   | live tasks with a `parent`                                   |
| `time_entries`               | live time entries of every member                            |
| `time_entry_members`         | members with at least one live time entry                    |
| `custom_field_values_typed`  | (task, field) pairs with a value set, on live tasks          |

A category a system cannot fetch at all is simply 0 found (never an error). Items a system
delivered that the export does not expect (a deleted task, say) are ignored.

    from tests.bench.completeness import Extracted, completeness, completeness_figures
    extracted = Extracted(task_ids={"86x1", ...}, time_entry_ids={...},
                          typed_custom_field_values={("86x1", "fld-uuid"), ...})
    completeness(export, extracted)["tasks_archived"]  # {"found": 12, "expected": 14}
    completeness_figures(export, extracted)  # {"tasks_found_count": 130, ..., "tasks_pct": 52.0}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

CATEGORIES = (
    "tasks",
    "tasks_folderless",
    "tasks_closed",
    "tasks_archived",
    "subtasks",
    "time_entries",
    "time_entry_members",
    "custom_field_values_typed",
)


@dataclass
class Extracted:
    """What one system extracted, as ids (ClickUp ids as strings, user ids as ints).

    - `task_ids`: every task id the system delivered (any table).
    - `time_entry_ids`: every time entry id delivered (empty when the system has no entries).
    - `time_entry_user_ids`: members whose time entries were delivered; when left empty it is
      derived from `time_entry_ids` and the export (the users of the delivered entries).
    - `typed_custom_field_values`: (task id, field id) pairs whose value the system delivered
      decoded into a typed form (a number as a number, a drop-down as its option, a date as a
      timestamp...). Values that exist only inside a raw JSON blob of the task do not count:
      list them in `raw_custom_field_values` instead (reported, not scored).
    """

    task_ids: set[str] = field(default_factory=set)
    time_entry_ids: set[str] = field(default_factory=set)
    time_entry_user_ids: set[int] = field(default_factory=set)
    typed_custom_field_values: set[tuple[str, str]] = field(default_factory=set)
    raw_custom_field_values: set[tuple[str, str]] = field(default_factory=set)


def expected_items(export: dict[str, Any]) -> dict[str, set[Any]]:
    """The ids each category expects, from the sandbox export."""
    deleted_tasks = set(export.get("deleted", {}).get("tasks", []))
    deleted_entries = set(export.get("deleted", {}).get("time_entries", []))
    tasks = [task for task in export["tasks"] if task["id"] not in deleted_tasks]
    entries = [entry for entry in export["time_entries"] if entry["id"] not in deleted_entries]
    return {
        "tasks": {t["id"] for t in tasks},
        "tasks_folderless": {t["id"] for t in tasks if t.get("folder_id") is None},
        "tasks_closed": {t["id"] for t in tasks if t.get("status_type") == "closed"},
        "tasks_archived": {t["id"] for t in tasks if t.get("archived")},
        "subtasks": {t["id"] for t in tasks if t.get("parent")},
        "time_entries": {str(e["id"]) for e in entries},
        "time_entry_members": {int(e["user_id"]) for e in entries},
        "custom_field_values_typed": {
            (t["id"], field_id)
            for t in tasks
            for field_id in (t.get("custom_field_values") or {})
            if field_id in set(t.get("field_ids") or [])
        },
    }


def delivered_items(export: dict[str, Any], extracted: Extracted) -> dict[str, set[Any]]:
    """The ids each category found in `extracted` (before intersecting with the expected)."""
    entry_users = {str(e["id"]): int(e["user_id"]) for e in export["time_entries"]}
    members = set(extracted.time_entry_user_ids) or {
        entry_users[entry_id] for entry_id in extracted.time_entry_ids if entry_id in entry_users
    }
    task_ids = {str(task_id) for task_id in extracted.task_ids}
    return {
        "tasks": task_ids,
        "tasks_folderless": task_ids,
        "tasks_closed": task_ids,
        "tasks_archived": task_ids,
        "subtasks": task_ids,
        "time_entries": {str(entry_id) for entry_id in extracted.time_entry_ids},
        "time_entry_members": members,
        "custom_field_values_typed": set(extracted.typed_custom_field_values),
    }


def completeness(export: dict[str, Any], extracted: Extracted) -> dict[str, dict[str, int]]:
    """Per category: {"found": delivered and expected, "expected": expected}."""
    expected = expected_items(export)
    delivered = delivered_items(export, extracted)
    return {
        category: {
            "found": len(expected[category] & delivered[category]),
            "expected": len(expected[category]),
        }
        for category in CATEGORIES
    }


def completeness_figures(export: dict[str, Any], extracted: Extracted) -> dict[str, float]:
    """The same as flat benchmark figures: `<category>_found_count`, `_expected_count`, `_pct`.

    Also `custom_field_values_raw_found_count` (values present only as raw JSON, not scored).
    """
    figures: dict[str, float] = {}
    for category, counts in completeness(export, extracted).items():
        figures[f"{category}_found_count"] = counts["found"]
        figures[f"{category}_expected_count"] = counts["expected"]
        figures[f"{category}_pct"] = percent(counts["found"], counts["expected"])
    expected_values = expected_items(export)["custom_field_values_typed"]
    figures["custom_field_values_raw_found_count"] = len(
        expected_values & set(extracted.raw_custom_field_values)
    )
    return figures


def percent(found: int, expected: int) -> float:
    """found / expected in percent, one decimal; 100 when nothing was expected."""
    return round(100.0 * found / expected, 1) if expected else 100.0


def pairs(rows: Iterable[tuple[Any, Any]]) -> set[tuple[str, str]]:
    """(task id, field id) rows as a set of string pairs."""
    return {(str(task_id), str(field_id)) for task_id, field_id in rows}
