"""Completeness of an extraction against the sandbox's ground truth (``GET /_sandbox/export``).

One vocabulary for every extractor in the benchmark (our tap, AutoIDM's tap-clickup, Airbyte's
source-clickup-api): each caller turns its system's output into a ``Found`` (ids, and per
(task id, field id) whether the custom-field value arrived typed), then ``figures`` counts,
per category, how many of the expected items it delivered:

| category                    | expected (from the export, deleted items excluded)            |
|-----------------------------|---------------------------------------------------------------|
| `tasks`                     | every live task                                               |
| `folderless_tasks`          | tasks of folderless lists (`folder_id` null)                  |
| `closed_tasks`              | tasks whose status type is `closed` or that have a close date |
| `archived_tasks`            | archived tasks                                                |
| `subtask_tasks`             | tasks with a `parent`                                         |
| `time_entries`              | time entries that start at or after the run's start date      |
| `time_entry_members`        | members with at least one of those entries                    |
| `custom_field_values_typed` | set custom-field values on live tasks                         |

A value counts as *typed* only when it equals the canonical value of docs/data-contracts.md §3
in value and JSON type (a drop-down as its option id, a number as a number, a date as ms, users
as ids): our tap's typed rows are checked through ``tests/e2e/ground_truth.py``; a raw API value
passed through (tap-clickup, Airbyte) counts only where it already is the typed one (text,
labels). What a system cannot fetch is simply 0 found; what it delivered beyond the export
(a deleted task, say) is ignored.

    found = Found(task_ids={"86x1"}, time_entry_ids={"4312"})
    add_raw_values(found, "86x1", task["custom_fields"], expected_field_values(export))
    figures(export, found, start_ms)  # {"tasks_found_count": 1, ..., "completeness_pct": 12.5}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tests.e2e.ground_truth import NOT_SET, canonical_expected, canonical_landed

TASK_KINDS = ("folderless", "closed", "archived", "subtask")
#: Every category, in report order (the figure stems).
CATEGORIES = (
    "tasks",
    *(f"{kind}_tasks" for kind in TASK_KINDS),
    "time_entries",
    "time_entry_members",
    "custom_field_values_typed",
)
#: The categories whose mean is ``completeness_pct``.
HEADLINE_CATEGORIES = ("tasks", "time_entries", "custom_field_values_typed")


@dataclass
class Found:
    """What one system delivered (ClickUp ids as strings)."""

    task_ids: set[str] = field(default_factory=set)
    time_entry_ids: set[str] = field(default_factory=set)
    #: (task id, field id) -> True when the value arrived typed, False when present but not typed.
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


def live_tasks(export: dict[str, Any]) -> list[dict[str, Any]]:
    """The export's tasks that are not deleted."""
    deleted = set(export.get("deleted", {}).get("tasks", []))
    return [task for task in export["tasks"] if task["id"] not in deleted]


def live_time_entries(export: dict[str, Any], start_ms: int | None = None) -> list[dict[str, Any]]:
    """The export's time entries that are not deleted (and start at or after ``start_ms``)."""
    deleted = set(export.get("deleted", {}).get("time_entries", []))
    return [
        entry
        for entry in export["time_entries"]
        if entry["id"] not in deleted and (start_ms is None or entry["start_ms"] >= start_ms)
    ]


def expected_field_values(export: dict[str, Any]) -> dict[tuple[str, str], tuple[str, Any]]:
    """(task id, field id) -> (field type, canonical value), for every value set on a live task."""
    types = {f["id"]: f["type"] for f in export["custom_fields"]}
    return {
        (task["id"], field_id): (types[field_id], value)
        for task in live_tasks(export)
        for field_id, value in (task.get("custom_field_values") or {}).items()
        if field_id in types
    }


def expected_items(export: dict[str, Any], start_ms: int | None = None) -> dict[str, set[Any]]:
    """The items each category expects: ids, member ids, (task id, field id) pairs."""
    tasks = live_tasks(export)
    entries = live_time_entries(export, start_ms)
    items: dict[str, set[Any]] = {"tasks": {task["id"] for task in tasks}}
    for kind in TASK_KINDS:
        items[f"{kind}_tasks"] = {task["id"] for task in tasks if kind in _task_kinds(task)}
    items["time_entries"] = {str(entry["id"]) for entry in entries}
    items["time_entry_members"] = {entry["user_id"] for entry in entries}
    items["custom_field_values_typed"] = set(expected_field_values(export))
    return items


