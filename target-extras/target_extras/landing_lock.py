"""One live load per landing schema: a session-level PostgreSQL advisory lock for the whole run.

The lock lives on a connection of its own (not pooled), named ``target-extras run <run_id>``
in ``pg_stat_activity``; it is released when the run closes that connection and dies with the
session when the process dies (SIGKILL, OOM), so a crashed run never blocks the next one. A
second run waits up to ``lock_timeout_seconds``, then stops with one line naming the holder.

With ``lock_scope`` set (a workspace id, for parallel per-workspace jobs that each read one
workspace into the same schema), a run holds the schema's lock *shared* and the lock of its
scope exclusive: runs of different scopes load at once, two runs of one scope do not, and a
run without a scope excludes them all.

A session lock also ends with a database restart: after a reconnect the target takes it again
(:meth:`LandingLock.ensure`), waiting the same bound if another run took it meanwhile.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import typing as t

import psycopg
from psycopg import sql

from target_extras.errors import ExtrasError

if t.TYPE_CHECKING:
    import uuid

    import sqlalchemy as sa

logger = logging.getLogger("target-extras")
POLL_SECONDS = 0.5
APPLICATION_PREFIX = "target-extras run "


class LandingLockTimeoutError(ExtrasError):
    """Another run held the landing schema's lock for longer than ``lock_timeout_seconds``."""


def lock_name(schema: str, scope: str | None = None) -> str:
    """The text whose 64-bit hash is the advisory lock key of a landing schema (or scope)."""
    name = f"target-extras landing schema {schema}"
    return name if scope is None else f"{name} scope {scope}"


class LandingLock:
    """The advisory lock of one landing schema, held by this run."""

    def __init__(
        self,
        url: sa.URL,
        schema: str,
        run_id: uuid.UUID,
        timeout_seconds: float,
        scope: str | None = None,
    ) -> None:
        """Prepare (nothing is connected until :meth:`acquire`)."""
        self.scope = scope
        self._conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.schema = schema
        self.run_id = run_id
        self.timeout_seconds = timeout_seconds
        self._conn: psycopg.Connection | None = None
        self._mutex = threading.Lock()

    def _connect(self) -> psycopg.Connection:
        return psycopg.connect(
            self._conninfo,
            autocommit=True,
            application_name=f"{APPLICATION_PREFIX}{self.run_id}",
            connect_timeout=10,
        )

    def acquire(self) -> None:
        """Take the lock, waiting up to ``timeout_seconds`` for another run to release it.

        Raises:
            LandingLockTimeoutError: One line naming the run that holds it.
        """
        with self._mutex:
            self._acquire_locked()

    def ensure(self) -> None:
        """After a reconnect: take the lock again if its session ended (a database restart)."""
        with self._mutex:
            if self._conn is not None and not self._conn.closed:
                try:
                    self._conn.execute("select 1")
                    return
                except psycopg.OperationalError:
                    pass
            self.release_locked()
            self._acquire_locked()
            logger.warning("landing lock of schema %s was lost with its session; taken again.",
                           self.schema)  # fmt: skip

    def _acquire_locked(self) -> None:
        conn = self._conn = self._connect()
        started = time.monotonic()
        announced = False
        while True:
            if self._try_lock(conn):
                if announced:
                    logger.info("took the landing lock of schema %s after %.1fs.", self.schema,
                                time.monotonic() - started)  # fmt: skip
                return
            waited = time.monotonic() - started
            if waited >= self.timeout_seconds:
                holder = describe_holder(conn, self.schema, self.scope)
                self.release_locked()
                msg = (
                    f"schema '{self.schema}' is being loaded by another target-extras run "
                    f"({holder}); waited {waited:.0f}s (lock_timeout_seconds "
                    f"{self.timeout_seconds:g}). Two loads into one schema at once are refused: "
                    "rerun when that run has finished (a run that died releases the lock with "
                    "its database session)."
                )
                raise LandingLockTimeoutError(msg)
            if not announced:
                announced = True
                logger.info("schema %s is being loaded by another run (%s); waiting up to %gs "
                            "(lock_timeout_seconds).", self.schema, describe_holder(conn, self.schema, self.scope),
                            self.timeout_seconds)  # fmt: skip
            time.sleep(min(POLL_SECONDS, max(self.timeout_seconds - waited, 0.01)))

    def _try_lock(self, conn: psycopg.Connection) -> bool:
        """One attempt: the schema lock (shared when scoped), then the scope's lock."""
        schema_key = lock_name(self.schema)
        if self.scope is None:
            row = conn.execute("select pg_try_advisory_lock(hashtextextended(%s, 0))",
                               (schema_key,)).fetchone()  # fmt: skip
            return bool(row and row[0])
        row = conn.execute(
            "select pg_try_advisory_lock_shared(hashtextextended(%s, 0))", (schema_key,)
        ).fetchone()
        if not (row and row[0]):
            return False
        row = conn.execute(
            "select pg_try_advisory_lock(hashtextextended(%s, 0))",
            (lock_name(self.schema, self.scope),),
        ).fetchone()
        if row and row[0]:
            return True
        conn.execute("select pg_advisory_unlock_shared(hashtextextended(%s, 0))", (schema_key,))
        return False

    def release(self) -> None:
        """Release the lock (close its connection)."""
        with self._mutex:
            self.release_locked()

    def release_locked(self) -> None:
        """Close the lock's connection (the caller holds the mutex)."""
        conn, self._conn = self._conn, None
        if conn is not None and not conn.closed:
            with contextlib.suppress(psycopg.Error):
                conn.close()


