"""The fields of ``task_relationships`` (see ``tap_clickup_extended.fields``)."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_clickup_extended.fields.model import Field, StreamFields

FIELDS = StreamFields(
    stream="task_relationships",
    description="Task relationships: dependencies, links, parent and relationship-type custom fields; one per (task_id, related_task_id, kind, field_id).",
    fields=(
        Field("task_id", th.StringType, required=True, tests=("not_null",)),
        Field("related_task_id", th.StringType, required=True, tests=("not_null",)),
        Field(
            "kind",
            th.StringType,
            required=True,
            allowed_values=(
                "waiting_on",
                "blocking",
                "linked",
                "parent",
                "subtask",
                "custom_field",
            ),
            group="ids",
            tests=("not_null",),
        ),
        Field("field_id", th.StringType, required=True, tests=("not_null",)),
        Field("team_id", th.StringType),
        Field("date_created", th.DateTimeType, staging_name="created_at"),
        Field("user_id", th.IntegerType),
        Field("link_id", th.StringType),
        Field("dependency_type", th.IntegerType),
    ),
    unique_combination=("task_id", "related_task_id", "kind", "field_id"),
)
