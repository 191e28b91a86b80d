"""Relationships between tasks, derived from the task payloads the ``tasks`` stream hands over."""

from __future__ import annotations

from collections.abc import Iterable

from singer_sdk import typing as th
from singer_sdk.helpers.types import Context

from tap_clickup_extended.schema import build_schema, iso_property
from tap_clickup_extended.streams.task_streams import TaskPayloadStream


class TaskRelationshipsStream(TaskPayloadStream):
    """Dependencies both ways, links, parent/subtask and relationship fields: no request.

    Which rows still hold is told by ``tasks.relationship_keys`` (see relationships.py and
    docs/data-contracts.md §1): a row of ``task_id`` holds while the task's current
    ``relationship_keys`` lists it; a ``subtask`` row holds while the subtask's ``parent``
    is still ``task_id``.
    """

    name = "task_relationships"
    primary_keys = ("task_id", "related_task_id", "kind", "field_id")
    schema = build_schema(
        th.PropertiesList(
            th.Property("task_id", th.StringType, required=True),
            th.Property("related_task_id", th.StringType, required=True),
            th.Property(
                "kind",
                th.StringType,
                required=True,
                allowed_values=[
                    "waiting_on",
                    "blocking",
                    "linked",
                    "parent",
                    "subtask",
                    "custom_field",
                ],
            ),
            th.Property("field_id", th.StringType, required=True),
            th.Property("team_id", th.StringType),
            iso_property("date_created"),
            th.Property("user_id", th.IntegerType),
            th.Property("link_id", th.StringType),
            th.Property("dependency_type", th.IntegerType),
        )
    )

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """The rows computed from each payload of the batch (once per key in the batch)."""
        seen: set[tuple[str, str, str, str]] = set()
        for task in self.batch(context):
            for row in task["relationships"]:
                key = (row["task_id"], row["related_task_id"], row["kind"], row["field_id"])
                if key not in seen:
                    seen.add(key)
                    yield dict(row)
