"""The webhook receiver over real HTTP with a real PostgreSQL: signatures, status codes, what a
stored row holds, duplicates, secrets from the database, settings errors and log hygiene."""

from __future__ import annotations

import hashlib
import json
import subprocess
import typing as t
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from webhook_testkit import WEBHOOKS_EXE, Receiver, delivery, rows, sign

SECRET_A = "A" * 20 + uuid.uuid4().hex.upper()
SECRET_B = "B" * 20 + uuid.uuid4().hex.upper()
MAX_BODY = 4096


@pytest.fixture(scope="module")
def schema() -> str:
    return f"hooks_{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def receiver(database_url: str, schema: str) -> Iterator[Receiver]:
    """One receiver for the module: two configured secrets, small body limit."""
    config = {
        "database_url": database_url,
        "schema": schema,
        "secrets": {"hook-a": SECRET_A},
        "max_body_bytes": MAX_BODY,
    }
    proc = Receiver(config, env={"CLICKUP_WEBHOOK_SECRETS": f"{SECRET_B}"})
    yield proc
    proc.stop()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'drop schema if exists "{schema}" cascade')


def fresh_id() -> str:
    return f"wh-{uuid.uuid4().hex[:10]}"


def stored(database_url: str, schema: str, webhook_id: str) -> list[dict[str, t.Any]]:
    return rows(database_url, schema, "webhook_id = %s", (webhook_id,))


def test_a_valid_delivery_is_stored_raw(receiver: Receiver, database_url: str, schema: str) -> None:
    webhook_id = fresh_id()
    body = delivery(webhook_id, "2800000001", list_id=901, data={"interval_id": "7"})
    response = receiver.post(body, SECRET_A, **{"User-Agent": "ClickUp", "Cookie": "x=1"})
    assert response.status_code == 200, response.text
    [row] = stored(database_url, schema, webhook_id)
    assert response.json() == {"ok": True, "delivery_id": row["delivery_id"]}
    assert (row["event"], row["task_id"], row["list_id"], row["folder_id"]) == (
        "taskUpdated", "86abc", "901", None,
    )  # fmt: skip
    assert row["history_item_ids"] == ["2800000001"]
    assert row["body"] == json.loads(body)
    assert bytes(row["raw_body"]) == body
    assert row["body_sha256"] == hashlib.sha256(body).hexdigest()
    assert row["secret_id"] == "hook-a"
    assert sign(bytes(row["raw_body"]), SECRET_A) == row["signature"]  # re-verifiable
    assert row["headers"]["user-agent"] == "ClickUp" and "cookie" not in row["headers"]
    assert row["remote_addr"] == "127.0.0.1" and row["received_at"] is not None


def test_several_secrets_and_uppercase_hex(
    receiver: Receiver, database_url: str, schema: str
) -> None:
    webhook_id = fresh_id()
    first = delivery(webhook_id, "1")
    second = delivery(webhook_id, "2")
    assert receiver.post(first, SECRET_A).status_code == 200
    assert receiver.post(second, None, signature=sign(second, SECRET_B).upper()).status_code == 200
    ids = [r["secret_id"] for r in stored(database_url, schema, webhook_id)]
    assert ids == ["hook-a", "key-" + hashlib.sha256(SECRET_B.encode()).hexdigest()[:12]]


@pytest.mark.parametrize(
    ("secret", "signature"),
    [
        (None, None),  # no header
        (None, ""),  # empty header
        ("wrong-secret", None),
        (None, "0" * 64),
        (None, "not-hex-at-all-é"),
    ],
)
def test_a_bad_or_missing_signature_is_401_and_stores_nothing(
    receiver: Receiver, database_url: str, schema: str, secret: str | None, signature: str | None
) -> None:
    webhook_id = fresh_id()
    body = delivery(webhook_id, "9")
    sent_signature = signature.encode("utf-8").decode("latin-1") if signature else signature
    response = receiver.post(body, secret, signature=sent_signature)
    assert response.status_code == 401
    assert stored(database_url, schema, webhook_id) == []


def test_a_signature_of_other_bytes_is_rejected(
    receiver: Receiver, database_url: str, schema: str
) -> None:
    webhook_id = fresh_id()
    body = delivery(webhook_id, "10")
    reformatted = json.dumps(json.loads(body), indent=2).encode()  # same JSON, other bytes
    assert receiver.post(body, None, signature=sign(reformatted, SECRET_A)).status_code == 401
    assert stored(database_url, schema, webhook_id) == []


