"""The fewest ClickUp requests that can return a workspace's data, from the sandbox's export.

Two scopes:

- ``workspace_minimum``: what every extractor is measured against: the hierarchy (``GET
  /team``; spaces, and per space its folders and folderless lists, and per folder its lists,
  each read with ``archived=false`` and ``archived=true``), task pages of 100 for the
  non-archived and the archived pass (at least one each; custom-field values come inline), and
  one time-entry request per 30-day window per assignee chunk of 100 members.
- ``own_scope_minimum``: our tap's default selection, which also reads one bulk time-in-status
  request per 100 emitted tasks, the per-list field endpoint for lists with no task (first run),
  and one task-template page per workspace.
"""

from __future__ import annotations

import math
from typing import Any

DAY_MS = 86_400_000
WINDOW_MS = 30 * DAY_MS
PAGE = 100
STATUS_BATCH = 100
TEMPLATE_PAGE = 100
ASSIGNEE_CHUNK = 100


def _pages(count: int, size: int) -> int:
    return max(1, math.ceil(count / size))


def hierarchy_minimum(export: dict[str, Any]) -> int:
    """``GET /team``, two passes of spaces per team, folders/lists passes per space/folder."""
    teams = len(export["workspaces"])
    spaces = len(export["spaces"])
    folders = len(export["folders"])
    return 1 + 2 * teams + 4 * spaces + 2 * folders


def workspace_minimum(
    export: dict[str, Any], *, task_ids: set[str], scan_span_ms: int, members: int
) -> dict[str, int]:
    """Hierarchy, task pages and time-entry windows for the tasks ``task_ids``, by part."""
    tasks = {t["id"]: t for t in export["tasks"]}
    archived = sum(1 for task_id in task_ids if tasks.get(task_id, {}).get("archived"))
    teams = len(export["workspaces"])
    windows = max(1, math.ceil(scan_span_ms / WINDOW_MS))
    return {
        "hierarchy": hierarchy_minimum(export),
        "task_pages": _pages(len(task_ids) - archived, PAGE) + _pages(archived, PAGE),
        "time_entry_windows": windows * teams * math.ceil(members / ASSIGNEE_CHUNK),
    }


def own_scope_minimum(
    export: dict[str, Any],
    *,
    task_ids: set[str],
    scan_span_ms: int,
    members: int,
    first_run: bool,
) -> dict[str, int]:
    """The workspace minimum plus the other streams our tap reads by default, by part."""
    teams = len(export["workspaces"])
    lists_with_tasks = {t["list_id"] for t in export["tasks"]}
    empty_lists = sum(1 for lst in export["lists"] if lst["id"] not in lists_with_tasks)
    templates = len(export.get("task_templates") or []) or 1
    return {
        **workspace_minimum(export, task_ids=task_ids, scan_span_ms=scan_span_ms, members=members),
        "status_history": math.ceil(len(task_ids) / STATUS_BATCH),
        "list_fields": empty_lists if first_run else 0,
        "task_templates": teams * _pages(templates, TEMPLATE_PAGE),
    }
