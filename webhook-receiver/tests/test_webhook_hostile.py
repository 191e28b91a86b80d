"""The receiver against hostile clients and payloads: unstorable strings in signed deliveries,
other webhooks' secrets, slow clients, too many connections, clients that vanish mid-body."""

from __future__ import annotations

import contextlib
import json
import socket
import time
import typing as t
import uuid
from collections.abc import Iterator
from urllib.parse import urlparse

import psycopg
import pytest
from clickup_webhook_receiver import secret_store
from webhook_testkit import Receiver, rows, sign

SECRET_A = "A" * 20 + uuid.uuid4().hex
SECRET_B = "B" * 20 + uuid.uuid4().hex
HOOK_A = f"hook-a-{uuid.uuid4().hex[:6]}"
HOOK_B = f"hook-b-{uuid.uuid4().hex[:6]}"
TIMEOUT = 2.0


@pytest.fixture(scope="module")
def schema() -> str:
    return f"hostile_{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def receiver(database_url: str, schema: str) -> Iterator[Receiver]:
    """A receiver whose only secrets are two webhooks' stored ones; 2 s header/body deadlines."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        for hook_id, secret in ((HOOK_A, SECRET_A), (HOOK_B, SECRET_B)):
            hook = {"id": hook_id, "team_id": 9, "endpoint": "e", "events": ["*"], "secret": secret}
            secret_store.save(conn, schema, ("airbyte_raw",), hook)
    config = {
        "database_url": database_url,
        "schema": schema,
        "header_timeout_seconds": TIMEOUT,
        "body_timeout_seconds": TIMEOUT,
        "keep_alive_seconds": TIMEOUT,
        "max_connections": 40,
    }
    proc = Receiver(config)
    yield proc
    proc.stop()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'drop schema if exists "{schema}" cascade')


def _address(receiver: Receiver) -> tuple[str, int]:
    url = urlparse(receiver.url)
    return url.hostname or "127.0.0.1", url.port or 80


def _body(webhook_id: str, **values: t.Any) -> bytes:
    return json.dumps({"webhook_id": webhook_id, "event": "taskUpdated", **values}).encode()


def test_lone_surrogates_and_nul_in_a_signed_delivery_are_repaired_and_stored(
    receiver: Receiver, database_url: str, schema: str
) -> None:
    """json.dumps writes the surrogate as ``\\ud800``; jsonb and text[] could hold neither."""
    item = f"item-{uuid.uuid4().hex[:6]}"
    body = _body(
        HOOK_A,
        task_id="t\ud800",
        history_items=[{"id": f"{item}\u0000x", "after": {"name": "lone \ud800"}}],
    )
    assert b"\\ud800" in body and b"\\u0000" in body
    seen = len(receiver.access_lines())
    response = receiver.post(body, SECRET_A)
    assert response.status_code == 200, response.text
    [row] = rows(database_url, schema, "body_sha256 = encode(sha256(%s), 'hex')", (body,))
    assert bytes(row["raw_body"]) == body  # the signed bytes, byte for byte
    assert sign(bytes(row["raw_body"]), SECRET_A) == row["signature"]
    assert row["history_item_ids"] == [f"{item}x"]
    assert row["task_id"] == "t\ufffd"
    assert row["body"]["history_items"][0]["after"]["name"] == "lone \ufffd"
    [line] = receiver.access_lines_after(seen, 1)
    assert line["status"] == 200 and line["repaired"] == 3


def test_a_body_that_is_not_utf8_but_signed_is_stored(
    receiver: Receiver, database_url: str, schema: str
) -> None:
    body = b'{"webhook_id": "' + HOOK_A.encode() + b'", "event": "x", "name": "caf\xe9"}'
    assert receiver.post(body, SECRET_A).status_code == 200
    [row] = rows(database_url, schema, "body_sha256 = encode(sha256(%s), 'hex')", (body,))
    assert bytes(row["raw_body"]) == body and row["body"]["name"] == "caf\ufffd"


def test_a_delivery_signed_with_another_webhooks_secret_is_401_and_stored_nowhere(
    receiver: Receiver, database_url: str, schema: str
) -> None:
    before = len(rows(database_url, schema))
    forged = _body(HOOK_B, history_items=[{"id": uuid.uuid4().hex}])
    response = receiver.post(forged, SECRET_A)
    assert response.status_code == 401
    assert "another webhook" in response.json()["error"]
    assert len(rows(database_url, schema)) == before
    # The same body under its own webhook's secret is stored and credited to it.
    assert receiver.post(forged, SECRET_B).status_code == 200
    [row] = rows(database_url, schema, "body_sha256 = encode(sha256(%s), 'hex')", (forged,))
    assert row["secret_id"] == HOOK_B and row["webhook_id"] == HOOK_B
    # A body naming no webhook cannot be vouched for by a stored secret.
    assert receiver.post(json.dumps({"event": "x"}).encode(), SECRET_A).status_code == 401


def _open_count(sockets: list[socket.socket]) -> int:
    """How many of ``sockets`` the server has not closed (a closed one reads EOF or errors)."""
    open_ = 0
    for sock in sockets:
        sock.setblocking(False)
        try:
            data = sock.recv(4096)
        except BlockingIOError:
            open_ += 1  # nothing to read: still open
            continue
        except OSError:
            continue
        if data and b"408" not in data:
            open_ += 1
    return open_


def test_slow_headers_and_slow_bodies_are_cut_within_the_timeouts(receiver: Receiver) -> None:
    """20 clients dripping their headers and 20 dripping their bodies, a byte every 0.5 s."""
    address = _address(receiver)
    heads = [socket.create_connection(address, timeout=5) for _ in range(20)]
    bodies = [socket.create_connection(address, timeout=5) for _ in range(20)]
    head = (
        f"POST {urlparse(receiver.url).path} HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/json\r\nContent-Length: 500\r\nX-Signature: ab\r\n\r\n"
    ).encode()
    for sock in bodies:
        sock.sendall(head)
    started = time.monotonic()
    for n in range(int((TIMEOUT + 2.5) / 0.5)):
        for group, payload in ((heads, head), (bodies, b" " * 500)):
            for sock in group:
                with contextlib.suppress(OSError):  # closed by the server: what we want
                    sock.send(payload[n : n + 1])
        time.sleep(0.5)
    elapsed = time.monotonic() - started
    still_open = _open_count(heads) + _open_count(bodies)
    for sock in heads + bodies:
        sock.close()
    assert elapsed < TIMEOUT + 4
    assert still_open == 0
    assert receiver.health().status_code == 200  # the receiver still serves


def test_connections_beyond_max_connections_are_closed(receiver: Receiver) -> None:
    address = _address(receiver)
    idle = [socket.create_connection(address, timeout=5) for _ in range(60)]
    time.sleep(0.5)
    still_open = _open_count(idle)
    for sock in idle:
        sock.close()
    assert still_open <= 40


def test_a_client_that_disconnects_mid_body_is_one_info_line(receiver: Receiver) -> None:
    seen = len(receiver.access_lines())
    errors_before = receiver.stderr.count('"level": "error"')
    sock = socket.create_connection(_address(receiver), timeout=5)
    sock.sendall(
        f"POST {urlparse(receiver.url).path} HTTP/1.1\r\nHost: x\r\n"
        'Content-Length: 1000\r\nX-Signature: ab\r\n\r\n{"webhook_id": '.encode()
    )
    time.sleep(0.3)
    sock.close()
    [line] = receiver.access_lines_after(seen, 1)
    assert line["status"] == 499 and line["level"] == "info"
    assert "disconnected" in line["reason"]
    time.sleep(0.3)
    assert receiver.stderr.count('"level": "error"') == errors_before
    assert "Traceback" not in receiver.stderr
