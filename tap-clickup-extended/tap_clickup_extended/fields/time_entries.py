"""The fields of ``time_entries`` (see ``tap_clickup_extended.fields``)."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_clickup_extended.fields.model import Field, StreamFields

FIELDS = StreamFields(
    stream="time_entries",
    description="Time entries over the lookback window.",
    fields=(
        Field(
            "id",
            th.StringType,
            required=True,
            staging_name="time_entry_id",
            tests=("not_null",),
            current_tests=("unique",),
        ),
        Field("team_id", th.StringType),
        Field("user_id", th.IntegerType),
        Field("user_email", th.StringType),
        Field("task_id", th.StringType),
        Field("start", th.DateTimeType, staging_name="started_at"),
        Field("end", th.DateTimeType, staging_name="ended_at"),
        Field("duration_ms", th.IntegerType),
        Field("is_running", th.BooleanType),
        Field("billable", th.BooleanType, staging_name="is_billable"),
        Field("description", th.StringType),
        Field("tags", th.ArrayType(th.StringType)),
        Field("source", th.StringType, staging_name="entry_source"),
        Field("at", th.DateTimeType, staging_name="entry_updated_at"),
        Field("list_id", th.StringType),
        Field("folder_id", th.StringType),
        Field("space_id", th.StringType),
    ),
    history_xmin="The transaction that wrote the version (the landing table's xmin system column): fct_time_entries finds what is new by transaction below a build horizon, not by `_extras_loaded_at`, which concurrent loads commit out of order (macros/build_horizon.sql).",
)
