"""The fields of ``tasks`` (see ``tap_clickup_extended.fields``)."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_clickup_extended.fields.model import Field, StreamFields

FIELDS = StreamFields(
    stream="tasks",
    description="Tasks (core columns), incremental on date_updated.",
    fields=(
        Field(
            "id",
            th.StringType,
            required=True,
            staging_name="task_id",
            tests=("not_null",),
            current_tests=("unique",),
        ),
        Field("custom_id", th.StringType, staging_name="custom_task_id"),
        Field("team_id", th.StringType),
        Field("name", th.StringType, staging_name="task_name"),
        Field("status", th.StringType),
        Field("status_type", th.StringType),
        Field("status_color", th.StringType),
        Field("orderindex", th.StringType),
        Field("archived", th.BooleanType, staging_name="is_archived"),
        Field("parent", th.StringType, staging_name="parent_task_id", group="ids"),
        Field(
            "top_level_parent", th.StringType, staging_name="top_level_parent_task_id", group="ids"
        ),
        Field("list_id", th.StringType),
        Field("folder_id", th.StringType),
        Field("space_id", th.StringType),
        Field("creator_id", th.IntegerType, staging_name="creator_user_id"),
        Field("assignee_ids", th.ArrayType(th.IntegerType)),
        Field("watcher_ids", th.ArrayType(th.IntegerType)),
        Field("tags", th.ArrayType(th.StringType)),
        Field("priority", th.StringType),
        Field("points", th.NumberType),
        Field("time_estimate_ms", th.IntegerType),
        Field("time_spent_ms", th.IntegerType),
        Field("date_created", th.DateTimeType, staging_name="created_at"),
        Field("date_updated", th.DateTimeType, staging_name="updated_at"),
        Field("date_closed", th.DateTimeType, staging_name="closed_at"),
        Field("date_done", th.DateTimeType, staging_name="done_at"),
        Field("due_date", th.DateTimeType, staging_name="due_at"),
        Field("start_date", th.DateTimeType, staging_name="start_at"),
        Field("url", th.StringType, staging_name="task_url"),
        # Which (task, field) value rows still belong to the task: a move to another
        # list can take fields away, and the values stream cannot say "no longer here".
        Field(
            "custom_field_ids",
            th.ArrayType(th.StringType),
            description="`custom_field_ids` of the stream (jsonb): the fields on the task payload, i.e. the value rows that still belong to the task.",
        ),
        # Which task_relationships rows of this task still hold (``kind:related_id``,
        # plus ``:field_id`` for relationship fields); see relationships.py.
        Field(
            "relationship_keys",
            th.ArrayType(th.StringType),
            description="`relationship_keys` of the stream (jsonb array of `kind:related_task_id`, `custom_field:related_task_id:field_id` for fields): the task's `task_relationships` rows that still hold (data-contracts §1).",
        ),
    ),
    history_xmin="The transaction that wrote the version (the landing table's xmin system column): fct_daily_task_snapshots finds what is new by transaction below a build horizon, not by `_extras_loaded_at`, which concurrent loads commit out of order (macros/build_horizon.sql).",
)
