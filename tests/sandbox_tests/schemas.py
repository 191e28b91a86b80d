"""ClickUp's OpenAPI 200-response schemas, with targeted, documented overrides.

docs/clickup-api.md warns that the specs contradict themselves; where a schema is plainly wrong versus the
facts (or versus a sibling endpoint's schema), the override below replaces only that node and says
why. Everything else is validated as ClickUp wrote it.
"""

from __future__ import annotations

import copy
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

REPO_ROOT = Path(__file__).resolve().parents[2]
#: ClickUp's OpenAPI files, vendored unchanged (vendor/clickup-openapi/README.md);
#: ``CLICKUP_OPENAPI_DIR`` points a run at another copy.
OPENAPI = Path(os.environ.get("CLICKUP_OPENAPI_DIR") or REPO_ROOT / "vendor" / "clickup-openapi")


class MissingDefinitionError(AssertionError):
    """A ClickUp OpenAPI definition the tests need is not where it should be.

    An ``AssertionError``, so pytest reports a failure (never a skip) with this message.
    """


def definition_path(filename: str) -> Path:
    """The path of one vendored definition; a clear failure when it is not there."""
    path = OPENAPI / filename
    if not path.is_file():
        raise MissingDefinitionError(
            f"ClickUp's OpenAPI definition {filename} is missing from {OPENAPI}: restore it "
            "(git checkout -- vendor/clickup-openapi) or add it as vendor/clickup-openapi/README.md "
            "describes, or unset CLICKUP_OPENAPI_DIR"
        )
    return path


NULLABLE_STRING = {"type": ["string", "null"]}
USER = {
    "type": "object",
    "required": ["id", "username", "email", "color", "initials", "profilePicture"],
    "properties": {"id": {"type": "integer"}, "username": {"type": "string"}},
}
TAG = {
    "type": "object",
    "required": ["name", "tag_fg", "tag_bg"],
    "properties": {"name": {"type": "string"}},
}
PRIORITY = {
    "type": ["object", "null"],
    "required": ["id", "priority", "color", "orderindex"],
    "properties": {"id": {"type": "string"}, "orderindex": {"type": "string"}},
}
DEPENDENCY = {
    "type": "object",
    "required": ["task_id", "depends_on", "type", "date_created", "userid"],
    "properties": {"task_id": {"type": "string"}, "depends_on": {"type": "string"}},
}
LINK = {
    "type": "object",
    "required": ["task_id", "link_id", "date_created", "userid"],
    "properties": {"task_id": {"type": "string"}, "link_id": {"type": "string"}},
}
CHECKLIST = {
    "type": "object",
    "required": ["id", "task_id", "name", "orderindex", "resolved", "unresolved", "items"],
}
FIELD_VALUE = {
    "description": "any JSON: the value's shape depends on the field type (docs/clickup-api.md §4 table)"
}

# The fixes shared by every task schema (team tasks, list tasks, single task).
_TASK_FIXES: list[tuple[str, Any, str]] = [
    ("date_closed", NULLABLE_STRING, "open tasks have date_closed null (docs/clickup-api.md §4)"),
    ("parent", NULLABLE_STRING, "top-level tasks have parent null (docs/clickup-api.md §4)"),
    ("due_date", NULLABLE_STRING, "dates are ms strings or null (docs/clickup-api.md §4)"),
    ("start_date", NULLABLE_STRING, "dates are ms strings or null (docs/clickup-api.md §4)"),
    (
        "priority",
        PRIORITY,
        "priority is the object form or null, not an integer (docs/clickup-api.md §4)",
    ),
    ("points", {"type": ["number", "null"]}, "points is null when unset"),
    (
        "time_estimate",
        {"type": ["number", "null"]},
        "ms, may be a float or null (docs/clickup-api.md §4); the team schema says number, the list schema "
        "string: they cannot both hold",
    ),
    ("time_spent", {"type": "number"}, "ms number, as the team schema's sibling fields"),
    (
        "assignees",
        {"type": "array", "items": USER},
        "user objects, not strings (docs/clickup-api.md §4)",
    ),
    (
        "watchers",
        {"type": "array", "items": USER},
        "user objects, not strings (docs/clickup-api.md §4)",
    ),
    (
        "tags",
        {"type": "array", "items": TAG},
        "tag objects {name, tag_fg, tag_bg} (docs/clickup-api.md §4)",
    ),
    (
        "checklists",
        {"type": "array", "items": CHECKLIST},
        "checklist objects (docs/clickup-api.md §4)",
    ),
    (
        "dependencies",
        {"type": "array", "items": DEPENDENCY},
        "objects (docs/clickup-api.md §4), not strings",
    ),
    (
        "linked_tasks",
        {"type": "array", "items": LINK},
        "objects (docs/clickup-api.md §4), not strings",
    ),
]
_FIELD_ITEM_FIXES: list[tuple[str, Any, str]] = [
    (
        "value",
        FIELD_VALUE,
        "the spec allows only user objects or {value}; docs/clickup-api.md §4 lists many",
    ),
    (
        "type_config",
        {"type": "object"},
        "type_config depends on the field type (docs/clickup-api.md §5); the spec shows only the users one",
    ),
]
TIME_ENTRY_OPTIONAL = (
    "entries without a task have no task/task_location/task_url (docs/clickup-api.md §6)"
)