def test_duplicates_are_all_stored(receiver: Receiver, database_url: str, schema: str) -> None:
    webhook_id = fresh_id()
    body = delivery(webhook_id, "2800000042")
    statuses = [receiver.post(body, SECRET_A).status_code for _ in range(3)]
    twin = delivery(webhook_id, "2800000042", event="taskStatusUpdated")
    statuses.append(receiver.post(twin, SECRET_A).status_code)
    assert statuses == [200] * 4
    found = stored(database_url, schema, webhook_id)
    assert len(found) == 4 and len({r["delivery_id"] for r in found}) == 4
    assert {r["history_item_ids"][0] for r in found} == {"2800000042"}
    assert [r["event"] for r in found].count("taskUpdated") == 3


def test_body_size_limit(receiver: Receiver, database_url: str, schema: str) -> None:
    webhook_id = fresh_id()
    base = delivery(webhook_id, "11")
    padded = json.loads(base)
    padded["pad"] = ""
    exact = json.dumps(padded).encode()
    padded["pad"] = "x" * (MAX_BODY - len(exact))
    at_limit = json.dumps(padded).encode()
    assert len(at_limit) == MAX_BODY
    assert receiver.post(at_limit, SECRET_A).status_code == 200
    padded["pad"] += "x"
    over = json.dumps(padded).encode()
    assert receiver.post(over, SECRET_A).status_code == 413
    big = json.dumps({**padded, "pad": "y" * 3_000_000}).encode()
    assert receiver.post(big, SECRET_A).status_code == 413
    assert len(stored(database_url, schema, webhook_id)) == 1


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", b'"text"', b"", b'{"a": NaN}', b"\xff\xfe{}", b'{"a": '],
)
def test_a_signed_body_that_is_not_a_json_object_is_400(
    receiver: Receiver, database_url: str, schema: str, body: bytes
) -> None:
    before = len(rows(database_url, schema))
    response = receiver.post(body, SECRET_A)
    assert response.status_code == 400, response.text
    assert len(rows(database_url, schema)) == before


def test_nul_characters_are_kept_in_the_raw_bytes(
    receiver: Receiver, database_url: str, schema: str
) -> None:
    webhook_id = fresh_id()
    body = json.dumps({"webhook_id": webhook_id, "event": "taskUpdated", "x": "a\u0000b"}).encode()
    assert receiver.post(body, SECRET_A).status_code == 200
    [row] = stored(database_url, schema, webhook_id)
    assert bytes(row["raw_body"]) == body and row["body"]["x"] == "ab"


def test_secrets_stored_in_the_database_are_picked_up_while_running(
    receiver: Receiver, database_url: str, schema: str
) -> None:
    from clickup_webhook_receiver import secret_store

    webhook_id = fresh_id()
    secret = "C" * 20 + uuid.uuid4().hex.upper()
    body = delivery(webhook_id, "12")
    assert receiver.post(body, secret).status_code == 401
    with psycopg.connect(database_url, autocommit=True) as conn:
        hook = {"id": webhook_id, "team_id": 9, "endpoint": "e", "events": ["*"], "secret": secret}
        secret_store.save(conn, schema, ("airbyte_raw",), hook)
    # Right away: a miss waits for a fresh reload rather than answering 401 on stale secrets.
    assert receiver.post(body, secret).status_code == 200
    [row] = stored(database_url, schema, webhook_id)
    assert row["secret_id"] == webhook_id


def test_health_and_the_404s(receiver: Receiver) -> None:
    response = receiver.health()
    assert response.status_code == 200
    assert response.json()["database"] == "reachable"
    assert receiver.session.get(receiver.url, timeout=5).status_code == 405
    assert receiver.session.post(receiver.base + "/other", timeout=5).status_code == 404


def test_access_log_is_one_json_line_per_request_without_secrets(receiver: Receiver) -> None:
    body = delivery(fresh_id(), "13")
    seen = len(receiver.access_lines())
    answers = [
        receiver.post(body, SECRET_A),
        receiver.post(body, SECRET_B),
        receiver.post(delivery(fresh_id(), "14"), "guess"),
        receiver.post(b"[]", SECRET_A),
        receiver.post(b"{" + b" " * MAX_BODY + b"}", SECRET_A),
    ]
    assert [a.status_code for a in answers] == [200, 200, 401, 400, 413]
    lines = receiver.access_lines_after(seen, 5)
    assert [line["status"] for line in lines] == [200, 200, 401, 400, 413]
    assert {"ts", "level", "status", "ms", "method", "path", "remote"} <= set(lines[0])
    assert lines[0]["webhook_id"] == json.loads(body)["webhook_id"]
    assert lines[2]["reason"] == "signature mismatch" and "secret_id" not in lines[2]
    log = receiver.stderr
    for secret in (SECRET_A, SECRET_B):
        assert secret not in log and secret.lower() not in log
        assert sign(body, secret) not in log  # nor the signatures
    for line in log.splitlines():
        assert line.startswith("{"), line  # nothing but JSON lines


