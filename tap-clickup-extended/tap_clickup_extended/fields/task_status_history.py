"""The fields of ``task_status_history`` (see ``tap_clickup_extended.fields``)."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_clickup_extended.fields.model import Field, StreamFields

FIELDS = StreamFields(
    stream="task_status_history",
    description="Time in status per task: one row per (task_id, status).",
    fields=(
        Field("task_id", th.StringType, required=True, tests=("not_null",)),
        Field("status", th.StringType, required=True, group="ids", tests=("not_null",)),
        Field("team_id", th.StringType),
        Field("orderindex", th.IntegerType),
        Field("type", th.StringType, staging_name="status_type"),
        Field("color", th.StringType, staging_name="status_color"),
        Field("since", th.DateTimeType, staging_name="since_at"),
        Field("total_minutes", th.IntegerType, volatile=True),
        Field("is_current", th.BooleanType),
        Field("current_since", th.DateTimeType, staging_name="current_since_at"),
    ),
    unique_combination=("task_id", "status"),
)
