"""Run the receiver: check the database once, bind the socket, serve with uvicorn.

The socket is bound before uvicorn starts, so ``port: 0`` works (tests, benchmarks) and the
ready line on stdout names the real port. A database that is down at start-up is not fatal: the
receiver answers 503 until it comes back. An Airbyte-owned table is fatal (one-line error).
Slow clients are cut off: request headers within ``header_timeout_seconds``, the body within
``body_timeout_seconds`` (408), idle kept-alive connections after ``keep_alive_seconds``, and
no more than ``max_connections`` at once (:mod:`.protocol`).
"""

from __future__ import annotations

import logging
import socket
import sys

import psycopg
import uvicorn
from target_extras.errors import AirbyteGuardError

from clickup_webhook_receiver import access_log, secret_store
from clickup_webhook_receiver.app import create_app
from clickup_webhook_receiver.errors import WebhookError
from clickup_webhook_receiver.protocol import guarded_protocol
from clickup_webhook_receiver.settings import Settings
from clickup_webhook_receiver.store import DeliveryStore

log = logging.getLogger("clickup_webhook_receiver.server")


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must say TCP: asyncio sets TCP_NODELAY only on sockets that do, and without it
    # every answer waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise WebhookError(f"cannot listen on {host}:{port}: {exc.strerror}.") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _sensitive(settings: Settings) -> list[str]:
    values = [k.secret for k in settings.keys]
    if settings.clickup_api_token:
        values.append(settings.clickup_api_token)
    values.extend(k.strip() for k in (settings.secrets_key or "").split(",") if k.strip())
    try:
        password = psycopg.conninfo.conninfo_to_dict(settings.database_url).get("password")
    except psycopg.ProgrammingError:
        password = None
    if password:
        values.append(str(password))
    return values


def prepare(store: DeliveryStore) -> None:
    """Create the table now if the database answers; only the Airbyte guard is fatal."""
    try:
        store.prepare_sync()
        if store.settings.secrets_from_database:
            store.load_keys_sync()  # encrypted secrets without their key: one line, now
            _warn_plaintext(store)
    except AirbyteGuardError as exc:
        raise WebhookError(str(exc.format_message())) from None
    except psycopg.OperationalError as exc:
        reason = " ".join(str(exc).split())
        log.warning(
            "database unreachable at start-up; answering 503 until it is back",
            extra={"database": store.settings.database_location, "reason": reason},
        )


def _warn_plaintext(store: DeliveryStore) -> None:
    with store._connect_sync() as pg:
        plain = secret_store.plaintext_count(pg, store.settings.schema)
    if plain and store.settings.secrets_key:
        log.warning(
            "%d stored webhook secrets are not encrypted yet: run "
            "`clickup-webhooks encrypt-secrets`",
            plain,
        )
    elif plain:
        log.warning(
            "%d stored webhook secrets are in plaintext: set CLICKUP_WEBHOOKS_SECRETS_KEY and "
            "run `clickup-webhooks encrypt-secrets` (docs/webhooks.md)",
            plain,
        )


def serve(settings: Settings) -> None:
    """Serve until SIGINT/SIGTERM."""
    access_log.configure(_sensitive(settings))
    store = DeliveryStore(settings)
    prepare(store)
    sock = _bind(settings.host, settings.port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host

    def ready() -> None:
        print(f"clickup-webhooks ready: http://{shown}:{port}{settings.path}", flush=True)

    config = uvicorn.Config(
        create_app(settings, store, on_ready=ready),
        log_config=None,
        access_log=False,
        server_header=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
        http=guarded_protocol(settings.header_timeout_seconds, settings.max_connections),
        timeout_keep_alive=max(1, round(settings.keep_alive_seconds)),
        # uvicorn answers 503 beyond this many connections or tasks; the protocol's own cap
        # closes connections beyond max_connections before they cost anything.
        limit_concurrency=settings.max_connections + 1,
    )
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
    if not server.started:
        sys.exit(1)
