"""Expected rows computed independently from the sandbox export, and what was landed, compared.

The sandbox's export is canonical (data-contracts §3): drop-down values as option ids, dates as
ms, and so on. These helpers turn both sides into the same plain Python values: the typed
custom-field values (landing tables) and dim_tasks' custom-field flags. Every other mart has
its one oracle in `marts_ground_truth` (fct_time_entries included).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NOT_SET = "<not set>"


def to_ms(value: datetime | None) -> int | None:
    if value is None:
        return None
    return (value - EPOCH) // timedelta(milliseconds=1)


def number(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).normalize()


def canonical_expected(field_type: str, value: Any) -> Any:
    """The export's canonical value, normalised for comparison."""
    if field_type in {"number", "currency", "emoji"}:
        return number(value)
    if field_type in {"manual_progress", "automatic_progress"}:
        return number(value["percent_completed"])
    if field_type == "formula":
        return number(value) if isinstance(value, int | float) else str(value)
    if field_type == "location":
        return (number(value["lat"]), number(value["lng"]), value["formatted_address"])
    if field_type in {"labels", "tasks"}:
        return [str(v) for v in value]
    if field_type == "users":
        return [int(v) for v in value]
    if field_type == "date":
        return int(value)
    return value


def canonical_landed(field_type: str, row: dict[str, Any]) -> Any:
    """A typed task_custom_field_values row turned into the canonical form."""
    if not row["has_value"]:
        return NOT_SET
    if field_type == "drop_down":
        return (row["value_option_ids"] or [None])[0]
    if field_type == "labels":
        return row["value_option_ids"]
    if field_type == "users":
        return [int(v) for v in row["value_user_ids"]]
    if field_type == "tasks":
        return row["value_task_ids"]
    if field_type in {"number", "currency", "emoji", "manual_progress", "automatic_progress"}:
        return number(row["value_number"])
    if field_type == "formula":
        return number(row["value_number"]) if row["value_number"] is not None else row["value_text"]
    if field_type == "date":
        return to_ms(row["value_datetime"])
    if field_type == "checkbox":
        return row["value_boolean"]
    if field_type == "location":
        raw = row["value_json"]
        raw = json.loads(raw) if isinstance(raw, str) else raw
        location = raw.get("location", raw)
        return (number(location["lat"]), number(location["lng"]), raw["formatted_address"])
    return row["value_text"]


def expected_custom_field_values(export: dict[str, Any]) -> dict[tuple[str, str], Any]:
    types = {field["id"]: field["type"] for field in export["custom_fields"]}
    deleted = set(export.get("deleted", {}).get("tasks", []))
    expected = {}
    for task in export["tasks"]:
        if task["id"] in deleted:
            continue
        values = task.get("custom_field_values", {})
        for field_id in task["field_ids"]:
            field_type = types[field_id]
            expected[(task["id"], field_id)] = (
                canonical_expected(field_type, values[field_id]) if field_id in values else NOT_SET
            )
    return expected


def landed_custom_field_values(database_url: str) -> dict[tuple[str, str], Any]:
    """Current typed values of the fields each task still exposes (tasks.custom_field_ids)."""
    query = """
        select v.*
        from clickup_extras.task_custom_field_values__current as v
        join clickup_extras.tasks__current as t on t.id = v.task_id
        where t.custom_field_ids ? v.field_id
    """
    with psycopg.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(query)
        columns = [c.name for c in cursor.description or []]
        rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
    return {
        (row["task_id"], row["field_id"]): canonical_landed(row["field_type"], row) for row in rows
    }


def expected_task_field_flags(export: dict[str, Any]) -> dict[tuple[str, str], bool]:
    """(task, field) -> whether the field is set, for every field each task exposes."""
    deleted = set(export.get("deleted", {}).get("tasks", []))
    return {
        (task["id"], field_id): field_id in task.get("custom_field_values", {})
        for task in export["tasks"]
        if task["id"] not in deleted
        for field_id in task["field_ids"]
    }


def landed_dim_task_field_flags(database_url: str) -> dict[tuple[str, str], bool]:
    """The same from the dim_tasks mart's custom_fields jsonb."""
    query = """
        select task_id, field.key, (field.value ->> 'has_value')::boolean
        from clickup_analytics.dim_tasks
        cross join lateral jsonb_each(coalesce(custom_fields, '{}'::jsonb)) as field
    """
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(query).fetchall()
    return {(task_id, field_id): bool(has_value) for task_id, field_id, has_value in rows}


def differences(expected: dict, landed: dict, limit: int = 10) -> list[str]:
    """Human-readable differences between two keyed row sets (empty when equal)."""
    problems = []
    for key in sorted(set(expected) - set(landed), key=str)[:limit]:
        problems.append(f"missing {key}: expected {expected[key]!r}")
    for key in sorted(set(landed) - set(expected), key=str)[:limit]:
        problems.append(f"unexpected {key}: landed {landed[key]!r}")
    for key in sorted(set(expected) & set(landed), key=str):
        if expected[key] != landed[key] and len(problems) < 3 * limit:
            problems.append(f"differs {key}: expected {expected[key]!r}, landed {landed[key]!r}")
    return problems
