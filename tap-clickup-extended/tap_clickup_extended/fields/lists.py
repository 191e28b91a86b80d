"""The fields of ``lists`` (see ``tap_clickup_extended.fields``)."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_clickup_extended.fields.model import Field, StreamFields

FIELDS = StreamFields(
    stream="lists",
    description="Lists, folderless and archived ones included.",
    fields=(
        Field(
            "id",
            th.StringType,
            required=True,
            staging_name="list_id",
            tests=("not_null",),
            current_tests=("unique",),
        ),
        Field("team_id", th.StringType),
        Field("space_id", th.StringType),
        Field("folder_id", th.StringType),
        Field("folderless", th.BooleanType, staging_name="is_folderless"),
        Field("name", th.StringType, staging_name="list_name"),
        Field("orderindex", th.IntegerType),
        Field("archived", th.BooleanType, staging_name="is_archived"),
        Field("task_count", th.IntegerType),
        Field("due_date", th.DateTimeType, staging_name="due_at"),
        Field("start_date", th.DateTimeType, staging_name="start_at"),
    ),
)
