"""Webhook secrets kept in ``<schema>.webhook_secrets``: written by the management command,
read by the receiver. With ``secrets_key`` set they are stored encrypted (:mod:`.secret_cipher`);
without it in plaintext, as before (guard them with grants). No function here returns them in
printable form, only as :class:`SigningKey` objects whose repr hides them.

Connections passed in must be in autocommit mode.
"""

from __future__ import annotations

import typing as t

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from clickup_webhook_receiver.errors import SettingsError
from clickup_webhook_receiver.secret_cipher import SecretCipher, is_encrypted
from clickup_webhook_receiver.signing import SigningKey
from clickup_webhook_receiver.tables import SECRETS, ensure_secrets, secrets_table_exists

SELECT_KEYS = "select webhook_id, secret from {} order by registered_at, webhook_id"


def _table(schema: str) -> sql.Composed:
    return sql.SQL("{}").format(sql.Identifier(schema, SECRETS))


def save(
    pg: psycopg.Connection,
    schema: str,
    airbyte_schemas: tuple[str, ...],
    hook: dict[str, t.Any],
    cipher: SecretCipher | None = None,
) -> None:
    """Store (or replace) the secret of a webhook object as ClickUp returned it (encrypted
    under ``cipher`` when given)."""
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
            cipher.encrypt(str(hook["secret"])) if cipher else str(hook["secret"]),
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


def load_keys(
    pg: psycopg.Connection, schema: str, cipher: SecretCipher | None = None
) -> list[SigningKey]:
    """Every stored secret as a signing key bound to its webhook (decrypted with ``cipher``).

    Raises:
        SettingsError: If rows are encrypted and no key, or no configured key, opens them.
    """
    if not secrets_table_exists(pg, schema):
        return []
    rows = pg.execute(sql.SQL(SELECT_KEYS).format(_table(schema))).fetchall()
    keys = []
    locked = []
    for webhook_id, stored in rows:
        secret = (cipher.decrypt(stored) if cipher else None) if is_encrypted(stored) else stored
        if secret is None:
            locked.append(webhook_id)
            continue
        keys.append(SigningKey(webhook_id, secret, webhook_id=webhook_id))
    if locked:
        shown = ", ".join(locked[:5]) + (f" and {len(locked) - 5} more" if len(locked) > 5 else "")
        why = "no secrets_key is set" if cipher is None else "no configured secrets_key opens them"
        raise SettingsError(
            f"{len(locked)} stored webhook secrets are encrypted and {why} (webhooks {shown}): "
            "set CLICKUP_WEBHOOKS_SECRETS_KEY to the key they were encrypted with."
        )
    return keys


def plaintext_count(pg: psycopg.Connection, schema: str) -> int:
    """How many stored secrets are not encrypted."""
    if not secrets_table_exists(pg, schema):
        return 0
    query = sql.SQL("select count(*) from {} where secret not like 'fernet:%%'")
    row = pg.execute(query.format(_table(schema))).fetchone()
    return int(row[0]) if row else 0


def reencrypt(pg: psycopg.Connection, schema: str, cipher: SecretCipher) -> tuple[int, int]:
    """Encrypt every stored secret under the first key, in one transaction: (plaintext rows
    encrypted, encrypted rows re-encrypted).

    Raises:
        SettingsError: If an encrypted row opens with none of the configured keys.
    """
    if not secrets_table_exists(pg, schema):
        return 0, 0
    table = _table(schema)
    with pg.transaction():
        rows = pg.execute(
            sql.SQL("select webhook_id, secret from {} for update").format(table)
        ).fetchall()
        keys = {k.id: k.secret for k in load_keys(pg, schema, cipher)}
        update = sql.SQL("update {} set secret = %s where webhook_id = %s").format(table)
        for webhook_id, _ in rows:
            pg.execute(update, (cipher.encrypt(keys[webhook_id]), webhook_id))
    plain = sum(1 for _, stored in rows if not is_encrypted(stored))
    return plain, len(rows) - plain