def describe_holder(conn: psycopg.Connection, schema: str, scope: str | None = None) -> str:
    """Who holds the lock in the way: run id and start from the run log, backend pid, client.

    A scoped run is blocked by the holder of its scope or by a run without a scope (the
    exclusive holder of the schema lock); an unscoped run by any holder of the schema lock.
    """
    keys = [lock_name(schema)] if scope is None else [lock_name(schema, scope), lock_name(schema)]
    row = conn.execute(
        """
        select a.pid, a.application_name, a.backend_start, a.client_addr::text
        from pg_locks as l join pg_stat_activity as a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted and l.objsubid = 1
          and l.database = (select oid from pg_database where datname = current_database())
          and ((l.classid::text::bigint << 32) | l.objid::text::bigint)
              = any(select hashtextextended(k, 0) from unnest(%s::text[]) as k)
          and (%s or l.mode = 'ExclusiveLock')
          and l.pid <> pg_backend_pid()
        order by l.mode = 'ExclusiveLock' desc
        limit 1
        """,
        (keys, scope is None),
    ).fetchone()
    if row is None:
        return "holder not visible in pg_stat_activity"
    pid, application, backend_start, client = row
    parts = []
    if application and application.startswith(APPLICATION_PREFIX):
        run_id = application[len(APPLICATION_PREFIX) :]
        parts.append(f"run_id {run_id}")
        started = _run_started_at(conn, schema, run_id)
        if started:
            parts.append(f"started_at {started}")
    parts.append(f"PostgreSQL backend pid {pid}")
    parts.append(f"application_name '{application}'")
    parts.append(f"connected since {backend_start:%Y-%m-%d %H:%M:%S %Z}".strip())
    if client:
        parts.append(f"client {client}")
    return ", ".join(parts)


def _run_started_at(conn: psycopg.Connection, schema: str, run_id: str) -> str | None:
    try:
        row = conn.execute(
            sql.SQL("select started_at::text from {} where run_id::text = %s").format(
                sql.Identifier(schema, "_extras_runs")
            ),
            (run_id,),
        ).fetchone()
    except psycopg.errors.UndefinedTable:
        return None
    return row[0] if row else None
