"""ACTIVATE_VERSION for full-table streams: keys missing from a completed version are deleted.

While a version's records load, their keys are remembered in ``<schema>._extras_version_keys``
(in the same transaction as the batch, so a crash never leaves it out of step with the data).
When ACTIVATE_VERSION arrives for a version whose records were seen, every key whose latest
version is live but absent from that version gets a new version row: a copy of its latest data
with ``_extras_deleted_at`` set. An ACTIVATE_VERSION that precedes its records (singer-sdk taps
announce a version before its first record) finds no keys and changes nothing.

``<schema>._extras_versions`` keeps, per stream and version, the latest ``time_extracted`` of
its records and when it was activated. A deletion version is stamped with that time (the
deletion was observed by that sync), so replayed observations compare with the right version;
an ACTIVATE_VERSION older than one already activated (a replay of an old sync) deletes nothing.
"""

from __future__ import annotations

import typing as t

from psycopg import sql

from target_extras.copy_loader import STAGE, TABLE_VERSION
from target_extras.landing_table import (
    BATCH_ID,
    DELETED_AT,
    EXTRACTED_AT,
    LOADED_AT,
    RECORD_HASH,
    ROW_ID,
    LandingTable,
)

if t.TYPE_CHECKING:
    import uuid

    import psycopg

VERSION_KEYS_TABLE = "_extras_version_keys"
#: Deletions are scoped to the values of this column that the activated version covers.
SCOPE_COLUMN = "team_id"
VERSIONS_TABLE = "_extras_versions"


def ensure_version_keys_table(pg: psycopg.Connection, schema: str) -> None:
    """Create the table of keys seen per stream and table version."""
    pg.execute(
        sql.SQL(
            "create table if not exists {} ("
            "stream text not null, table_version bigint not null, key_values jsonb not null, "
            "primary key (stream, table_version, key_values))"
        ).format(sql.Identifier(schema, VERSION_KEYS_TABLE))
    )
    pg.execute(
        sql.SQL(
            "create table if not exists {} ("
            "stream text not null, table_version bigint not null, "
            "last_extracted_at timestamptz, activated_at timestamptz, "
            "primary key (stream, table_version))"
        ).format(sql.Identifier(schema, VERSIONS_TABLE))
    )


def _key_array(landing: LandingTable, alias: str) -> sql.Composed:
    return sql.SQL("jsonb_build_array({})").format(
        sql.SQL(", ").join(sql.Identifier(alias, k) for k in landing.key_properties)
    )


def remember_staged_keys(pg: psycopg.Connection, landing: LandingTable) -> int:
    """Record the keys of the staged rows that carry a table version; return how many."""
    if not landing.key_properties:
        return 0
    cur = pg.execute(
        sql.SQL(
            "insert into {keys_table} (stream, table_version, key_values) "
            "select distinct %(stream)s, s.{version}, {key_array} from {stage} as s "
            "where s.{version} is not null on conflict do nothing"
        ).format(
            keys_table=sql.Identifier(landing.schema, VERSION_KEYS_TABLE),
            version=sql.Identifier(TABLE_VERSION),
            key_array=_key_array(landing, "s"),
            stage=sql.Identifier(STAGE),
        ),
        {"stream": landing.stream},
    )
    pg.execute(
        sql.SQL(
            "insert into {versions} (stream, table_version, last_extracted_at) "
            "select %(stream)s, s.{version}, max(s.{extracted_at}) from {stage} as s "
            "where s.{version} is not null group by s.{version} "
            "on conflict (stream, table_version) do update set last_extracted_at = "
            "greatest({versions}.last_extracted_at, excluded.last_extracted_at)"
        ).format(
            versions=sql.Identifier(landing.schema, VERSIONS_TABLE),
            version=sql.Identifier(TABLE_VERSION),
            extracted_at=sql.Identifier(EXTRACTED_AT),
            stage=sql.Identifier(STAGE),
        ),
        {"stream": landing.stream},
    )
    return cur.rowcount


def newer_version_activated(pg: psycopg.Connection, landing: LandingTable, version: int) -> bool:
    """Whether a later version of the stream was activated already (this one is stale)."""
    row = pg.execute(
        sql.SQL(
            "select exists (select 1 from {} where stream = %s and table_version > %s "
            "and activated_at is not null)"
        ).format(sql.Identifier(landing.schema, VERSIONS_TABLE)),
        (landing.stream, version),
    ).fetchone()
    return bool(row and row[0])


