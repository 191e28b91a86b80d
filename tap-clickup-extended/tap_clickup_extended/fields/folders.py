"""The fields of ``folders`` (see ``tap_clickup_extended.fields``)."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_clickup_extended.conversions import id_str, to_int
from tap_clickup_extended.fields.model import Field, StreamFields

FIELDS = StreamFields(
    stream="folders",
    description="Folders of each space.",
    fields=(
        Field(
            "id",
            th.StringType,
            source="id",
            convert=id_str,
            required=True,
            staging_name="folder_id",
            tests=("not_null",),
            current_tests=("unique",),
        ),
        Field("team_id", th.StringType),
        Field("space_id", th.StringType),
        Field("name", th.StringType, source="name", staging_name="folder_name"),
        Field("orderindex", th.IntegerType, source="orderindex", convert=to_int),
        Field("hidden", th.BooleanType, source="hidden", staging_name="is_hidden"),
        Field(
            "archived", th.BooleanType, source="archived", convert=bool, staging_name="is_archived"
        ),
        Field("task_count", th.IntegerType, source="task_count", convert=to_int),
        Field(
            "override_statuses",
            th.BooleanType,
            source="override_statuses",
            staging_name="has_override_statuses",
        ),
    ),
)
