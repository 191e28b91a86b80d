"""The fields of ``time_entry_scans`` (see ``tap_clickup_extended.fields``)."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_clickup_extended.fields.model import Field, StreamFields

FIELDS = StreamFields(
    stream="time_entry_scans",
    description="One record per scanned time-entry window, listing every entry id the API returned.",
    fields=(
        Field("team_id", th.StringType, required=True, tests=("not_null",)),
        Field(
            "window_start",
            th.DateTimeType,
            required=True,
            staging_name="window_start_at",
            tests=("not_null",),
        ),
        Field("window_end", th.DateTimeType, staging_name="window_end_at"),
        Field("scanned_at", th.DateTimeType),
        Field("entry_ids", th.ArrayType(th.StringType)),
        Field("entry_count", th.IntegerType),
        Field(
            "assignee_ids",
            th.ArrayType(th.IntegerType),
            description="`assignee_ids` of the stream (jsonb): the member ids the scan asked for; null in scans landed before the tap recorded them (those asked for every member of their time).",
        ),
    ),
    unique_combination=("team_id", "window_start_at"),
    history_xmin="The transaction that wrote the version (the landing table's xmin system column): fct_time_entries finds what is new by transaction below a build horizon, not by `_extras_loaded_at`, which concurrent loads commit out of order (macros/build_horizon.sql).",
)
