"""The fields of ``folders`` (see ``tap_clickup_extended.fields``)."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_clickup_extended.fields.model import Field, StreamFields

FIELDS = StreamFields(
    stream="folders",
    description="Folders of each space.",
    fields=(
        Field(
            "id",
            th.StringType,
            required=True,
            staging_name="folder_id",
            tests=("not_null",),
            current_tests=("unique",),
        ),
        Field("team_id", th.StringType),
        Field("space_id", th.StringType),
        Field("name", th.StringType, staging_name="folder_name"),
        Field("orderindex", th.IntegerType),
        Field("hidden", th.BooleanType, staging_name="is_hidden"),
        Field("archived", th.BooleanType, staging_name="is_archived"),
        Field("task_count", th.IntegerType),
        Field("override_statuses", th.BooleanType, staging_name="has_override_statuses"),
    ),
)
