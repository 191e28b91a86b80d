"""One batch into one landing table: COPY into a temp stage, then one set-based insert.

The insert appends only changed versions, exactly the history a record-by-record load would
produce. Each staged row is compared with the version in effect just before it:

- the previous row of its key in the batch (arrival order), when that row is newer than
  everything stored for the key;
- otherwise the stored version of the key: the latest one for an observation newer than the
  stored history (``_extras_extracted_at``, i.e. Singer's ``time_extracted``), or, for an
  observation at or before the stored history's end (a replay), the version stored *as of*
  its time.

Comparing replayed observations with the version as of their time, not with the latest one,
makes a replay add nothing whatever the batch boundaries: a repeated value that was skipped
the first time (so never stored) is still recognised. A version whose exact observation (key,
hash, time) is stored is skipped too. Deleted state counts as a difference. Streams without
key properties append rows whose hash is new.
"""

from __future__ import annotations

import typing as t
import uuid

from psycopg import sql

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
    from collections.abc import Sequence

    import psycopg

STAGE = "_extras_stage"
SEQ = "_extras_seq"
TABLE_VERSION = "_extras_table_version"
PREV_HASH = "_extras_prev_hash"
PREV_AT = "_extras_prev_at"

StagedRow = list[t.Any]
"""Property values in ``LandingTable.columns`` order, then extracted_at, hash, seq, version."""


def create_stage(pg: psycopg.Connection, landing: LandingTable) -> None:
    """A temp table shaped like the batch, dropped at commit."""
    definitions = [
        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(pg_type))
        for name, pg_type in landing.columns.items()
    ]
    definitions += [
        sql.SQL("{} timestamptz").format(sql.Identifier(EXTRACTED_AT)),
        sql.SQL("{} text").format(sql.Identifier(RECORD_HASH)),
        sql.SQL("{} bigint").format(sql.Identifier(SEQ)),
        sql.SQL("{} bigint").format(sql.Identifier(TABLE_VERSION)),
    ]
    pg.execute(
        sql.SQL("create temp table {} ({}) on commit drop").format(
            sql.Identifier(STAGE), sql.SQL(", ").join(definitions)
        )
    )


def copy_rows(pg: psycopg.Connection, landing: LandingTable, rows: Sequence[StagedRow]) -> None:
    """Stream the rows into the stage with ``COPY ... FROM STDIN`` (text format).

    Text format lets PostgreSQL parse jsonb, numeric and ISO timestamps from their text form,
    so values need no per-type binary dumpers; NUL characters were removed beforehand.
    """
    names = [*landing.columns, EXTRACTED_AT, RECORD_HASH, SEQ, TABLE_VERSION]
    statement = sql.SQL("copy {} ({}) from stdin").format(
        sql.Identifier(STAGE), sql.SQL(", ").join(map(sql.Identifier, names))
    )
    with pg.cursor() as cur, cur.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _insert_head(landing: LandingTable) -> tuple[sql.Composable, sql.Composable]:
    targets = [*map(sql.Identifier, landing.columns), *map(sql.Identifier, _METADATA_INSERTED)]
    values: list[sql.Composable] = [sql.Identifier("s", name) for name in landing.columns]
    values += [
        # Singer's time_extracted when the tap sent it, else the load time.
        sql.SQL("coalesce({}, now())").format(sql.Identifier("s", EXTRACTED_AT)),
        sql.SQL("now()"),
        sql.Identifier("s", RECORD_HASH),
        sql.Placeholder("batch_id"),
    ]
    return sql.SQL(", ").join(targets), sql.SQL(", ").join(values)


_METADATA_INSERTED = (EXTRACTED_AT, LOADED_AT, RECORD_HASH, BATCH_ID)


