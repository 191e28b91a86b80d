"""Webhook secrets at rest: encrypted under a key from the environment, migrated, rotated."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from clickup_webhook_receiver import secret_store
from clickup_webhook_receiver.secret_cipher import SecretCipher
from cryptography.fernet import Fernet
from webhook_testkit import WEBHOOKS_EXE, Receiver

KEY_OLD = Fernet.generate_key().decode()
KEY_NEW = Fernet.generate_key().decode()


@pytest.fixture
def schema(database_url: str) -> Iterator[str]:
    name = f"atrest_{uuid.uuid4().hex[:8]}"
    yield name
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'drop schema if exists "{name}" cascade')


def _save(database_url: str, schema: str, cipher: SecretCipher | None) -> tuple[str, str]:
    hook_id, secret = f"hook-{uuid.uuid4().hex[:6]}", "S" * 16 + uuid.uuid4().hex
    hook = {"id": hook_id, "team_id": 9, "endpoint": "e", "events": ["*"], "secret": secret}
    with psycopg.connect(database_url, autocommit=True) as conn:
        secret_store.save(conn, schema, ("airbyte_raw",), hook, cipher)
    return hook_id, secret


def _stored(database_url: str, schema: str) -> list[str]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(f'select secret from "{schema}".webhook_secrets').fetchall()
    return [r[0] for r in rows]


def _command(
    database_url: str, schema: str, key: str | None, *args: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLICKUP_", "PG", "DATABASE"))}
    env |= {"DATABASE_URL": database_url, "CLICKUP_WEBHOOKS_SCHEMA": schema}
    if key is not None:
        env["CLICKUP_WEBHOOKS_SECRETS_KEY"] = key
    return subprocess.run(
        [str(WEBHOOKS_EXE), *args], capture_output=True, text=True, timeout=60, env=env, check=False
    )


def _accepts(database_url: str, schema: str, key: str | None, hook_id: str, secret: str) -> int:
    env = {"CLICKUP_WEBHOOKS_SECRETS_KEY": key} if key else {}
    receiver = Receiver({"database_url": database_url, "schema": schema}, env=env)
    try:
        body = json.dumps({"webhook_id": hook_id, "event": "taskUpdated"}).encode()
        return receiver.post(body, secret).status_code
    finally:
        receiver.stop()


def test_secrets_are_encrypted_and_the_receiver_uses_them(database_url: str, schema: str) -> None:
    hook_id, secret = _save(database_url, schema, SecretCipher(KEY_NEW))
    [stored] = _stored(database_url, schema)
    assert stored.startswith("fernet:") and secret not in stored
    assert _accepts(database_url, schema, KEY_NEW, hook_id, secret) == 200


def test_plaintext_rows_are_migrated_and_keys_rotated(database_url: str, schema: str) -> None:
    hook_id, secret = _save(database_url, schema, None)  # a row from before encryption
    assert _stored(database_url, schema) == [secret]
    migrated = _command(database_url, schema, KEY_OLD, "encrypt-secrets")
    assert migrated.returncode == 0, migrated.stderr
    assert "encrypted 1 plaintext and re-encrypted 0" in migrated.stdout
    assert all(s.startswith("fernet:") and secret not in s for s in _stored(database_url, schema))
    # Rotation: new,old for the command, then the new key alone opens every row.
    rotated = _command(database_url, schema, f"{KEY_NEW},{KEY_OLD}", "encrypt-secrets")
    assert rotated.returncode == 0, rotated.stderr
    assert "encrypted 0 plaintext and re-encrypted 1" in rotated.stdout
    [stored] = _stored(database_url, schema)
    assert SecretCipher(KEY_NEW).decrypt(stored) == secret
    assert SecretCipher(KEY_OLD).decrypt(stored) is None
    assert _accepts(database_url, schema, KEY_NEW, hook_id, secret) == 200
    for text in (migrated.stdout + migrated.stderr, rotated.stdout + rotated.stderr):
        assert secret not in text and KEY_OLD not in text and KEY_NEW not in text


def test_missing_or_wrong_key_is_one_line(database_url: str, schema: str) -> None:
    _save(database_url, schema, SecretCipher(KEY_NEW))
    for key in (None, KEY_OLD):
        env = {"CLICKUP_WEBHOOKS_SECRETS_KEY": key} if key else {}
        with pytest.raises(RuntimeError) as failed:
            Receiver({"database_url": database_url, "schema": schema}, env=env).stop()
        text = str(failed.value)
        assert "Traceback" not in text
        assert "stored webhook secrets are encrypted and" in text
        assert "set CLICKUP_WEBHOOKS_SECRETS_KEY" in text
    bad = _command(database_url, schema, "not-a-key", "encrypt-secrets")
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == [
        "clickup-webhooks: error: secrets_key 1 is not a Fernet key (32 url-safe "
        "base64-encoded bytes; value not shown): create one with `clickup-webhooks "
        "generate-key`."
    ]
    no_key = _command(database_url, schema, None, "encrypt-secrets")
    assert no_key.returncode == 1 and "no secrets_key" in no_key.stderr


def test_generate_key_prints_a_fernet_key() -> None:
    key = subprocess.run(
        [str(WEBHOOKS_EXE), "generate-key"], capture_output=True, text=True, timeout=60, check=True
    ).stdout.strip()
    assert SecretCipher(key).key_count == 1
