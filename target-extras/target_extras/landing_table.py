"""DDL of a landing table: the history table, its indexes, its ``__current`` view, evolution.

Layout (docs/data-contracts.md §2): one column per top-level property, then the metadata
columns below. Everything runs inside the caller's transaction, under an advisory lock so
that two loads of the same stream never race on DDL.
"""

from __future__ import annotations

import hashlib
import typing as t
from dataclasses import dataclass, field

import psycopg
from psycopg import sql

from target_extras import type_mapping
from target_extras.errors import SchemaEvolutionError

ROW_ID = "_extras_row_id"
EXTRACTED_AT = "_extras_extracted_at"
LOADED_AT = "_extras_loaded_at"
RECORD_HASH = "_extras_record_hash"
BATCH_ID = "_extras_batch_id"
DELETED_AT = "_extras_deleted_at"

METADATA_COLUMNS: dict[str, str] = {
    ROW_ID: "bigint generated always as identity primary key",
    EXTRACTED_AT: "timestamptz not null",
    LOADED_AT: "timestamptz not null",
    RECORD_HASH: "text not null",
    BATCH_ID: "uuid not null",
    DELETED_AT: "timestamptz",
}

CURRENT_VIEW_SUFFIX = "__current"
_MAX_IDENTIFIER = 63
_PG_TYPE_NAMES: dict[str, str] = {
    "timestamp with time zone": type_mapping.TIMESTAMPTZ,
    "bigint": type_mapping.BIGINT,
    "numeric": type_mapping.NUMERIC,
    "text": type_mapping.TEXT,
    "boolean": type_mapping.BOOLEAN,
    "jsonb": type_mapping.JSONB,
}


@dataclass
class LandingTable:
    """Where and how one stream lands."""

    stream: str
    schema: str
    table: str
    key_properties: list[str]
    columns: dict[str, str] = field(default_factory=dict)
    """Property columns in table order, with their actual PostgreSQL types."""

    @property
    def qualified(self) -> sql.Identifier:
        """``"schema"."table"``."""
        return sql.Identifier(self.schema, self.table)

    @property
    def current_view(self) -> sql.Identifier:
        """``"schema"."table__current"``."""
        return sql.Identifier(self.schema, self.table + CURRENT_VIEW_SUFFIX)

    @property
    def key_identifiers(self) -> list[sql.Identifier]:
        """The key columns as identifiers."""
        return [sql.Identifier(k) for k in self.key_properties]


def index_name(table: str, purpose: str) -> str:
    """An index name within PostgreSQL's 63-byte limit, unique per table and purpose."""
    name = f"{table}__extras_{purpose}"
    if len(name.encode()) <= _MAX_IDENTIFIER:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name.encode()[: _MAX_IDENTIFIER - 9].decode(errors='ignore')}_{digest}"


def lock_table_ddl(pg: psycopg.Connection, schema: str, table: str) -> None:
    """Serialise DDL on one landing table across concurrent loads (transaction-scoped)."""
    pg.execute(
        "select pg_advisory_xact_lock(hashtextextended(%s, 0))",
        (f"target-extras:{schema}.{table}",),
    )


def existing_columns(pg: psycopg.Connection, schema: str, table: str) -> dict[str, str] | None:
    """Columns of an existing table with their type names, or ``None`` if it does not exist."""
    rows = pg.execute(
        """
        select a.attname, format_type(a.atttypid, a.atttypmod)
        from pg_attribute a
        join pg_class c on c.oid = a.attrelid
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = %s and c.relname = %s and c.relkind in ('r', 'p')
          and a.attnum > 0 and not a.attisdropped
        order by a.attnum
        """,
        (schema, table),
    ).fetchall()
    if not rows:
        return None
    return {
        str(name): _PG_TYPE_NAMES.get(str(type_name), str(type_name)) for name, type_name in rows
    }


def ensure_landing_table(
    pg: psycopg.Connection,
    landing: LandingTable,
    wanted: dict[str, str],
) -> dict[str, str]:
    """Create or evolve the table, its indexes and view; return the property columns' types.

    Raises:
        SchemaEvolutionError: If the existing table cannot take the new schema.
    """
    lock_table_ddl(pg, landing.schema, landing.table)
    current = existing_columns(pg, landing.schema, landing.table)
    if current is None:
        _create_table(pg, landing, wanted)
        columns = dict(wanted)
    else:
        columns = _evolve_table(pg, landing, current, wanted)
    landing.columns = columns
    _ensure_indexes(pg, landing)
    _replace_current_view(pg, landing)
    return columns


def _create_table(pg: psycopg.Connection, landing: LandingTable, wanted: dict[str, str]) -> None:
    definitions = [
        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(pg_type))
        for name, pg_type in wanted.items()
    ]
    definitions += [
        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(definition))
        for name, definition in METADATA_COLUMNS.items()
    ]
    pg.execute(
        sql.SQL("create table {} ({})").format(landing.qualified, sql.SQL(", ").join(definitions))
    )


