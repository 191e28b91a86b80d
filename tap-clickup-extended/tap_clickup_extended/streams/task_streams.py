"""Tasks (incremental on ``date_updated``) and what is derived from their payloads.

``custom_fields`` and ``task_custom_field_values`` are child streams of ``tasks`` that make
no request: the tasks stream hands them the custom-field entries of its payloads in
batches of up to ``CHILD_BATCH_SIZE`` tasks (one child sync per batch, not per task).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from singer_sdk import typing as th
from singer_sdk.helpers.types import Context

from tap_clickup_extended.client import ClickUpStream
from tap_clickup_extended.conversions import (
    datetime_to_ms,
    id_str,
    ms_to_iso,
    to_int,
    to_number,
)
from tap_clickup_extended.decoding.custom_field_values import decode_value, option_name
from tap_clickup_extended.schema import ANY_JSON, build_schema, iso_property
from tap_clickup_extended.streams.workspace_streams import WorkspacesStream

CHILD_BATCH_SIZE = 100
PRIORITY_NAMES = {1: "urgent", 2: "high", 3: "normal", 4: "low"}


def _ids(people: Any) -> list[int]:
    return [uid for p in people or [] if (uid := to_int((p or {}).get("id"))) is not None]


def _priority(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("priority") or value.get("id")
    level = to_int(value)
    if level is not None:
        return PRIORITY_NAMES.get(level)
    return value if isinstance(value, str) else None


class TasksStream(ClickUpStream):
    """``GET /team/{team_id}/task``: subtasks and closed tasks, archived in a second pass."""

    name = "tasks"
    parent_stream_type = WorkspacesStream
    path = "/team/{team_id}/task"
    primary_keys = ("id",)
    replication_key = "date_updated"
    # The API's sort direction is unconfirmed (FACTS.md §3): treat the stream as unsorted, so
    # the bookmark (the largest date_updated seen) is only written when the sync completes.
    is_sorted = False
    state_partitioning_keys = ["team_id"]
    emits_complete_snapshot = False
    records_key = "tasks"
    archived_passes = True
    page_size = 100
    schema = build_schema(
        th.PropertiesList(
            th.Property("id", th.StringType, required=True),
            th.Property("custom_id", th.StringType),
            th.Property("team_id", th.StringType),
            th.Property("name", th.StringType),
            th.Property("status", th.StringType),
            th.Property("status_type", th.StringType),
            th.Property("status_color", th.StringType),
            th.Property("orderindex", th.StringType),
            th.Property("archived", th.BooleanType),
            th.Property("parent", th.StringType),
            th.Property("top_level_parent", th.StringType),
            th.Property("list_id", th.StringType),
            th.Property("folder_id", th.StringType),
            th.Property("space_id", th.StringType),
            th.Property("creator_id", th.IntegerType),
            th.Property("assignee_ids", th.ArrayType(th.IntegerType)),
            th.Property("watcher_ids", th.ArrayType(th.IntegerType)),
            th.Property("tags", th.ArrayType(th.StringType)),
            th.Property("priority", th.StringType),
            th.Property("points", th.NumberType),
            th.Property("time_estimate_ms", th.IntegerType),
            th.Property("time_spent_ms", th.IntegerType),
            iso_property("date_created"),
            iso_property("date_updated"),
            iso_property("date_closed"),
            iso_property("date_done"),
            iso_property("due_date"),
            iso_property("start_date"),
            th.Property("url", th.StringType),
            # Which (task, field) value rows still belong to the task: a move to another
            # list can take fields away, and the values stream cannot say "no longer here".
            th.Property("custom_field_ids", th.ArrayType(th.StringType)),
        )
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen_task_ids: set[str] = set()
        self._flush_after_id: str | None = None
        self._pending_fields: list[dict[str, Any]] = []

    def updated_since_ms(self, context: Context | None) -> int:
        """The bookmark (or ``start_date``, or a year ago) in ms for ``date_updated_gt``."""
        start = self.get_starting_timestamp(context) or self._tap.default_start_date  # type: ignore[attr-defined]
        return datetime_to_ms(start)

    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        """Filters of FACTS.md §3; ``date_updated_gt`` is inclusive, hence the dedupe."""
        return {
            **super().get_url_params(context, next_page_token),
            "subtasks": "true",
            "include_closed": "true",
            "order_by": "updated",
            "reverse": "true",
            "date_updated_gt": self.updated_since_ms(context),
        }

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """Tasks without repeats (the bookmark task comes back); marks the last one."""
        previous: dict | None = None
        for row in super().get_records(context):
            task_id = str(row.get("id"))
            if task_id in self._seen_task_ids:
                continue
            self._seen_task_ids.add(task_id)
            if previous is not None:
                yield previous
            previous = row
        if previous is not None:
            self._flush_after_id = str(previous.get("id"))
            yield previous

    def transform_record(self, row: dict, context: Context | None) -> dict | None:
        """Contract shape; the raw custom fields are queued for the child streams."""
        status = row.get("status") or {}
        folder = row.get("folder") or {}
        record = {
            "id": id_str(row.get("id")),
            "custom_id": row.get("custom_id"),
            "team_id": id_str(row.get("team_id")) or (context or {}).get("team_id"),
            "name": row.get("name"),
            "status": status.get("status"),
            "status_type": status.get("type"),
            "status_color": status.get("color"),
            "orderindex": id_str(row.get("orderindex")),
            "archived": bool(row.get("archived")),
            "parent": id_str(row.get("parent")),
            "top_level_parent": id_str(row.get("top_level_parent")),
            "list_id": id_str((row.get("list") or {}).get("id")),
            "folder_id": None if folder.get("hidden") else id_str(folder.get("id")),
            "space_id": id_str((row.get("space") or {}).get("id")),
            "creator_id": to_int((row.get("creator") or {}).get("id")),
            "assignee_ids": _ids(row.get("assignees")),
            "watcher_ids": _ids(row.get("watchers")),
            "tags": [tag.get("name") for tag in row.get("tags") or [] if isinstance(tag, dict)],
            "priority": _priority(row.get("priority")),
            "points": to_number(row.get("points")),
            "time_estimate_ms": to_int(row.get("time_estimate")),
            "time_spent_ms": to_int(row.get("time_spent")),
            "date_created": ms_to_iso(row.get("date_created")),
            "date_updated": ms_to_iso(row.get("date_updated")),
            "date_closed": ms_to_iso(row.get("date_closed")),
            "date_done": ms_to_iso(row.get("date_done")),
            "due_date": ms_to_iso(row.get("due_date")),
            "start_date": ms_to_iso(row.get("start_date")),
            "url": row.get("url"),
            "custom_field_ids": [
                str(field["id"])
                for field in row.get("custom_fields") or []
                if isinstance(field, dict) and field.get("id")
            ],
        }
        self._pending_fields.append(
            {
                "task_id": record["id"],
                "team_id": record["team_id"],
                "date_updated": record["date_updated"],
                "custom_fields": list(row.get("custom_fields") or []),
            }
        )
        return record

    def generate_child_contexts(self, record: dict, context: Context | None) -> Iterable[dict]:
        """One child context per batch of tasks (and one for the last, partial batch)."""
        is_last = record["id"] == self._flush_after_id
        if self._pending_fields and (len(self._pending_fields) >= CHILD_BATCH_SIZE or is_last):
            batch, self._pending_fields = self._pending_fields, []
            key = f"tasks:{batch[0]['task_id']}"
            yield from self.hand_over(key, batch, team_id=record["team_id"])


class TaskPayloadStream(ClickUpStream):
    """A stream made from the task payloads its parent hands over: no HTTP."""

    parent_stream_type = TasksStream
    state_partitioning_keys: list[str] = []
    emits_complete_snapshot = False

    def task_fields(self, context: Context | None) -> Iterable[tuple[dict, dict]]:
        """``(task, custom-field entry)`` for every entry of every task of the batch."""
        for task in self.taken_over(context) or []:
            for field in task["custom_fields"]:
                if isinstance(field, dict) and field.get("id"):
                    yield task, field


class CustomFieldsStream(TaskPayloadStream):
    """Field definitions seen on this run's tasks, each emitted once per run."""

    name = "custom_fields"
    primary_keys = ("id",)
    schema = build_schema(
        th.PropertiesList(
            th.Property("id", th.StringType, required=True),
            th.Property("team_id", th.StringType),
            th.Property("name", th.StringType),
            th.Property("type", th.StringType),
            th.Property("type_config", th.ObjectType()),
            th.Property(
                "options",
                th.ArrayType(
                    th.ObjectType(
                        th.Property("id", th.StringType),
                        th.Property("name", th.StringType),
                        th.Property("color", th.StringType),
                        th.Property("orderindex", th.IntegerType),
                    )
                ),
            ),
            iso_property("date_created"),
            th.Property("hide_from_guests", th.BooleanType),
            th.Property("required", th.BooleanType),
        )
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._emitted: set[str] = set()

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """Definitions not yet emitted in this run."""
        for task, field in self.task_fields(context):
            if field["id"] not in self._emitted:
                self._emitted.add(field["id"])
                yield {**field, "team_id": task["team_id"]}

    def transform_record(self, row: dict, context: Context | None) -> dict | None:
        """Contract shape; options come from ``type_config`` (labels' ``label`` as name)."""
        type_config = row.get("type_config") or {}
        options = [
            {
                "id": id_str(option.get("id")),
                "name": option_name(option),
                "color": option.get("color"),
                "orderindex": to_int(option.get("orderindex")),
            }
            for option in type_config.get("options") or []
            if isinstance(option, dict)
        ]
        return {
            "id": str(row["id"]),
            "team_id": row.get("team_id"),
            "name": row.get("name"),
            "type": row.get("type"),
            "type_config": type_config,
            "options": options,
            "date_created": ms_to_iso(row.get("date_created")),
            "hide_from_guests": row.get("hide_from_guests"),
            "required": row.get("required"),
        }


class TaskCustomFieldValuesStream(TaskPayloadStream):
    """One record per custom field present on a task payload, set or not."""

    name = "task_custom_field_values"
    primary_keys = ("task_id", "field_id")
    schema = build_schema(
        th.PropertiesList(
            th.Property("task_id", th.StringType, required=True),
            th.Property("field_id", th.StringType, required=True),
            th.Property("team_id", th.StringType),
            th.Property("field_name", th.StringType),
            th.Property("field_type", th.StringType),
            th.Property("has_value", th.BooleanType, required=True),
            th.Property("value_text", th.StringType),
            th.Property("value_number", th.NumberType),
            th.Property("value_boolean", th.BooleanType),
            iso_property("value_datetime"),
            th.Property("value_option_ids", th.ArrayType(th.StringType)),
            th.Property("value_option_names", th.ArrayType(th.StringType)),
            th.Property("value_user_ids", th.ArrayType(th.IntegerType)),
            th.Property("value_task_ids", th.ArrayType(th.StringType)),
            th.Property("value_json", th.CustomType(ANY_JSON)),
            iso_property("task_date_updated"),
        ),
        volatile=("task_date_updated",),
    )

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """Decoded values of every field entry of the batch's tasks."""
        for task, field in self.task_fields(context):
            yield {
                "task_id": task["task_id"],
                "field_id": str(field["id"]),
                "team_id": task["team_id"],
                "field_name": field.get("name"),
                "field_type": field.get("type"),
                **decode_value(field),
                "task_date_updated": task["date_updated"],
            }
