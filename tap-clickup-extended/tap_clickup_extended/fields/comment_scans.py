"""The fields of ``comment_scans`` (see ``tap_clickup_extended.fields``)."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_clickup_extended.fields.model import Field, StreamFields

FIELDS = StreamFields(
    stream="comment_scans",
    description="One record per complete read of a task's comments.",
    fields=(
        Field(
            "task_id",
            th.StringType,
            required=True,
            description="`task_id` of the stream (text): the task whose comments were read.",
            tests=("not_null",),
            current_tests=("unique",),
        ),
        Field("team_id", th.StringType),
        Field(
            "scanned_at",
            th.DateTimeType,
            description="`scanned_at` of the stream (timestamptz): when the read's last page arrived.",
            tests=("not_null",),
        ),
        Field(
            "comment_ids",
            th.ArrayType(th.StringType),
            description="`comment_ids` of the stream (jsonb): every comment id the read returned (an array of strings).",
            tests=("not_null",),
        ),
        Field(
            "comment_count",
            th.IntegerType,
            description="`comment_count` of the stream (bigint): how many comments the read returned.",
        ),
    ),
    history_description="Every stored version of `comment_scans` (renames and casts only); empty until the stream (not selected by default) is loaded. One record per complete read of a task's comments.",
    current_description="Current `comment_scans` (renames and casts only): each task's latest complete read of its comments; empty until the stream (not selected by default) is loaded.",
)
