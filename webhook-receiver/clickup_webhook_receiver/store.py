"""The receiver's database access: a psycopg 3 async pool for inserts and health checks.

Every wait is bounded so that an answer leaves well within ClickUp's 7 s: a connection is
awaited at most ``database_timeout_seconds``, a statement runs at most 3 s. While PostgreSQL is
unreachable, calls raise :class:`DatabaseUnavailable` (the app answers 503, ClickUp retries); the
pool gives up a reconnection attempt after a few seconds and starts a fresh one on the next
request, so the receiver recovers on its own once the database is back. Pooled connections are
not pinged before use (that costs a round trip per delivery): a statement that fails on a
connection that turned out to be broken is retried once on a fresh one.

Rare administrative steps (creating the table, loading secrets) use a short-lived synchronous
connection in a worker thread, which lets them share code with the management command.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import typing as t
from dataclasses import dataclass

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from clickup_webhook_receiver import secret_store
from clickup_webhook_receiver.payload import RESOURCE_IDS, Delivery
from clickup_webhook_receiver.repair import may_need_repair
from clickup_webhook_receiver.settings import Settings
from clickup_webhook_receiver.signing import SigningKey
from clickup_webhook_receiver.tables import DELIVERIES, ensure_deliveries

log = logging.getLogger("clickup_webhook_receiver.store")

STATEMENT_TIMEOUT_MS = 3000
RECONNECT_TIMEOUT_SECONDS = 3.0
_COLUMNS = (
    "received_at",
    "webhook_id",
    "event",
    *RESOURCE_IDS,
    "history_item_ids",
    "body",
    "raw_body",
    "body_sha256",
    "signature",
    "secret_id",
    "headers",
    "remote_addr",
)


class DatabaseUnavailable(Exception):
    """PostgreSQL cannot be reached (or did not answer in time); the request may be retried."""


class RejectedByDatabase(Exception):
    """PostgreSQL refused the row's data (answered with 400)."""


@dataclass(frozen=True, slots=True)
class Received:
    """A verified delivery and what the request carried beside its body."""

    delivery: Delivery
    raw: bytes
    received_at: dt.datetime
    signature: str
    secret_id: str
    headers: dict[str, str]
    remote_addr: str | None


def jsonb_value(delivery: Delivery) -> t.Any:
    """The body for the jsonb column: its own text, or the repaired copy when the text holds
    what jsonb cannot (NUL, a lone surrogate, bytes that were not UTF-8; ``raw_body`` keeps the
    original)."""
    if delivery.repaired or may_need_repair(delivery.text):
        return Jsonb(delivery.body)
    return delivery.text


