"""The fields of ``task_templates`` (see ``tap_clickup_extended.fields``)."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_clickup_extended.fields.model import Field, StreamFields

FIELDS = StreamFields(
    stream="task_templates",
    description="Task templates of each workspace.",
    fields=(
        Field(
            "id",
            th.StringType,
            required=True,
            staging_name="task_template_id",
            tests=("not_null",),
            current_tests=("unique",),
        ),
        Field("team_id", th.StringType),
        Field("name", th.StringType, source="name", staging_name="task_template_name"),
    ),
)
