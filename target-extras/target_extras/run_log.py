"""The run log ``<schema>._extras_runs``: one row per target run.

The row is inserted when the run starts (once it holds the landing lock, see
:mod:`target_extras.landing_lock`), updated each time a STATE message is about to be emitted
(so ``last_state`` is always a state whose records are committed) and closed at the end.
Statuses:

- ``running``: the run is loading (or its process died without closing the row);
- ``succeeded``: the input ended after the tap's end-of-sync marker (when required) and
  everything it sent is committed;
- ``failed``: the run stopped with the error in ``error`` (committed rows and the states
  emitted for them stay valid);
- ``abandoned``: the row was ``running`` when a later run took the landing lock, so its
  process had died (SIGKILL, OOM, a host lost, a database that never came back); ``error``
  says so. Its ``last_state`` is still a state whose records are committed. A run with a
  ``lock_scope`` only abandons rows of its scope and rows without one.

Every write is idempotent, so it can be retried over a lost connection.
"""

from __future__ import annotations

import typing as t
import uuid

from psycopg import sql
from psycopg.types.json import Jsonb

if t.TYPE_CHECKING:
    import datetime

    import psycopg

    from target_extras.connector import ExtrasConnector

RUNS_TABLE = "_extras_runs"
RUNNING, SUCCEEDED, FAILED, ABANDONED = "running", "succeeded", "failed", "abandoned"


class RunLog:
    """Writes this run's row in the run log table."""

    def __init__(
        self, connector: ExtrasConnector, schema: str, lock_scope: str | None = None
    ) -> None:
        """Prepare a run with a fresh ``run_id``."""
        self.connector = connector
        self.schema = schema
        self.lock_scope = lock_scope
        self.run_id = uuid.uuid4()
        self._table = sql.Identifier(schema, RUNS_TABLE)

    def ensure_table(self, pg: psycopg.Connection) -> None:
        """Create the run log table if needed."""
        pg.execute(
            sql.SQL(
                "create table if not exists {} ("
                "run_id uuid primary key, started_at timestamptz not null, "
                "finished_at timestamptz, streams jsonb not null default '{{}}', "
                "last_state jsonb, status text not null, error text, lock_scope text)"
            ).format(self._table)
        )
        pg.execute(
            sql.SQL("alter table {} add column if not exists lock_scope text").format(self._table)
        )

    def start(self) -> list[tuple[uuid.UUID, datetime.datetime]]:
        """Mark rows left ``running`` as ``abandoned``, insert this run as ``running``.

        Call only while holding the landing lock: then no other run of the schema is alive.
        Returns the abandoned runs (``run_id``, ``started_at``).
        """

        def start(pg: psycopg.Connection) -> list[tuple[uuid.UUID, datetime.datetime]]:
            self.ensure_table(pg)
            abandoned = pg.execute(
                sql.SQL(
                    "update {} set status = %s, finished_at = now(), error = %s "
                    "where status = %s and run_id <> %s "
                    "and (%s::text is null or lock_scope is null or lock_scope = %s) "
                    "returning run_id, started_at"
                ).format(self._table),
                (
                    ABANDONED,
                    f"abandoned: the run's process ended without closing its row (killed, or "
                    f"the database was unreachable at its end); found by run {self.run_id}, "
                    "which holds the landing lock now. last_state covers only committed rows.",
                    RUNNING,
                    self.run_id,
                    self.lock_scope,
                    self.lock_scope,
                ),
            ).fetchall()
            pg.execute(
                sql.SQL(
                    "insert into {} (run_id, started_at, status, lock_scope) "
                    "values (%s, now(), %s, %s) on conflict (run_id) do nothing"
                ).format(self._table),
                (self.run_id, RUNNING, self.lock_scope),
            )
            return [(row[0], row[1]) for row in abandoned]

        return self.connector.in_transaction("opening the run log row", start)

    def record_progress(self, streams: dict[str, t.Any], state: dict[str, t.Any] | None) -> None:
        """Store the per-stream counters and the state about to be emitted."""
        self.connector.in_transaction(
            "recording the state in the run log",
            lambda pg: pg.execute(
                sql.SQL(
                    "update {} set streams = %s, last_state = coalesce(%s, last_state) "
                    "where run_id = %s"
                ).format(self._table),
                (Jsonb(streams), Jsonb(state) if state is not None else None, self.run_id),
            ),
        )

    def finish(
        self,
        streams: dict[str, t.Any],
        *,
        error: str | None = None,
        retry_seconds: float | None = None,
    ) -> None:
        """Close the run as ``succeeded``, or ``failed`` with the error message."""
        self.connector.in_transaction(
            "closing the run log row",
            lambda pg: pg.execute(
                sql.SQL(
                    "update {} set finished_at = now(), streams = %s, status = %s, error = %s "
                    "where run_id = %s"
                ).format(self._table),
                (Jsonb(streams), FAILED if error else SUCCEEDED, error, self.run_id),
            ),
            retry_seconds=retry_seconds,
        )
