"""The fields of ``workspaces`` (see ``tap_clickup_extended.fields``)."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_clickup_extended.fields.model import Field, StreamFields

FIELDS = StreamFields(
    stream="workspaces",
    description="ClickUp workspaces (the API calls them teams).",
    fields=(
        Field(
            "id",
            th.StringType,
            required=True,
            staging_name="team_id",
            tests=("not_null",),
            current_tests=("unique",),
        ),
        # The same id again, so every full-table stream carries team_id: the target scopes
        # ACTIVATE_VERSION deletions to the workspaces a run read (data-contracts §2).
        Field("team_id", th.StringType, staged=False),
        Field("name", th.StringType, staging_name="workspace_name"),
        Field("color", th.StringType, staging_name="workspace_color"),
        Field("avatar", th.StringType, staging_name="avatar_url"),
        Field("member_count", th.IntegerType),
    ),
)
