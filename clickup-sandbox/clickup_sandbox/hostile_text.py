"""Hostile strings: the control ``POST /_sandbox/hostile`` puts a text into every text field.

``{"text": "lone \\ud800 nul \\u0000"}`` (the default) is appended to the name of every
workspace, space, folder, list, custom field, checklist, task template and task, to every
member's username, list content, task description, text custom-field value, time-entry
description and comment, so every stream carries it. JSON allows a lone surrogate escape and
``\\u0000``; the API serves them as ClickUp would, escaped. Tasks are touched (their
``date_updated`` moves), so incremental runs see them too. Answers ``{"changed": n}``.
"""

from __future__ import annotations

from typing import Any

from clickup_sandbox.model import State

DEFAULT_TEXT = "lone \ud800 nul \u0000"
_TEXT_FIELD_TYPES = ("text", "short_text")


def _append(obj: Any, attribute: str, text: str) -> int:
    value = getattr(obj, attribute)
    setattr(obj, attribute, f"{value} {text}" if value else text)
    return 1


def apply(state: State, text: str, now_ms: int) -> int:
    """Append ``text`` to every text field of ``state``; the number of values changed."""
    changed = 0
    for workspace in state.workspaces.values():
        changed += _append(workspace, "name", text)
        for member in workspace.members:
            changed += _append(member, "username", text)
    for collection in (state.spaces, state.folders, state.fields):
        for obj in collection.values():
            changed += _append(obj, "name", text)
    for task_list in state.lists.values():
        changed += _append(task_list, "name", text) + _append(task_list, "content", text)
    for template in state.templates:
        changed += _append(template, "name", text)
    text_fields = {fid for fid, f in state.fields.items() if f.type in _TEXT_FIELD_TYPES}
    for task in state.tasks.values():
        changed += _append(task, "name", text) + _append(task, "description", text)
        for checklist in task.checklists:
            changed += _append(checklist, "name", text)
            for item in checklist.items:
                changed += _append(item, "name", text)
        for fid in text_fields & set(task.field_values):
            task.field_values[fid] = f"{task.field_values[fid]} {text}"
            changed += 1
        task.date_updated_ms = state.next_update_ms(now_ms)
    for entry in state.time_entries.values():
        changed += _append(entry, "description", text)
    for comments in state.comments.values():
        for comment in comments:
            changed += _append(comment, "text", text)
    state.encoded_fields.clear()
    state.invalidate()
    return changed


def handle(state: State, body: Any, now_ms: int) -> tuple[int, Any]:
    """``POST /_sandbox/hostile``: validate the body, apply, answer (status, JSON body)."""
    if not isinstance(body, dict):
        return 400, {"error": "body must be an object"}
    text = body.get("text", DEFAULT_TEXT)
    if not isinstance(text, str) or not text:
        return 400, {"error": "text must be a non-empty string"}
    return 200, {"changed": apply(state, text, now_ms)}
