"""Webhook secrets kept in ``<schema>.webhook_secrets``: written by the management command,
read by the receiver. The secrets stay in PostgreSQL (guard them with grants); no function here
returns them in printable form, only as :class:`SigningKey` objects whose repr hides them.

Connections passed in must be in autocommit mode.
"""

from __future__ import annotations

import typing as t

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from target_extras.webhooks.signing import SigningKey
from target_extras.webhooks.tables import SECRETS, ensure_secrets, secrets_table_exists

SELECT_KEYS = "select webhook_id, secret from {} order by registered_at, webhook_id"


def _table(schema: str) -> sql.Composed:
    return sql.SQL("{}").format(sql.Identifier(schema, SECRETS))


def save(
    pg: psycopg.Connection, schema: str, airbyte_schemas: tuple[str, ...], hook: dict[str, t.Any]
) -> None:
    """Store (or replace) the secret of a webhook object as ClickUp returned it."""
    ensure_secrets(pg, schema, airbyte_schemas)
    location = {k: hook.get(k) for k in ("task_id", "list_id", "folder_id", "space_id")}
    pg.execute(
        sql.SQL(
            "insert into {} (webhook_id, team_id, endpoint, events, location, secret)"
            " values (%s, %s, %s, %s, %s, %s)"
            " on conflict (webhook_id) do update set team_id = excluded.team_id,"
            " endpoint = excluded.endpoint, events = excluded.events,"
            " location = excluded.location, secret = excluded.secret"
        ).format(_table(schema)),
        (
            str(hook["id"]),
            str(hook.get("team_id", "")),
            str(hook.get("endpoint", "")),
            Jsonb(hook.get("events", [])),
            Jsonb(location),
            str(hook["secret"]),
        ),
    )


def delete(pg: psycopg.Connection, schema: str, webhook_id: str) -> bool:
    """Forget a webhook's secret; whether one was stored."""
    if not secrets_table_exists(pg, schema):
        return False
    cur = pg.execute(
        sql.SQL("delete from {} where webhook_id = %s").format(_table(schema)), (webhook_id,)
    )
    return cur.rowcount > 0


def stored_ids(pg: psycopg.Connection, schema: str) -> set[str]:
    """Ids of the webhooks whose secret is stored."""
    if not secrets_table_exists(pg, schema):
        return set()
    rows = pg.execute(sql.SQL("select webhook_id from {}").format(_table(schema))).fetchall()
    return {r[0] for r in rows}


def load_keys(pg: psycopg.Connection, schema: str) -> list[SigningKey]:
    """Every stored secret as a signing key named by its webhook id."""
    if not secrets_table_exists(pg, schema):
        return []
    rows = pg.execute(sql.SQL(SELECT_KEYS).format(_table(schema))).fetchall()
    return [SigningKey(webhook_id, secret, webhook_id=webhook_id) for webhook_id, secret in rows]
