"""The receiver's HTTP application (Starlette): ``POST <path>`` for deliveries, ``GET /health``.

Status codes: 200 stored; 400 not a JSON object; 401 missing or wrong ``X-Signature``, or signed
only with the secret of another webhook than the one the body names (nothing stored); 408 body
not complete within ``body_timeout_seconds``; 413 body over ``max_body_bytes``; 503 database
unreachable (ClickUp retries). The signature is checked on the raw bytes before anything parses
them; the parsed body then says which webhook it is for, and only that webhook's stored secret
(or a configured one) may vouch for it. A client that disconnects mid-body is one info line.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
import typing as t
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from clickup_webhook_receiver import access_log, payload
from clickup_webhook_receiver.errors import SettingsError
from clickup_webhook_receiver.settings import Settings
from clickup_webhook_receiver.signing import Keyring, SigningKey, vouching_key
from clickup_webhook_receiver.store import (
    DatabaseUnavailable,
    DeliveryStore,
    Received,
    RejectedByDatabase,
)

log = logging.getLogger("clickup_webhook_receiver.app")

# Headers worth keeping with a delivery (never Authorization or cookies).
KEPT_HEADERS = (
    "content-type",
    "content-length",
    "user-agent",
    "x-forwarded-for",
    "x-forwarded-proto",
    "x-real-ip",
    "x-request-id",
    "x-amzn-trace-id",
)
RELOAD_INTERVAL_SECONDS = 1.0
DRAIN_LIMIT_BYTES = 16 * 1024 * 1024


class BodyTooLarge(Exception):
    """The body exceeds ``max_body_bytes``."""


class BodyTooSlow(Exception):
    """The body was not complete within ``body_timeout_seconds``."""


@dataclass
class ReceiverState:
    """What the handlers share: settings, store and the keys (configured + from the database)."""

    settings: Settings
    store: DeliveryStore
    configured: Keyring
    keyring: Keyring
    db_keys_loaded: bool = False
    last_reload: float = 0.0
    reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def reload_keys(self, *, newer_than: float | None = None) -> bool:
        """Reload the stored secrets; whether the database answered.

        ``newer_than`` (a ``time.monotonic()``): a reload that started after that moment is
        good enough, so concurrent misses share one reload. Reloads are at least a second apart:
        a caller waits for the next slot rather than judging a signature on stale secrets (a
        401 makes ClickUp suspend the webhook at once).
        """
        if not self.settings.secrets_from_database:
            return True
        async with self.reload_lock:
            if newer_than is not None and self.last_reload >= newer_than:
                return self.db_keys_loaded
            wait = self.last_reload + RELOAD_INTERVAL_SECONDS - time.monotonic()
            if newer_than is not None and wait > 0:
                await asyncio.sleep(wait)
            self.last_reload = time.monotonic()
            try:
                stored = await self.store.load_keys()
            except SettingsError as exc:  # encrypted secrets this receiver cannot open
                log.warning("cannot use the stored webhook secrets", extra={"reason": str(exc)})
                self.db_keys_loaded = False
                return False
            except DatabaseUnavailable as exc:
                log.warning(
                    "cannot load webhook secrets from the database", extra={"reason": str(exc)}
                )
                self.db_keys_loaded = False
                return False
            access_log.add_sensitive(k.secret for k in stored)
            self.keyring = self.configured.merged(stored)
            self.db_keys_loaded = True
            return True


async def _read_body_in_time(request: Request, limit: int, timeout: float) -> bytes:
    """The body, within ``timeout`` seconds (uvicorn has no body timeout of its own)."""
    try:
        return await asyncio.wait_for(_read_body(request, limit), timeout)
    except TimeoutError:
        raise BodyTooSlow from None


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        await _drain(request)
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            await _drain(request, size)
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


async def _drain(request: Request, seen: int = 0) -> None:
    """Read and discard the rest (bounded), so the client gets the 413 instead of a reset."""
    with contextlib.suppress(Exception):
        async for chunk in request.stream():
            seen += len(chunk)
            if seen > DRAIN_LIMIT_BYTES:
                break


def _answer(
    status: int, started: float, request: Request, *, close: bool = False, **fields: t.Any
) -> JSONResponse:
    body: dict[str, t.Any] = {"ok": status == 200}
    if "reason" in fields:
        body["error"] = fields["reason"]
    if "delivery_id" in fields:
        body["delivery_id"] = fields["delivery_id"]
    access_log.access(
        method=request.method,
        path=request.url.path,
        status=status,
        ms=round((time.perf_counter() - started) * 1000, 2),
        remote=request.client.host if request.client else None,
        **fields,
    )
    headers = {"connection": "close"} if close else None
    return JSONResponse(body, status_code=status, headers=headers)


async def receive(request: Request) -> JSONResponse:
    """One delivery: verify, parse, store."""
    started = time.perf_counter()
    received_at = dt.datetime.now(dt.UTC)
    state: ReceiverState = request.app.state.receiver
    settings = state.settings
    try:
        raw = await _read_body_in_time(
            request, settings.max_body_bytes, settings.body_timeout_seconds
        )
    except BodyTooLarge:
        return _answer(413, started, request, reason="body too large")
    except BodyTooSlow:
        return _answer(
            408,
            started,
            request,
            reason=f"body not complete within {settings.body_timeout_seconds:g} s",
            close=True,
        )
    except ClientDisconnect:
        return _answer(499, started, request, reason="client disconnected before the body ended")
    signature = request.headers.get("x-signature")
    if not signature:
        return _answer(401, started, request, bytes=len(raw), reason="missing X-Signature")
    arrived = time.monotonic()
    matched = state.keyring.matches(raw, signature)
    if not matched and settings.secrets_from_database:
        # Maybe a webhook registered since the last load: reload, then decide.
        if not await state.reload_keys(newer_than=arrived):
            return _answer(
                503, started, request, bytes=len(raw), reason="database unavailable (secrets)"
            )
        matched = state.keyring.matches(raw, signature)
    if not matched:
        return _answer(401, started, request, bytes=len(raw), reason="signature mismatch")
    try:
        delivery = payload.parse(raw)
    except payload.PayloadError as exc:
        return _answer(
            400, started, request, bytes=len(raw), secret_id=matched[0].id, reason=str(exc)
        )
    key: SigningKey | None = vouching_key(matched, delivery.webhook_id)
    if key is None:
        return _answer(
            401,
            started,
            request,
            bytes=len(raw),
            webhook_id=delivery.webhook_id,
            reason="signed with the secret of another webhook",
        )
    secret_id = key.id
    if delivery.repaired:
        log.warning(
            "delivery repaired: NUL removed, lone surrogates or undecodable bytes replaced by "
            "U+FFFD; raw_body keeps the signed bytes",
            extra={"webhook_id": delivery.webhook_id, "repaired": delivery.repaired},
        )
    item = Received(
        delivery=delivery,
        raw=raw,
        received_at=received_at,
        signature=signature.strip().lower(),
        secret_id=secret_id,
        headers={h: request.headers[h] for h in KEPT_HEADERS if h in request.headers},
        remote_addr=request.client.host if request.client else None,
    )
    ids: dict[str, t.Any] = {
        "webhook_id": delivery.webhook_id,
        "event": delivery.event,
        "secret_id": secret_id,
    }
    if delivery.repaired:
        ids["repaired"] = delivery.repaired
    try:
        delivery_id = await state.store.insert(item)
    except DatabaseUnavailable as exc:
        return _answer(
            503, started, request, bytes=len(raw), reason=f"database unavailable: {exc}", **ids
        )
    except RejectedByDatabase as exc:
        return _answer(400, started, request, bytes=len(raw), reason=f"rejected: {exc}", **ids)
    return _answer(200, started, request, bytes=len(raw), delivery_id=delivery_id, **ids)


async def health(request: Request) -> JSONResponse:
    """``{"status": "ok"|"degraded", "database": "reachable"|"unreachable", ...}``."""
    state: ReceiverState = request.app.state.receiver
    reason = await state.store.ping()
    body: dict[str, t.Any] = {
        "status": "ok" if reason is None else "degraded",
        "database": "reachable" if reason is None else "unreachable",
        "secrets": len(state.keyring),
    }
    if reason is not None:
        body["reason"] = reason
    return JSONResponse(body, status_code=200 if reason is None else 503)


async def _refresh_forever(state: ReceiverState) -> None:
    while True:
        await asyncio.sleep(state.settings.secrets_refresh_seconds)
        await state.reload_keys()


def create_app(
    settings: Settings,
    store: DeliveryStore | None = None,
    on_ready: Callable[[], None] | None = None,
) -> Starlette:
    """The ASGI application; the lifespan opens the pool and keeps the secrets fresh."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        the_store = store or DeliveryStore(settings)
        configured = Keyring(settings.keys)
        state = ReceiverState(settings, the_store, configured, configured)
        app.state.receiver = state
        await the_store.open()
        await state.reload_keys()
        refresher = asyncio.create_task(_refresh_forever(state))
        log.info(
            "receiver started",
            extra={
                "path": settings.path,
                "database": settings.database_location,
                "schema": settings.schema,
                "secret_ids": state.keyring.ids,
                "max_body_bytes": settings.max_body_bytes,
            },
        )
        if on_ready is not None:
            on_ready()
        try:
            yield
        finally:
            refresher.cancel()
            await the_store.close()

    return Starlette(
        routes=[
            Route(settings.path, receive, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
