"""What landed in ``clickup_extras``, keyed, against the sandbox's ground truth.

Lost and unexpected keys are read from the ``<stream>__current`` views (what dbt sees); doubled
keys from the history tables: a record sent again unchanged must not add a version, so with no
change in the sandbox every key has exactly one row there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import psycopg

from tests.chaos.expected_children import expected_task_records

#: The landing views compared, with the columns of their keys.
KEY_COLUMNS = {
    "tasks": ("id",),
    "task_custom_field_values": ("task_id", "field_id"),
    "task_relationships": ("task_id", "related_task_id", "kind", "coalesce(field_id, '')"),
    "task_status_history": ("task_id", "status"),
}


@dataclass
class StreamComparison:
    """One stream's landed keys against the expected ones."""

    stream: str
    expected: int
    #: Expected keys missing from the ``__current`` view.
    lost: int
    #: Keys with more than one version in the history table.
    doubled: int
    #: Keys in the ``__current`` view the sandbox does not have.
    unexpected: int
    #: Tasks whose payload implies rows of this stream, none of which landed.
    tasks_without_rows: int

    def line(self) -> str:
        """One line for a test's failure message or a report."""
        return (
            f"{self.stream}: {self.lost} of {self.expected} lost, {self.doubled} doubled, "
            f"{self.unexpected} unexpected, {self.tasks_without_rows} tasks without any"
        )


def landed_keys(database_url: str, stream: str, relation: str) -> Counter[tuple]:
    """Rows per key of ``clickup_extras.<relation>`` (absent relation: none)."""
    columns = KEY_COLUMNS[stream]
    positions = ", ".join(str(n) for n in range(1, len(columns) + 1))
    query = (
        f"select {', '.join(columns)}, count(*) from clickup_extras.{relation} group by {positions}"
    )
    with psycopg.connect(database_url) as connection:
        exists = connection.execute(
            "select to_regclass(%s) is not null", (f"clickup_extras.{relation}",)
        ).fetchone()
        if not exists or not exists[0]:
            return Counter()
        return Counter({tuple(row[:-1]): int(row[-1]) for row in connection.execute(query)})


def compare_with_export(database_url: str, export: dict[str, Any]) -> list[StreamComparison]:
    """Lost, doubled and unexpected keys of every compared stream."""
    per_task = expected_task_records(export, comments=False)
    results = []
    for stream in KEY_COLUMNS:
        expected = {key for streams in per_task.values() for key in streams[stream]}
        landed = landed_keys(database_url, stream, f"{stream}__current")
        versions = landed_keys(database_url, stream, stream)
        without = sum(
            1
            for streams in per_task.values()
            if streams[stream] and not streams[stream] & landed.keys()
        )
        results.append(
            StreamComparison(
                stream=stream,
                expected=len(expected),
                lost=len(expected - landed.keys()),
                doubled=sum(1 for count in versions.values() if count > 1),
                unexpected=len(landed.keys() - expected),
                tasks_without_rows=without,
            )
        )
    return results
