"""The run log ``<schema>._extras_runs``: one row per target run.

The row is inserted when the run starts, updated each time a STATE message is about to be
emitted (so ``last_state`` is always a state whose records are committed) and closed with
``succeeded`` or ``failed`` at the end.
"""

from __future__ import annotations

import typing as t
import uuid

from psycopg import sql
from psycopg.types.json import Jsonb

if t.TYPE_CHECKING:
    from target_extras.connector import ExtrasConnector

RUNS_TABLE = "_extras_runs"


class RunLog:
    """Writes this run's row in the run log table."""

    def __init__(self, connector: ExtrasConnector, schema: str) -> None:
        """Prepare a run with a fresh ``run_id``."""
        self.connector = connector
        self.schema = schema
        self.run_id = uuid.uuid4()
        self._table = sql.Identifier(schema, RUNS_TABLE)

    def start(self) -> None:
        """Create the table if needed and insert this run as ``running``."""
        with self.connector.transaction() as pg:
            pg.execute(
                sql.SQL(
                    "create table if not exists {} ("
                    "run_id uuid primary key, started_at timestamptz not null, "
                    "finished_at timestamptz, streams jsonb not null default '{{}}', "
                    "last_state jsonb, status text not null, error text)"
                ).format(self._table)
            )
            pg.execute(
                sql.SQL(
                    "insert into {} (run_id, started_at, status) values (%s, now(), 'running')"
                ).format(self._table),
                (self.run_id,),
            )

    def record_progress(self, streams: dict[str, t.Any], state: dict[str, t.Any] | None) -> None:
        """Store the per-stream counters and the state about to be emitted."""
        with self.connector.transaction() as pg:
            pg.execute(
                sql.SQL(
                    "update {} set streams = %s, last_state = coalesce(%s, last_state) "
                    "where run_id = %s"
                ).format(self._table),
                (Jsonb(streams), Jsonb(state) if state is not None else None, self.run_id),
            )

    def finish(self, streams: dict[str, t.Any], *, error: str | None = None) -> None:
        """Close the run as ``succeeded``, or ``failed`` with the error message."""
        with self.connector.transaction() as pg:
            pg.execute(
                sql.SQL(
                    "update {} set finished_at = now(), streams = %s, status = %s, error = %s "
                    "where run_id = %s"
                ).format(self._table),
                (Jsonb(streams), "failed" if error else "succeeded", error, self.run_id),
            )