class DeliveryStore:
    """Inserts deliveries into ``<schema>.webhook_deliveries`` through a connection pool."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.timeout = settings.database_timeout_seconds
        self.table_ready = False
        self._ready_lock = asyncio.Lock()
        self.pool = AsyncConnectionPool(
            settings.database_url,
            min_size=1,
            max_size=settings.pool_max_size,
            open=False,
            timeout=self.timeout,
            reconnect_timeout=RECONNECT_TIMEOUT_SECONDS,
            kwargs=self.connect_kwargs(),
            name="webhook-receiver",
        )
        self._insert = sql.SQL("insert into {} ({}) values ({}) returning delivery_id").format(
            sql.Identifier(settings.schema, DELIVERIES),
            sql.SQL(", ").join(map(sql.Identifier, _COLUMNS)),
            sql.SQL(", ").join(
                sql.SQL("%s::jsonb") if c == "body" else sql.Placeholder() for c in _COLUMNS
            ),
        )

    def connect_kwargs(self) -> dict[str, t.Any]:
        """Connection options: autocommit, UTC, bounded statements, a recognisable name."""
        return {
            "autocommit": True,
            "connect_timeout": max(2, round(self.timeout)),
            "application_name": "clickup-webhooks",
            "options": f"-c TimeZone=UTC -c statement_timeout={STATEMENT_TIMEOUT_MS}",
        }

    async def open(self) -> None:
        """Start the pool without waiting for a connection (the database may be down)."""
        await self.pool.open(wait=False)

    async def close(self) -> None:
        """Close every connection."""
        await self.pool.close()

    # ----- administrative steps (sync connection in a thread) -------------------------------

    def _connect_sync(self) -> psycopg.Connection:
        return psycopg.connect(self.settings.database_url, **self.connect_kwargs())

    def prepare_sync(self) -> None:
        """Create the table if missing (raises the Airbyte guard's error or psycopg errors)."""
        with self._connect_sync() as pg:
            ensure_deliveries(pg, self.settings.schema, self.settings.airbyte_schemas)
        self.table_ready = True

    def load_keys_sync(self) -> list[SigningKey]:
        """The secrets stored by the management command."""
        with self._connect_sync() as pg:
            return secret_store.load_keys(pg, self.settings.schema, self.settings.secret_cipher())

    async def load_keys(self) -> list[SigningKey]:
        """The stored secrets; :class:`DatabaseUnavailable` while the database is down."""
        try:
            return await asyncio.wait_for(asyncio.to_thread(self.load_keys_sync), self.timeout + 2)
        except (psycopg.OperationalError, TimeoutError) as exc:
            raise DatabaseUnavailable(_reason(exc)) from None

    async def ensure_table(self) -> None:
        """Create the table once (and again after it was dropped)."""
        if self.table_ready:
            return
        async with self._ready_lock:
            if self.table_ready:
                return
            try:
                await asyncio.wait_for(asyncio.to_thread(self.prepare_sync), self.timeout + 2)
            except (psycopg.OperationalError, TimeoutError) as exc:
                raise DatabaseUnavailable(_reason(exc)) from None

    # ----- the hot path ----------------------------------------------------------------------

    async def insert(self, item: Received) -> int:
        """Store one delivery; its ``delivery_id``.

        Raises:
            DatabaseUnavailable: The database cannot be reached, or did not answer in time.
            RejectedByDatabase: The database refused the data.
        """
        await self.ensure_table()
        d = item.delivery
        params = (
            item.received_at,
            d.webhook_id,
            d.event,
            *(d.resource_ids[name] for name in RESOURCE_IDS),
            d.history_item_ids,
            jsonb_value(d),
            item.raw,
            d.body_sha256,
            item.signature,
            item.secret_id,
            Jsonb(item.headers),
            item.remote_addr,
        )
        for attempt in (1, 2):
            conn = None
            try:
                async with self.pool.connection(timeout=self.timeout) as conn:
                    cur = await conn.execute(self._insert, params)
                    row = await cur.fetchone()
                    assert row is not None
                    return int(row[0])
            except psycopg.errors.UndefinedTable:
                # Dropped while we run: create it again, once.
                self.table_ready = False
                if attempt == 2:
                    raise
                await self.ensure_table()
            except psycopg.OperationalError as exc:
                # A pooled connection that died (server restart, idle timeout): one more try
                # on a fresh one; the pool discards the broken one.
                if attempt == 2 or conn is None or not conn.broken:
                    raise DatabaseUnavailable(_reason(exc)) from None
            except PoolTimeout as exc:
                raise DatabaseUnavailable(_reason(exc)) from None
            except psycopg.DataError as exc:
                raise RejectedByDatabase(_reason(exc)) from None
        raise AssertionError("unreachable")

    async def ping(self) -> str | None:
        """None when the database answers ``select 1``, else the reason."""
        try:
            async with self.pool.connection(timeout=self.timeout) as conn:
                await conn.execute("select 1")
        except (PoolTimeout, psycopg.OperationalError) as exc:
            return _reason(exc)
        return None


def _reason(exc: BaseException) -> str:
    """A one-line reason (driver messages hold no password; the log filter redacts anyway)."""
    if isinstance(exc, PoolTimeout | TimeoutError):
        return "no database connection within the timeout"
    text = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    return text or type(exc).__name__
