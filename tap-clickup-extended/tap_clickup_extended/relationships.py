"""Task relationships read from one task payload: dependencies, links, parent, relationship fields.

Kinds (docs/data-contracts.md §1, ``task_relationships``):

- ``waiting_on`` / ``blocking``: a ``dependencies[]`` entry whose ``task_id`` is the task means
  it waits on ``depends_on``; one whose ``depends_on`` is the task means it blocks ``task_id``.
  ClickUp shows the entry on both tasks, so each side yields its own row. This reading is an
  inference (docs/clickup-api.md §4), which the sandbox follows.
- ``linked``: ``linked_tasks[]``; ``link_id`` names the other task.
- ``parent``: the task's immediate ``parent``; the mirror row ``subtask`` (key: the parent,
  the subtask) comes from the same payload, the only one that knows about it.
- ``custom_field``: one row per task named in a ``tasks`` / ``list_relationship`` field.

The key is ``(task_id, related_task_id, kind, field_id)``; ``field_id`` is the empty string for
every kind but ``custom_field``, where two fields may name the same task.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tap_clickup_extended.conversions import id_str, ms_to_iso, to_int

RELATIONSHIP_FIELD_TYPES = frozenset({"tasks", "list_relationship"})
KINDS = ("waiting_on", "blocking", "linked", "parent", "subtask", "custom_field")
NO_FIELD = ""


def relationship_key(row: dict[str, Any]) -> str:
    """``kind:related_task_id`` (plus ``:field_id`` for ``custom_field``), as in ``tasks``."""
    key = f"{row['kind']}:{row['related_task_id']}"
    return f"{key}:{row['field_id']}" if row["field_id"] else key


def _row(
    task_id: str,
    related: str,
    kind: str,
    team_id: str | None,
    entry: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    entry = entry or {}
    return {
        "task_id": task_id,
        "related_task_id": related,
        "kind": kind,
        "field_id": NO_FIELD,
        "team_id": team_id,
        "date_created": ms_to_iso(entry.get("date_created")),
        "user_id": to_int(entry.get("userid")),
        "link_id": None,
        "dependency_type": None,
        **extra,
    }


def _dependencies(me: str, raw: dict[str, Any], team_id: str | None) -> Iterable[dict]:
    for entry in raw.get("dependencies") or []:
        if not isinstance(entry, dict):
            continue
        waiter, blocker = id_str(entry.get("task_id")), id_str(entry.get("depends_on"))
        kind_type = to_int(entry.get("type"))
        if waiter == me and blocker and blocker != me:
            yield _row(me, blocker, "waiting_on", team_id, entry, dependency_type=kind_type)
        elif blocker == me and waiter and waiter != me:
            yield _row(me, waiter, "blocking", team_id, entry, dependency_type=kind_type)


def _links(me: str, raw: dict[str, Any], team_id: str | None) -> Iterable[dict]:
    for entry in raw.get("linked_tasks") or []:
        if not isinstance(entry, dict):
            continue
        link_id, owner = id_str(entry.get("link_id")), id_str(entry.get("task_id"))
        other = link_id if owner in (me, None) else owner
        if other and other != me:
            yield _row(me, other, "linked", team_id, entry, link_id=link_id)


def _fields(me: str, raw: dict[str, Any], team_id: str | None) -> Iterable[dict]:
    for field in raw.get("custom_fields") or []:
        if not isinstance(field, dict) or field.get("type") not in RELATIONSHIP_FIELD_TYPES:
            continue
        value = field.get("value")
        if value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            related = id_str(item.get("id") if isinstance(item, dict) else item)
            if related:
                yield _row(me, related, "custom_field", team_id, field_id=str(field.get("id")))


def task_relationships(raw: dict[str, Any], team_id: str | None) -> list[dict[str, Any]]:
    """Every relationship row one task payload yields, each key once, in payload order."""
    me = id_str(raw.get("id"))
    if me is None:
        return []
    rows = [*_dependencies(me, raw, team_id), *_links(me, raw, team_id)]
    parent = id_str(raw.get("parent"))
    if parent and parent != me:
        rows.append(_row(me, parent, "parent", team_id))
        rows.append(_row(parent, me, "subtask", team_id))
    rows.extend(_fields(me, raw, team_id))
    unique: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["task_id"], row["related_task_id"], row["kind"], row["field_id"])
        unique.setdefault(key, row)
    return list(unique.values())


def current_relationship_keys(task_id: str, rows: list[dict[str, Any]]) -> list[str]:
    """The keys of the rows that belong to ``task_id`` itself (not the mirrored ``subtask``)."""
    return [relationship_key(row) for row in rows if row["task_id"] == task_id]