def _evolve_table(
    pg: psycopg.Connection,
    landing: LandingTable,
    current: dict[str, str],
    wanted: dict[str, str],
) -> dict[str, str]:
    missing_metadata = [name for name in METADATA_COLUMNS if name not in current]
    if missing_metadata:
        msg = (
            f"stream '{landing.stream}': table {landing.schema}.{landing.table} exists but is not "
            f"a target-extras landing table (missing {', '.join(missing_metadata)}); "
            "rename it or choose another schema."
        )
        raise SchemaEvolutionError(msg)
    columns = {name: current[name] for name in current if name not in METADATA_COLUMNS}
    to_widen: dict[str, tuple[str, str]] = {}
    for name, pg_type in wanted.items():
        existing = current.get(name)
        if existing is None:
            pg.execute(
                sql.SQL("alter table {} add column {} {}").format(
                    landing.qualified, sql.Identifier(name), sql.SQL(pg_type)
                )
            )
            columns[name] = pg_type
        elif type_mapping.can_accept(existing, pg_type):
            continue
        elif (using := type_mapping.widening(existing, pg_type)) is not None:
            to_widen[name] = (pg_type, using)
            columns[name] = pg_type
        else:
            msg = (
                f"stream '{landing.stream}', column '{name}': the schema now makes it {pg_type} "
                f"but {landing.schema}.{landing.table}.{name} is {existing} and holds history; "
                f"{existing} → {pg_type} is not a widening (applied automatically: new "
                "properties, integer → number, date-time → string, any type → a mixed, object "
                "or array type as jsonb). Keep the old type in the tap's schema, or alter the "
                "column yourself and rerun."
            )
            raise SchemaEvolutionError(msg)
    if to_widen:
        _widen_columns(pg, landing, to_widen)
    return columns


def _widen_columns(
    pg: psycopg.Connection, landing: LandingTable, changes: dict[str, tuple[str, str]]
) -> None:
    """``alter column ... type ... using ...`` for each column (the view is rebuilt around it)."""
    try:
        with pg.transaction():
            pg.execute(sql.SQL("drop view if exists {}").format(landing.current_view))
            for name, (pg_type, using) in changes.items():
                column = sql.Identifier(name)
                pg.execute(
                    sql.SQL("alter table {} alter column {} type {} using {}").format(
                        landing.qualified,
                        column,
                        sql.SQL(pg_type),
                        sql.SQL(using).format(column),
                    )
                )
    except (psycopg.errors.DependentObjectsStillExist, psycopg.errors.FeatureNotSupported) as exc:
        msg = (
            f"stream '{landing.stream}', column '{', '.join(changes)}': widening the column "
            f"needs to alter {landing.schema}.{landing.table}, but other views depend on it "
            f"({exc.diag.message_primary}). Drop the dependent views (dbt rebuilds them) and rerun."
        )
        raise SchemaEvolutionError(msg) from None


def _ensure_indexes(pg: psycopg.Connection, landing: LandingTable) -> None:
    if landing.key_properties:
        keys = sql.SQL(", ").join(landing.key_identifiers)
        pg.execute(
            sql.SQL("create index if not exists {} on {} ({}, {} desc)").format(
                sql.Identifier(index_name(landing.table, "key")),
                landing.qualified,
                keys,
                sql.Identifier(ROW_ID),
            )
        )
    else:
        pg.execute(
            sql.SQL("create index if not exists {} on {} ({})").format(
                sql.Identifier(index_name(landing.table, "hash")),
                landing.qualified,
                sql.Identifier(RECORD_HASH),
            )
        )


def current_view_sql(landing: LandingTable) -> sql.Composed:
    """The ``__current`` view: latest version per key (highest row id), deleted keys excluded."""
    if not landing.key_properties:
        return sql.SQL("create or replace view {} as select * from {} where {} is null").format(
            landing.current_view, landing.qualified, sql.Identifier(DELETED_AT)
        )
    keys = sql.SQL(", ").join(landing.key_identifiers)
    return sql.SQL(
        "create or replace view {view} as select * from ("
        "select distinct on ({keys}) * from {table} order by {keys}, {row_id} desc"
        ") as latest where {deleted_at} is null"
    ).format(
        view=landing.current_view,
        keys=keys,
        table=landing.qualified,
        row_id=sql.Identifier(ROW_ID),
        deleted_at=sql.Identifier(DELETED_AT),
    )


def _replace_current_view(pg: psycopg.Connection, landing: LandingTable) -> None:
    view = landing.table + CURRENT_VIEW_SUFFIX
    kind = pg.execute(
        "select c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = %s and c.relname = %s",
        (landing.schema, view),
    ).fetchone()
    if kind is not None and kind[0] != "v":
        msg = (
            f"stream '{landing.stream}': {landing.schema}.{view} exists and is not a view, so it "
            "is not ours to replace; rename it or choose another schema."
        )
        raise SchemaEvolutionError(msg)
    try:
        with pg.transaction():
            pg.execute(current_view_sql(landing))
    except psycopg.errors.InvalidTableDefinition:
        # The table's columns no longer extend the view's (e.g. a column was dropped by hand),
        # which ``create or replace view`` refuses: rebuild the view.
        pg.execute(sql.SQL("drop view {}").format(landing.current_view))
        pg.execute(current_view_sql(landing))


def wanted_columns(schema: dict[str, t.Any]) -> dict[str, str]:
    """Property columns for a Singer schema, in schema order, ``_sdc_*`` excluded."""
    return {
        name: type_mapping.pg_type(prop or {})
        for name, prop in schema.get("properties", {}).items()
        if not type_mapping.is_singer_metadata(name)
    }
