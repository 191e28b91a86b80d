"""Relationships between tasks, derived from the task payloads the ``tasks`` stream hands over."""

from __future__ import annotations

from collections.abc import Iterable

from singer_sdk.helpers.types import Context

from tap_clickup_extended.fields.task_relationships import FIELDS as TASK_RELATIONSHIPS_FIELDS
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
    schema = TASK_RELATIONSHIPS_FIELDS.schema()

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """The rows computed from each payload of the batch (once per key in the batch)."""
        seen: set[tuple[str, str, str, str]] = set()
        for task in self.batch(context):
            for row in task["relationships"]:
                key = (row["task_id"], row["related_task_id"], row["kind"], row["field_id"])
                if key not in seen:
                    seen.add(key)
                    yield dict(row)
