"""The fields of ``members`` (see ``tap_clickup_extended.fields``)."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_clickup_extended.fields.model import Field, StreamFields

FIELDS = StreamFields(
    stream="members",
    description="Workspace members; one per (team_id, user_id).",
    fields=(
        Field("team_id", th.StringType, required=True, tests=("not_null",)),
        Field("user_id", th.IntegerType, required=True, tests=("not_null",)),
        Field("username", th.StringType),
        Field("email", th.StringType),
        Field("initials", th.StringType),
        Field("color", th.StringType, staging_name="user_color"),
        Field("role", th.IntegerType, staging_name="role_code"),
        Field("date_joined", th.DateTimeType, staging_name="joined_at"),
        Field("date_invited", th.DateTimeType, staging_name="invited_at"),
        Field("last_active", th.DateTimeType, volatile=True, staging_name="last_active_at"),
    ),
    unique_combination=("team_id", "user_id"),
    history_xmin="The transaction that wrote the version (the landing table's xmin system column): fct_time_entries finds what is new by transaction below a build horizon, not by `_extras_loaded_at`, which concurrent loads commit out of order (macros/build_horizon.sql).",
)
