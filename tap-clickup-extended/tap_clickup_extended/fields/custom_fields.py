"""The fields of ``custom_fields`` (see ``tap_clickup_extended.fields``)."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_clickup_extended.fields.model import Field, StreamFields

FIELDS = StreamFields(
    stream="custom_fields",
    description="Custom field definitions seen in task payloads.",
    fields=(
        Field(
            "id",
            th.StringType,
            required=True,
            staging_name="field_id",
            tests=("not_null",),
            current_tests=("unique",),
        ),
        Field("team_id", th.StringType),
        Field("name", th.StringType, staging_name="field_name"),
        Field("type", th.StringType, staging_name="field_type"),
        Field("type_config", th.ObjectType()),
        Field(
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
        Field("date_created", th.DateTimeType, staging_name="created_at"),
        Field("hide_from_guests", th.BooleanType, staging_name="is_hidden_from_guests"),
        Field("required", th.BooleanType, staging_name="is_required"),
    ),
)
