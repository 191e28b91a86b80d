"""Filtering, ordering and paging of tasks, as GET /team/{id}/task and GET /list/{id}/task do it.

Date filters are inclusive at both ends (``date_updated_gt`` returns the bookmark task again, as
observed on ClickUp). Archived tasks appear only with ``archived=true``, and then only they do.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import Any

from clickup_sandbox.handlers.common import ApiRequest, bad_request
from clickup_sandbox.model import State, Task

PAGE_SIZE = 100
SUPPORTED_OPERATORS = ("=", "==", "!=", "<", "<=", ">", ">=", "IS NULL", "IS NOT NULL")
CLICKUP_OPERATORS = ("!==", "RANGE", "ANY", "ALL", "NOT ANY", "NOT ALL")
DATE_FILTERS = {
    "date_created": lambda t: t.date_created_ms,
    "date_updated": lambda t: t.date_updated_ms,
    "date_done": lambda t: t.date_done_ms,
    "due_date": lambda t: t.due_date_ms,
}
NO_DATE = 2**62


def _order_key(order_by: str) -> Callable[[Task], Any]:
    # Task ids are fixed-width base-36 numbers, so comparing them as strings orders them by value.
    if order_by == "id":
        return attrgetter("id")
    if order_by == "created":
        return attrgetter("date_created_ms", "id")
    if order_by == "updated":
        return attrgetter("date_updated_ms", "id")
    if order_by == "due_date":
        return lambda t: (t.due_date_ms if t.due_date_ms is not None else NO_DATE, t.id)
    raise bad_request("order_by must be one of id, created, updated, due_date", "INPUT_003")


def _custom_field_filters(state: State, raw: str) -> list[Callable[[Task], bool]]:
    try:
        specs = json.loads(raw)
    except json.JSONDecodeError:
        raise bad_request("custom_fields must be a JSON array", "FIELD_033") from None
    if not isinstance(specs, list):
        raise bad_request("custom_fields must be a JSON array", "FIELD_033")
    checks: list[Callable[[Task], bool]] = []
    for spec in specs:
        if not isinstance(spec, dict) or "field_id" not in spec or "operator" not in spec:
            raise bad_request("each custom field filter needs field_id and operator", "FIELD_033")
        op = str(spec["operator"]).upper()
        if op in CLICKUP_OPERATORS:
            raise bad_request(
                f"custom_fields operator {op!r} is valid on ClickUp but not supported by the "
                f"sandbox (supported: {', '.join(SUPPORTED_OPERATORS)})",
                "SANDBOX_001",
            )
        if op not in SUPPORTED_OPERATORS:
            raise bad_request(f"Invalid custom field operator {op!r}", "FIELD_034")
        fdef = state.fields.get(str(spec["field_id"]))
        if fdef is None:
            raise bad_request("Custom field not found", "FIELD_001")
        if fdef.type == "labels" and op == "=":
            raise bad_request("Operator = is not allowed for Label fields", "FIELD_035")
        checks.append(_field_check(fdef.id, fdef.type, fdef.type_config, op, spec.get("value")))
    return checks


def _field_check(
    field_id: str, ftype: str, config: dict[str, Any], op: str, wanted: Any
) -> Callable[[Task], bool]:
    if op == "IS NULL":
        return lambda t: field_id not in t.field_values
    if op == "IS NOT NULL":
        return lambda t: field_id in t.field_values
    if ftype == "drop_down":
        by_index = {str(o["orderindex"]): o["id"] for o in config.get("options", [])}
        wanted = by_index.get(str(wanted), wanted)

    def canonical(t: Task) -> Any:
        return t.field_values.get(field_id)

    def compare(value: Any) -> bool:
        if value is None:
            return op in ("!=",)
        if isinstance(value, list):
            hit = wanted in value or str(wanted) in [str(v) for v in value]
            return hit if op in ("=", "==") else (not hit if op == "!=" else False)
        if isinstance(value, dict):
            value = value.get("percent_completed", value.get("formatted_address"))
        if isinstance(value, bool):
            value, target = str(value).lower(), str(wanted).lower()
        elif isinstance(value, int | float):
            try:
                target = float(wanted)
            except (TypeError, ValueError):
                return False
        else:
            value, target = str(value), str(wanted)
        if op == "=":
            return target in value if isinstance(value, str) else value == target
        if op == "==":
            return value == target
        if op == "!=":
            return value != target
        try:
            return {
                "<": value < target,
                "<=": value <= target,
                ">": value > target,
                ">=": value >= target,
            }[op]
        except TypeError:
            return False

    return lambda t: compare(canonical(t))


def select(
    state: State, candidates: Iterable[Task], req: ApiRequest, *, bracketed: bool
) -> list[Task]:
    """Apply the filters and the order of a task query; ``bracketed`` = team endpoint names."""

    def names(base: str) -> tuple[str, ...]:
        return (f"{base}[]",) if bracketed else (f"{base}[]", base)

    archived = req.flag("archived", False)
    include_closed = req.flag("include_closed", False)
    parent = req.arg("parent")
    subtasks = req.flag("subtasks", False) or parent is not None
    statuses = {s.lower() for s in req.args(*names("statuses"))}
    assignees = {_int(a, "assignees") for a in req.args(*names("assignees"))}
    tags = {t.lower() for t in req.args(*names("tags"))}
    space_ids = set(req.args("space_ids[]")) if bracketed else set()
    folder_ids = set(req.args("project_ids[]")) if bracketed else set()
    list_ids = set(req.args("list_ids[]")) if bracketed else set()
    bounds = []
    for base, getter in DATE_FILTERS.items():
        lo, hi = req.integer(f"{base}_gt"), req.integer(f"{base}_lt")
        if lo is not None or hi is not None:
            bounds.append((getter, lo, hi))
    checks = _custom_field_filters(state, req.arg("custom_fields") or "[]")
    order_by = req.arg("order_by") or "created"
    key = _order_key(order_by)
    reverse = req.flag("reverse", False)

    out = []
    for t in candidates:
        if t.archived != archived:
            continue
        if parent is not None and t.parent != parent:
            continue
        if not subtasks and t.parent is not None:
            continue
        if not include_closed and state.status_type(t) == "closed":
            continue
        if statuses and t.status.lower() not in statuses:
            continue
        if assignees and not assignees.intersection(t.assignee_ids):
            continue
        if tags and not tags.intersection(t.tags):
            continue
        if space_ids or folder_ids or list_ids:
            lst = state.lists[t.list_id]
            if space_ids and lst.space_id not in space_ids:
                continue
            if folder_ids and lst.folder_id not in folder_ids:
                continue
            if list_ids and lst.id not in list_ids:
                continue
        if not _within(t, bounds):
            continue
        if checks and not all(c(t) for c in checks):
            continue
        out.append(t)
    # Default newest first; reverse=true gives oldest first (docs/clickup-api.md §3).
    out.sort(key=key, reverse=not reverse)
    return out


def _within(
    t: Task, bounds: list[tuple[Callable[[Task], int | None], int | None, int | None]]
) -> bool:
    for getter, lo, hi in bounds:
        value = getter(t)
        if value is None:
            return False
        if lo is not None and value < lo:
            return False
        if hi is not None and value > hi:
            return False
    return True


def _int(raw: str, name: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise bad_request(f"{name} must hold user ids") from None


def page(tasks: list[Task], req: ApiRequest) -> tuple[list[Task], bool]:
    """One page of 100 (``page`` counts from 0) and whether it is the last one."""
    number = req.integer("page", 0) or 0
    if number < 0:
        raise bad_request("page must be >= 0")
    start = number * PAGE_SIZE
    chunk = tasks[start : start + PAGE_SIZE]
    return chunk, start + PAGE_SIZE >= len(tasks)
