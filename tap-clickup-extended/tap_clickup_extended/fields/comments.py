"""The fields of ``comments`` (see ``tap_clickup_extended.fields``)."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_clickup_extended.fields.model import Field, StreamFields

FIELDS = StreamFields(
    stream="comments",
    description="Comments of changed tasks with assignee and resolved flag.",
    fields=(
        Field(
            "id",
            th.StringType,
            required=True,
            staging_name="comment_id",
            description="`id` of the stream (text): the comment id.",
            tests=("not_null",),
            current_tests=("unique",),
        ),
        Field(
            "task_id",
            th.StringType,
            description="`task_id` of the stream (text): the task commented on.",
            tests=("not_null",),
        ),
        Field("team_id", th.StringType),
        Field("comment_text", th.StringType),
        Field(
            "user_id",
            th.IntegerType,
            staging_name="author_user_id",
            description="`user_id` of the stream (bigint): who wrote the comment.",
        ),
        Field(
            "date",
            th.DateTimeType,
            staging_name="commented_at",
            description="`date` of the stream (timestamptz): when the comment was posted.",
        ),
        Field("resolved", th.BooleanType, staging_name="is_resolved"),
        Field(
            "assignee_id",
            th.IntegerType,
            staging_name="assignee_user_id",
            description="`assignee_id` of the stream (bigint): who the comment is assigned to; null when unassigned.",
        ),
        Field(
            "assigned_by_id",
            th.IntegerType,
            staging_name="assigned_by_user_id",
            description="`assigned_by_id` of the stream (bigint): who assigned it.",
        ),
        Field("reply_count", th.IntegerType),
    ),
    history_description="Every stored version of `comments` (renames and casts only); empty until the stream (not selected by default) is loaded. Comments of changed tasks with assignee and resolved flag.",
    current_description="Current `comments` (renames and casts only); empty until the stream (not selected by default) is loaded. Comments of changed tasks with assignee and resolved flag.",
)