def _task_fixes(prefix: str) -> list[tuple[str, Any, str]]:
    return [(f"{prefix}.properties.{name}", node, why) for name, node, why in _TASK_FIXES]


def _field_fixes(items: str) -> list[tuple[str, Any, str]]:
    return [(f"{items}.properties.{name}", node, why) for name, node, why in _FIELD_ITEM_FIXES]


OVERRIDES: dict[str, list[tuple[str, Any, str]]] = {
    "getfilteredteamtasks.json": [
        *_task_fixes("properties.tasks.items"),
        ("properties.tasks.items.properties.date_done", NULLABLE_STRING, "open tasks: null"),
        (
            "properties.tasks.items.properties.custom_fields.items.properties.value",
            FIELD_VALUE,
            "custom field values vary by type (docs/clickup-api.md §4)",
        ),
        (
            "properties.last_page",
            {"type": "boolean"},
            "not in the team schema; sent as in the list endpoint (docs/clickup-api.md §3)",
        ),
    ],
    "gettasks.json": [
        *_task_fixes("properties.tasks.items"),
        (
            "properties.tasks.items.properties.custom_fields",
            {"type": "array", "items": {"type": "object", "required": ["id", "name", "type"]}},
            "custom_fields is an array (as in the team and single-task schemas), not an object",
        ),
    ],
    "gettask.json": [
        *_task_fixes(""),
        *_field_fixes("properties.custom_fields.items"),
    ],
    "getfolders.json": [
        (
            "properties.folders",
            {"type": "array", "items": "$self:properties.folders"},
            "folders is an array (docs/clickup-api.md §8: the schema says object, the example an array)",
        ),
    ],
    "getfolders.json#item": [
        ("properties.lists", {"type": "array"}, "a folder's lists are list objects"),
    ],
    "getlist.json": [
        (
            "properties.priority",
            {"type": ["object", "null"], "required": ["priority", "color"]},
            "a list without priority has null, as GET /folder/{id}/list's schema allows",
        ),
    ],
    "getfolder.json": [
        ("properties.lists", {"type": "array"}, "a folder's lists are list objects"),
    ],
    "gettimeentrieswithinadaterange.json": [
        (
            "properties.data.items.required",
            ["id", "wid", "user", "billable", "start", "duration", "description", "tags",
             "source", "at"],
            TIME_ENTRY_OPTIONAL + "; a running timer has no end (docs/clickup-api.md §6)",
        ),
        (
            "properties.data.items.properties.start",
            {"type": ["string", "integer"]},
            "numbers in ClickUp's list example, strings in its schema (docs/clickup-api.md §6)",
        ),
        (
            "properties.data.items.properties.end",
            {"type": ["string", "integer"]},
            "numbers in ClickUp's list example, strings in its schema (docs/clickup-api.md §6)",
        ),
        (
            "properties.data.items.properties.task.properties.custom_id",
            NULLABLE_STRING,
            "custom_id is null for most tasks (docs/clickup-api.md §1)",
        ),
        (
            "properties.data.items.properties.task_location.required",
            ["list_id", "folder_id", "space_id"],
            "names only with include_location_names=true (docs/clickup-api.md §6)",
        ),
    ],
    "getsingulartimeentry.json": [
        (
            "properties.data.required",
            ["id", "wid", "user", "billable", "start", "duration", "description", "tags",
             "source", "at"],
            TIME_ENTRY_OPTIONAL,
        ),
    ],
    "gettaskcomments.json": [
        (
            "properties.comments.items.properties.assignee",
            {"type": ["object", "null"]},
            "unassigned comments have assignee null (docs/clickup-api.md §7)",
        ),
        (
            "properties.comments.items.properties.assigned_by",
            {"type": ["object", "null"]},
            "unassigned comments have assigned_by null (docs/clickup-api.md §7)",
        ),
    ],
    "gettasktemplates.json": [
        (
            "properties.templates.items",
            {"type": "object", "required": ["id", "name"]},
            "item shape UNCONFIRMED (docs/clickup-api.md §7); templates need an id to be a stream",
        ),
    ],
    "getbulktaskstimeinstatus.json": [
        ("required", [], "the spec requires its example's task ids as keys"),
        (
            "additionalProperties",
            "$self:properties.27075wz",
            "every key is a task id with the per-task shape",
        ),
    ],
}  # fmt: skip