def same_json(delivered: Any, canonical: Any) -> bool:
    """Equal in value and JSON type (a number is not its string, an index not the option id)."""
    if isinstance(canonical, bool) or isinstance(delivered, bool):
        return type(delivered) is type(canonical) and delivered == canonical  # True is not 1
    if isinstance(canonical, int | float):
        return isinstance(delivered, int | float) and delivered == canonical
    if isinstance(canonical, list):
        return (
            isinstance(delivered, list)
            and len(delivered) == len(canonical)
            and all(same_json(d, c) for d, c in zip(delivered, canonical, strict=True))
        )
    if isinstance(canonical, dict):
        return (
            isinstance(delivered, dict)
            and delivered.keys() == canonical.keys()
            and all(same_json(delivered[k], canonical[k]) for k in canonical)
        )
    return delivered == canonical


def typed_row_matches(field_type: str, row: dict[str, Any], canonical: Any) -> bool:
    """Whether one of our typed ``task_custom_field_values`` records holds the canonical value."""
    row = dict(row)
    if isinstance(row.get("value_datetime"), str):
        row["value_datetime"] = datetime.fromisoformat(row["value_datetime"])
    landed = canonical_landed(field_type, row)
    return landed != NOT_SET and landed == canonical_expected(field_type, canonical)


def add_raw_values(
    found: Found,
    task_id: str,
    custom_fields: Iterable[Any],
    expected: dict[tuple[str, str], tuple[str, Any]],
) -> None:
    """Record a task's raw ClickUp ``custom_fields`` array (entries ``{"id", "value", ...}``).

    A set value is present; it is typed only when it already equals the canonical value.
    """
    for entry in custom_fields:
        if not isinstance(entry, dict) or entry.get("value") is None:
            continue
        key = (str(task_id), str(entry.get("id")))
        found.field_values[key] = key in expected and same_json(entry["value"], expected[key][1])


def completeness(
    export: dict[str, Any], found: Found, start_ms: int | None = None
) -> dict[str, dict[str, int]]:
    """Per category: ``{"found": delivered and expected, "expected": expected}``.

    A member counts as found through the entries found (one with entries only before the start
    date is not expected).
    """
    expected = expected_items(export, start_ms)
    members = {str(e["id"]): e["user_id"] for e in live_time_entries(export, start_ms)}
    task_ids = {str(task_id) for task_id in found.task_ids}
    entry_ids = {str(entry_id) for entry_id in found.time_entry_ids}
    delivered: dict[str, set[Any]] = {f"{kind}_tasks": task_ids for kind in TASK_KINDS}
    delivered["tasks"] = task_ids
    delivered["time_entries"] = entry_ids
    delivered["time_entry_members"] = {members[e] for e in entry_ids if e in members}
    delivered["custom_field_values_typed"] = {k for k, typed in found.field_values.items() if typed}
    return {
        category: {
            "found": len(expected[category] & delivered[category]),
            "expected": len(expected[category]),
        }
        for category in CATEGORIES
    }


def percent(found: int, expected: int) -> float:
    """found ÷ expected in percent, two decimals; 100 when nothing was expected."""
    return round(100.0 * found / expected, 2) if expected else 100.0


def figures(export: dict[str, Any], found: Found, start_ms: int | None = None) -> dict[str, float]:
    """Benchmark figures: ``<category>_found_count``, ``_expected_count`` and ``_pct``;
    ``custom_field_values_present_count`` (set values delivered in any form); and
    ``completeness_pct``, the mean of the tasks, time-entry and typed-value percentages."""
    out: dict[str, float] = {}
    for category, counts in completeness(export, found, start_ms).items():
        out[f"{category}_found_count"] = counts["found"]
        out[f"{category}_expected_count"] = counts["expected"]
        out[f"{category}_pct"] = percent(counts["found"], counts["expected"])
    out["custom_field_values_present_count"] = len(
        set(expected_field_values(export)) & set(found.field_values)
    )
    parts = [out[f"{category}_pct"] for category in HEADLINE_CATEGORIES]
    out["completeness_pct"] = round(sum(parts) / len(parts), 2)
    return out