def keyed_insert_sql(landing: LandingTable) -> sql.Composed:
    """Insert the changed versions of a keyed stream, in arrival order."""
    targets, values = _insert_head(landing)
    keys = sql.SQL(", ").join(landing.key_identifiers)

    def match(alias: str) -> sql.Composable:
        return sql.SQL(" and ").join(
            sql.SQL("{a}.{k} = s.{k}").format(a=sql.Identifier(alias), k=k)
            for k in landing.key_identifiers
        )

    return sql.SQL(
        """
        insert into {table} ({targets})
        select {values}
        from (
            select st.*,
                   lag(st.{hash}) over w as {prev_hash},
                   lag(st.{extracted_at}) over w as {prev_at}
            from {stage} as st
            window w as (partition by {keys} order by st.{seq})
        ) as s
        left join lateral (
            select t.{hash}, t.{deleted_at}, t.{extracted_at}
            from {table} as t
            where {latest_match}
            order by t.{row_id} desc
            limit 1
        ) as latest on true
        left join lateral (
            select t.{hash}, t.{deleted_at}
            from {table} as t
            where s.{extracted_at} <= latest.{extracted_at}
              and {asof_match} and t.{extracted_at} <= s.{extracted_at}
            order by t.{row_id} desc
            limit 1
        ) as asof on true
        left join lateral (
            -- A lateral probe, not NOT EXISTS: the planner would answer NOT EXISTS with a hash
            -- anti join that reads the whole history table for every batch.
            select true as found
            from {table} as seen
            where {seen_match}
              and seen.{hash} = s.{hash}
              and seen.{extracted_at} = s.{extracted_at}
              and seen.{deleted_at} is null
            limit 1
        ) as seen on true
        where seen.found is null
        and case
            when coalesce(s.{extracted_at} <= latest.{extracted_at}, false) then
                asof.{hash} is distinct from s.{hash} or asof.{deleted_at} is not null
            when s.{prev_hash} is not null
                 and not coalesce(s.{prev_at} <= latest.{extracted_at}, false) then
                s.{prev_hash} <> s.{hash}
            else
                latest.{hash} is distinct from s.{hash} or latest.{deleted_at} is not null
        end
        order by s.{seq}
        """
    ).format(
        table=landing.qualified,
        targets=targets,
        values=values,
        hash=sql.Identifier(RECORD_HASH),
        keys=keys,
        seq=sql.Identifier(SEQ),
        prev_hash=sql.Identifier(PREV_HASH),
        prev_at=sql.Identifier(PREV_AT),
        stage=sql.Identifier(STAGE),
        deleted_at=sql.Identifier(DELETED_AT),
        latest_match=match("t"),
        asof_match=match("t"),
        seen_match=match("seen"),
        extracted_at=sql.Identifier(EXTRACTED_AT),
        row_id=sql.Identifier(ROW_ID),
    )


def keyless_insert_sql(landing: LandingTable) -> sql.Composed:
    """Insert the rows of a keyless stream whose hash is not stored yet (first arrival wins)."""
    targets, values = _insert_head(landing)
    return sql.SQL(
        """
        insert into {table} ({targets})
        select {values}
        from (
            select distinct on (st.{hash}) st.* from {stage} as st order by st.{hash}, st.{seq}
        ) as s
        left join lateral (
            select true as found from {table} as t where t.{hash} = s.{hash} limit 1
        ) as seen on true
        where seen.found is null
        order by s.{seq}
        """
    ).format(
        table=landing.qualified,
        targets=targets,
        values=values,
        hash=sql.Identifier(RECORD_HASH),
        stage=sql.Identifier(STAGE),
        seq=sql.Identifier(SEQ),
    )


def load_batch(
    pg: psycopg.Connection,
    landing: LandingTable,
    rows: Sequence[StagedRow],
    batch_id: uuid.UUID,
) -> int:
    """Stage and insert one batch inside the caller's transaction; return rows inserted.

    The stage stays available (until commit) for callers that need it afterwards.
    """
    create_stage(pg, landing)
    copy_rows(pg, landing, rows)
    statement = keyed_insert_sql(landing) if landing.key_properties else keyless_insert_sql(landing)
    cur = pg.execute(statement, {"batch_id": batch_id})
    return cur.rowcount
