"""What Airbyte's tables in PostgreSQL say about a sync in progress.

Three signals, each cheap to read: write locks that other sessions hold on tables in Airbyte's
schemas (a load in flight right now), the newest Airbyte timestamp in each table (rows written
within the quiet period), and PostgreSQL's per-table write counters (rows inserted, updated or
deleted, tables created or dropped since the previous check).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import psycopg
from psycopg import sql

#: Columns Airbyte's destinations and PyAirbyte's caches stamp rows with when they write them.
TIMESTAMP_COLUMNS = ("_airbyte_extracted_at", "_airbyte_loaded_at", "_airbyte_emitted_at")
#: PyAirbyte's state tables carry a ``last_updated`` column instead.
STATE_TABLE_PREFIX = "_airbyte_"
WRITE_LOCKS = ("RowExclusiveLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock")


@dataclass
class TableActivity:
    """One look at Airbyte's schemas: the reasons to think a sync is running (empty: idle)."""

    reasons: list[str] = field(default_factory=list)
    write_counter: tuple[int, int] | None = None  # (rows written, tables) for the next look
    tables_seen: int = 0


def _timestamp_columns(
    connection: psycopg.Connection, schemas: tuple[str, ...]
) -> list[tuple[str, str, str]]:
    """Airbyte's timestamp columns, from the catalog (information_schema would hide tables the
    guard's user may not read, and the guard would call a busy Airbyte idle)."""
    rows = connection.execute(
        """
        select n.nspname, c.relname, a.attname
        from pg_catalog.pg_attribute as a
        join pg_catalog.pg_class as c on c.oid = a.attrelid
        join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = any(%(schemas)s)
          and c.relkind in ('r', 'p')
          and a.attnum > 0
          and not a.attisdropped
          and (
            a.attname = any(%(columns)s)
            or (a.attname = 'last_updated' and c.relname like %(state_prefix)s)
          )
        order by 1, 2, 3
        """,
        {
            "schemas": list(schemas),
            "columns": list(TIMESTAMP_COLUMNS),
            "state_prefix": STATE_TABLE_PREFIX.replace("_", r"\_") + "%",
        },
    ).fetchall()
    return [(str(s), str(t), str(c)) for s, t, c in rows]


def _write_locks(connection: psycopg.Connection, schemas: tuple[str, ...]) -> list[str]:
    rows = connection.execute(
        """
        select distinct n.nspname, c.relname, l.mode
        from pg_locks as l
        join pg_class as c on c.oid = l.relation
        join pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = any(%(schemas)s)
          and l.mode = any(%(modes)s)
          and l.granted
          and l.pid <> pg_backend_pid()
          and c.relkind in ('r', 'p')
        order by 1, 2
        """,
        {"schemas": list(schemas), "modes": list(WRITE_LOCKS)},
    ).fetchall()
    return [
        f"{schema}.{table}: being written by another session ({mode})"
        for schema, table, mode in rows
    ]


def _write_counter(connection: psycopg.Connection, schemas: tuple[str, ...]) -> tuple[int, int]:
    row = connection.execute(
        """
        select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0), count(*)
        from pg_stat_user_tables
        where schemaname = any(%(schemas)s)
        """,
        {"schemas": list(schemas)},
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def look(
    database_url: str,
    schemas: tuple[str, ...],
    quiet_seconds: float,
    previous_counter: tuple[int, int] | None = None,
) -> TableActivity:
    """One look at Airbyte's tables; ``previous_counter`` is the last look's write counter."""
    activity = TableActivity()
    with psycopg.connect(database_url, autocommit=True, connect_timeout=15) as connection:
        connection.execute("set statement_timeout = '60s'")
        activity.reasons.extend(_write_locks(connection, schemas))
        now = datetime.now(UTC)
        columns = _timestamp_columns(connection, schemas)
        activity.tables_seen = len({(schema, table) for schema, table, _ in columns})
        for schema, table, column in columns:
            newest = connection.execute(
                sql.SQL("select max({column}) from {table}").format(
                    column=sql.Identifier(column), table=sql.Identifier(schema, table)
                )
            ).fetchone()
            stamp = newest[0] if newest else None
            if stamp is None:
                continue
            if stamp.tzinfo is None:  # timestamp without time zone: Airbyte writes UTC
                stamp = stamp.replace(tzinfo=UTC)
            age = (now - stamp).total_seconds()
            if age < quiet_seconds:
                activity.reasons.append(
                    f"{schema}.{table}: newest {column} {max(0.0, age):.0f} s ago "
                    f"(idle after {quiet_seconds:.0f} s)"
                )
        # Stats reach pg_stat_user_tables within a second or so of each write transaction.
        connection.execute("select pg_stat_clear_snapshot()")
        activity.write_counter = _write_counter(connection, schemas)
    if previous_counter is not None and activity.write_counter != previous_counter:
        rows = activity.write_counter[0] - previous_counter[0]
        tables = activity.write_counter[1] - previous_counter[1]
        activity.reasons.append(
            f"{', '.join(schemas)}: {rows} row writes, {tables:+d} tables since the last check"
        )
    return activity