def _resolve(doc: dict[str, Any], node: Any) -> Any:
    """Inline ``$ref``s, turn OpenAPI 3.0 ``nullable`` into a null type, repair ``oneOf [.., {}]``."""
    if isinstance(node, list):
        return [_resolve(doc, x) for x in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target: Any = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return _resolve(doc, target)
    out = {k: _resolve(doc, v) for k, v in node.items() if k not in ("example", "examples")}
    if any(alt == {} for alt in out.get("oneOf", [])):
        # ClickUp's specs write "X or Y or anything" as oneOf [X, Y, {}]. The empty schema matches
        # every value, so each value matches twice and oneOf can never pass: read it as anyOf X, Y.
        out["anyOf"] = [alt for alt in out.pop("oneOf") if alt != {}]
    if out.pop("nullable", False) and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    return out


def _get(schema: dict[str, Any], path: str) -> Any:
    node: Any = schema
    for key in filter(None, path.split(".")):
        node = node[key]
    return node


def _set(schema: dict[str, Any], path: str, value: Any) -> None:
    keys = [k for k in path.split(".") if k]
    if not keys:
        schema.update(value)
        return
    parent = _get(schema, ".".join(keys[:-1]))
    parent[keys[-1]] = value


def _apply(schema: dict[str, Any], overrides: list[tuple[str, Any, str]]) -> None:
    original = copy.deepcopy(schema)

    def own(ref: Any) -> Any:
        """``"$self:<path>"`` names a node of the original schema."""
        if isinstance(ref, str) and ref.startswith("$self:"):
            return copy.deepcopy(_get(original, ref.removeprefix("$self:")))
        return ref

    for path, value, _why in overrides:
        value = own(value)
        if isinstance(value, dict) and "items" in value:
            value = {**value, "items": own(value["items"])}
        _set(schema, path, copy.deepcopy(value))


@cache
def response_schema(filename: str) -> dict[str, Any]:
    """The resolved, overridden 200-response schema of the one operation in ``filename``."""
    doc = json.loads(definition_path(filename).read_text())
    ops = [
        op
        for item in doc["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "responses" in op
    ]
    raw = ops[0]["responses"]["200"]["content"]["application/json"]["schema"]
    schema = _resolve(doc, raw)
    _apply(schema, OVERRIDES.get(filename, []))
    if filename == "getfolders.json":
        _apply(schema["properties"]["folders"]["items"], OVERRIDES["getfolders.json#item"])
    return schema


def validate(filename: str, body: Any) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``body`` fits the (overridden) schema."""
    Draft202012Validator(response_schema(filename)).validate(body)


def _shape(template: str) -> str:
    """``/v2/team/{team_Id}/task`` and ``/team/{team_id}/task`` -> ``/team/{}/task``."""
    return re.sub(r"\{\w+\}", "{}", template.removeprefix("/v2"))


@cache
def _operations() -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    paths = sorted(OPENAPI.glob("*.json"))
    if not paths:
        raise MissingDefinitionError(
            f"no ClickUp OpenAPI definitions in {OPENAPI}: the tests validate the sandbox against "
            "them (vendor/clickup-openapi/README.md); restore the folder or unset CLICKUP_OPENAPI_DIR"
        )
    for path in paths:
        for template, item in json.loads(path.read_text())["paths"].items():
            for method in item:
                if method in {"get", "post", "put", "delete"}:
                    found.setdefault((method.upper(), _shape(template)), path.name)
    return found


def openapi_file_for(method: str, template: str) -> str | None:
    """The OpenAPI file that describes ``method`` on a route template, or None."""
    return _operations().get((method.upper(), _shape(template)))