def version_was_seen(pg: psycopg.Connection, landing: LandingTable, version: int) -> bool:
    """Whether any record of this table version has been loaded."""
    row = pg.execute(
        sql.SQL("select exists (select 1 from {} where stream = %s and table_version = %s)").format(
            sql.Identifier(landing.schema, VERSION_KEYS_TABLE)
        ),
        (landing.stream, version),
    ).fetchone()
    return bool(row and row[0])


def _scope_clause(landing: LandingTable) -> sql.Composable:
    """Limit deletions to the workspaces the version covers, for tables with ``team_id``.

    One run (or one of several parallel jobs) may read only some workspaces (``team_ids``):
    its version says nothing about the others, whose keys must stay live. The workspaces a
    version covers are those of the stored rows whose keys it holds.
    """
    if SCOPE_COLUMN not in landing.columns:
        return sql.SQL("")
    return sql.SQL(
        """and latest.{scope} in (
                select t.{scope} from {table} as t
                join {keys_table} as v
                  on v.stream = %(stream)s and v.table_version = %(version)s
                 and v.key_values = {t_key_array}
              )"""
    ).format(
        scope=sql.Identifier(SCOPE_COLUMN),
        table=landing.qualified,
        keys_table=sql.Identifier(landing.schema, VERSION_KEYS_TABLE),
        t_key_array=_key_array(landing, "t"),
    )


def delete_missing_keys(
    pg: psycopg.Connection,
    landing: LandingTable,
    version: int,
    batch_id: uuid.UUID,
) -> int:
    """Append a deletion version for every live key absent from ``version``; return the count.

    Then forget the keys of this and older versions of the stream.
    """
    columns = [sql.Identifier(name) for name in landing.columns]
    keys = sql.SQL(", ").join(landing.key_identifiers)
    cur = pg.execute(
        sql.SQL(
            """
            insert into {table} ({columns}, {extracted_at}, {loaded_at}, {hash}, {batch_id},
                                 {deleted_at})
            select {latest_columns}, coalesce(
                (select last_extracted_at from {versions}
                 where stream = %(stream)s and table_version = %(version)s), now()
            ), now(), latest.{hash}, %(batch_id)s, now()
            from (
                select distinct on ({keys}) * from {table} order by {keys}, {row_id} desc
            ) as latest
            where latest.{deleted_at} is null
              and not exists (
                select 1 from {keys_table} as v
                where v.stream = %(stream)s and v.table_version = %(version)s
                  and v.key_values = {key_array}
              )
              {scope}
            order by {latest_keys}
            """
        ).format(
            scope=_scope_clause(landing),
            table=landing.qualified,
            columns=sql.SQL(", ").join(columns),
            extracted_at=sql.Identifier(EXTRACTED_AT),
            loaded_at=sql.Identifier(LOADED_AT),
            hash=sql.Identifier(RECORD_HASH),
            batch_id=sql.Identifier(BATCH_ID),
            deleted_at=sql.Identifier(DELETED_AT),
            latest_columns=sql.SQL(", ").join(
                sql.Identifier("latest", name) for name in landing.columns
            ),
            keys=keys,
            row_id=sql.Identifier(ROW_ID),
            keys_table=sql.Identifier(landing.schema, VERSION_KEYS_TABLE),
            versions=sql.Identifier(landing.schema, VERSIONS_TABLE),
            key_array=_key_array(landing, "latest"),
            latest_keys=sql.SQL(", ").join(
                sql.Identifier("latest", k) for k in landing.key_properties
            ),
        ),
        {"batch_id": batch_id, "stream": landing.stream, "version": version},
    )
    deleted = cur.rowcount
    pg.execute(
        sql.SQL(
            "update {} set activated_at = now() where stream = %s and table_version = %s"
        ).format(sql.Identifier(landing.schema, VERSIONS_TABLE)),
        (landing.stream, version),
    )
    pg.execute(
        sql.SQL("delete from {} where stream = %s and table_version <= %s").format(
            sql.Identifier(landing.schema, VERSION_KEYS_TABLE)
        ),
        (landing.stream, version),
    )
    return deleted
