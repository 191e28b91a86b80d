"""The webhook tables (deliveries and secrets): DDL, created if missing, behind the Airbyte guard.

Connections passed in must be in autocommit mode. Creation takes a transaction-scoped advisory lock so that several receivers (or a receiver and
the management command) starting together do not race on ``CREATE TABLE IF NOT EXISTS``.
"""

from __future__ import annotations

import psycopg
from psycopg import sql
from target_extras.airbyte_guard import check_schema, check_schema_catalog, check_table

DELIVERIES = "webhook_deliveries"
SECRETS = "webhook_secrets"

_DELIVERIES_DDL = """
create table if not exists {table} (
    delivery_id bigint generated always as identity primary key,
    received_at timestamptz not null,
    webhook_id text,
    event text,
    task_id text,
    list_id text,
    folder_id text,
    space_id text,
    goal_id text,
    key_result_id text,
    history_item_ids text[] not null,
    body jsonb not null,
    raw_body bytea not null,
    body_sha256 text not null,
    signature text not null,
    secret_id text not null,
    headers jsonb not null,
    remote_addr text
);
create index if not exists {index} on {table} (webhook_id, received_at);
comment on table {table} is
    'ClickUp webhook deliveries, stored raw, duplicates included. Idempotency key: '
    '(webhook_id, history item id); deliveries without history items: (webhook_id, body_sha256).';
"""

_SECRETS_DDL = """
create table if not exists {table} (
    webhook_id text primary key,
    team_id text not null,
    endpoint text not null,
    events jsonb not null,
    location jsonb not null,
    secret text not null,
    registered_at timestamptz not null default now()
);
comment on table {table} is
    'Secrets of the ClickUp webhooks registered by clickup-webhooks; read by the receiver.';
"""


def _create(
    pg: psycopg.Connection, schema: str, airbyte_schemas: tuple[str, ...], name: str, ddl: str
) -> None:
    check_schema(schema, airbyte_schemas, what=f"the {name} table")
    check_schema_catalog(pg, schema, what=f"the {name} table")
    check_table(pg, schema, name, stream=name)
    if _exists(pg, schema, name):
        return  # DDL (comments, index) needs ownership: a least-privileged role only inserts
    with pg.transaction():
        pg.execute("select pg_advisory_xact_lock(hashtext(%s))", (f"{schema}.{name}",))
        pg.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
        statement = sql.SQL(ddl).format(
            table=sql.Identifier(schema, name), index=sql.Identifier(f"{name}__webhook_received")
        )
        pg.execute(statement)


def ensure_deliveries(
    pg: psycopg.Connection, schema: str, airbyte_schemas: tuple[str, ...]
) -> None:
    """Create ``<schema>.webhook_deliveries`` unless it exists (refusing Airbyte's tables)."""
    _create(pg, schema, airbyte_schemas, DELIVERIES, _DELIVERIES_DDL)


def ensure_secrets(pg: psycopg.Connection, schema: str, airbyte_schemas: tuple[str, ...]) -> None:
    """Create ``<schema>.webhook_secrets`` unless it exists (refusing Airbyte's tables)."""
    _create(pg, schema, airbyte_schemas, SECRETS, _SECRETS_DDL)


def _exists(pg: psycopg.Connection, schema: str, name: str) -> bool:
    row = pg.execute(
        "select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = %s and c.relname = %s",
        (schema, name),
    ).fetchone()
    return row is not None


def secrets_table_exists(pg: psycopg.Connection, schema: str) -> bool:
    """Whether ``<schema>.webhook_secrets`` exists (the receiver never creates it)."""
    return _exists(pg, schema, SECRETS)
