"""The fields of ``spaces`` (see ``tap_clickup_extended.fields``)."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_clickup_extended.conversions import id_str
from tap_clickup_extended.fields.model import Field, StreamFields

FIELDS = StreamFields(
    stream="spaces",
    description="Spaces of each workspace.",
    fields=(
        Field(
            "id",
            th.StringType,
            source="id",
            convert=id_str,
            required=True,
            staging_name="space_id",
            tests=("not_null",),
            current_tests=("unique",),
        ),
        Field("team_id", th.StringType),
        Field("name", th.StringType, source="name", staging_name="space_name"),
        Field("private", th.BooleanType, source="private", staging_name="is_private"),
        Field(
            "archived", th.BooleanType, source="archived", convert=bool, staging_name="is_archived"
        ),
        Field("color", th.StringType, source="color", staging_name="space_color"),
        Field("statuses", th.ArrayType(th.ObjectType()), source="statuses"),
        Field(
            "multiple_assignees",
            th.BooleanType,
            source="multiple_assignees",
            staging_name="has_multiple_assignees",
        ),
    ),
)