def test_an_airbyte_table_is_refused_with_one_line(database_url: str) -> None:
    schema = f"hooks_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'create schema "{schema}"')
        conn.execute(f'create table "{schema}".webhook_deliveries (_airbyte_raw_id text)')
    try:
        with pytest.raises(RuntimeError, match="did not start") as failed:
            Receiver({"database_url": database_url, "schema": schema, "secrets": ["s3cret-x"]})
        assert "_airbyte_raw_id" in str(failed.value) and "Traceback" not in str(failed.value)
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'drop schema "{schema}" cascade')


def _serve(*args: str, config: dict | None = None, tmp_path: t.Any = None, env: dict | None = None):
    command = [str(WEBHOOKS_EXE), "serve", *args]
    if config is not None:
        path = tmp_path / "cfg.json"
        path.write_text(json.dumps(config))
        command += ["--config", str(path)]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=30, env={"PATH": "/usr/bin", **(env or {})}
    )


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"database_url": "mysql://u:pw-SECRET@h/db"}, "database_url must start with postgresql"),
        ({"database_url": "postgresql://u:pw-SECRET@h/db", "port": "eighty"}, "port must be"),
        ({"database_url": "postgresql://u:pw-SECRET@h/db", "max_body_bytes": 0}, "max_body_bytes"),
        ({"database_url": "postgresql://u:pw-SECRET@h/db", "secrets": [""]}, "secret 1 is empty"),
        ({"database_url": "postgresql://u:pw-SECRET@h/db", "schema": "x;drop"}, "schema"),
        (
            {"database_url": "postgresql://u:pw-SECRET@h/db", "sekrets": "pw-SECRET"},
            "unknown setting",
        ),
        ({}, "no database"),
    ],
)
def test_bad_settings_give_one_line_without_secrets(
    tmp_path: t.Any, config: dict, expected: str
) -> None:
    result = _serve(config=config, tmp_path=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("clickup-webhooks: error:"), result.stderr
    assert expected in lines[0]
    assert "pw-SECRET" not in result.stderr + result.stdout


def test_bad_json_config_file(tmp_path: t.Any) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{nope")
    result = subprocess.run(
        [str(WEBHOOKS_EXE), "serve", "--config", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 1 and "not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_dropped_table_is_created_again(database_url: str) -> None:
    schema = f"hooks_{uuid.uuid4().hex[:8]}"
    receiver = Receiver({"database_url": database_url, "schema": schema, "secrets": [SECRET_A]})
    try:
        assert receiver.post(delivery("wh-drop", "1"), SECRET_A).status_code == 200
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'drop table "{schema}".webhook_deliveries')
        assert receiver.post(delivery("wh-drop", "2"), SECRET_A).status_code == 200
        assert [r["history_item_ids"] for r in rows(database_url, schema)] == [["2"]]
    finally:
        receiver.stop()
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'drop schema if exists "{schema}" cascade')


def test_a_role_with_insert_and_select_grants_is_enough(database_url: str) -> None:
    from clickup_webhook_receiver import secret_store
    from clickup_webhook_receiver.tables import ensure_deliveries

    schema = f"hooks_{uuid.uuid4().hex[:8]}"
    role = f"recv_{uuid.uuid4().hex[:8]}"
    secret = "D" * 40
    with psycopg.connect(database_url, autocommit=True) as conn:
        ensure_deliveries(conn, schema, ())
        secret_store.save(
            conn, schema, (), {"id": "wh-role", "team_id": 1, "endpoint": "e", "secret": secret}
        )
        conn.execute(f"create role {role} login")
        conn.execute(f'grant usage on schema "{schema}" to {role}')
        # SELECT for the delivery_id the INSERT returns.
        conn.execute(f'grant insert, select on "{schema}".webhook_deliveries to {role}')
        conn.execute(f'grant select on "{schema}".webhook_secrets to {role}')
    as_role = psycopg.conninfo.make_conninfo(database_url, user=role)
    receiver = Receiver({"database_url": as_role, "schema": schema})
    try:
        answer = receiver.post(delivery("wh-role", "1"), secret)
        assert answer.status_code == 200, receiver.stderr[-1500:]
        [row] = rows(database_url, schema)
        assert row["secret_id"] == "wh-role"
    finally:
        receiver.stop()
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'drop schema "{schema}" cascade')
            conn.execute(f"drop role {role}")
