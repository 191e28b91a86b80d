"""The management command against the ClickUp sandbox: register, list, reactivate and delete
webhooks, secrets stored in PostgreSQL and never printed, 429 handling, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from clickup_sandbox.config import SandboxConfig
from clickup_sandbox.faults import FaultRule
from clickup_sandbox.server import SandboxServer
from clickup_webhook_receiver.clickup_api import ClickUpClient
from clickup_webhook_receiver.errors import ClickUpApiError
from webhook_testkit import WEBHOOKS_EXE

TOKEN = "pk_sandbox"


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(
        SandboxConfig(tasks=60, members=8, rate_limit=1000, rate_window_seconds=1.0)
    ).start()
    yield server
    server.stop()


@pytest.fixture
def schema(database_url: str) -> Iterator[str]:
    name = f"cmd_{uuid.uuid4().hex[:8]}"
    yield name
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'drop schema if exists "{name}" cascade')


def team_id(sandbox: SandboxServer) -> str:
    return next(iter(sandbox.app.state.workspaces))


def run(
    sandbox: SandboxServer, database_url: str, schema: str, *args: str, token: str = TOKEN
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLICKUP_", "PG", "DATABASE"))}
    env |= {
        "CLICKUP_API_TOKEN": token,
        "CLICKUP_BASE_URL": sandbox.url,
        "DATABASE_URL": database_url,
        "CLICKUP_WEBHOOKS_SCHEMA": schema,
    }
    return subprocess.run(
        [str(WEBHOOKS_EXE), *args], capture_output=True, text=True, timeout=60, env=env
    )


def secrets_of(sandbox: SandboxServer) -> list[str]:
    return [w.secret for w in sandbox.app.state.webhooks.values()]


def stored_secrets(database_url: str, schema: str) -> dict[str, str]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(f'select webhook_id, secret from "{schema}".webhook_secrets').fetchall()
    return dict(rows)


def test_register_list_reactivate_delete(
    sandbox: SandboxServer, database_url: str, schema: str
) -> None:
    team = team_id(sandbox)
    registered = run(
        sandbox, database_url, schema, "register", "--team-id", team,
        "--endpoint", "https://hooks.example.com/webhook", "--event", "taskUpdated",
        "--event", "taskStatusUpdated", "--list-id", "901200001", "--json",
    )  # fmt: skip
    assert registered.returncode == 0, registered.stderr
    [hook] = json.loads(registered.stdout)
    assert "secret" not in hook and hook["list_id"] == "901200001"
    [secret] = secrets_of(sandbox)
    assert stored_secrets(database_url, schema) == {hook["id"]: secret}

    listed = run(sandbox, database_url, schema, "list", "--team-id", team)
    listed_json = run(sandbox, database_url, schema, "list", "--team-id", team, "--json")
    assert hook["id"] in listed.stdout and "active (fails 0)" in listed.stdout
    assert "secret stored: yes" in listed.stdout
    [entry] = json.loads(listed_json.stdout)
    assert entry["secret_stored"] is True and "secret" not in entry

    sandbox.app.state.webhooks[hook["id"]].status = "suspended"
    sandbox.app.state.webhooks[hook["id"]].fail_count = 3
    assert (
        "suspended (fails 3)"
        in run(sandbox, database_url, schema, "list", "--team-id", team).stdout
    )
    reactivated = run(sandbox, database_url, schema, "reactivate", "--team-id", team, hook["id"])
    assert reactivated.returncode == 0, reactivated.stderr
    assert "active (fails 0)" in reactivated.stdout

    deleted = run(sandbox, database_url, schema, "delete", hook["id"])
    assert deleted.returncode == 0 and f"deleted {hook['id']}" in deleted.stdout
    assert stored_secrets(database_url, schema) == {} and sandbox.app.state.webhooks == {}
    assert "no webhooks" in run(sandbox, database_url, schema, "list", "--team-id", team).stdout

    outputs = "".join(
        r.stdout + r.stderr for r in (registered, listed, listed_json, reactivated, deleted)
    )
    assert secret not in outputs and secret.lower() not in outputs and TOKEN not in outputs


def test_a_webhook_whose_secret_cannot_be_stored_is_not_left_behind(
    sandbox: SandboxServer, schema: str
) -> None:
    broken = "postgresql://nobody@/nowhere?host=/tmp/no-such-dir-x"
    result = run(
        sandbox,
        broken,
        schema,
        "register",
        "--team-id",
        team_id(sandbox),
        "--endpoint",
        "https://x",
    )
    assert result.returncode == 1
    assert result.stderr.startswith("clickup-webhooks: error: cannot use PostgreSQL")
    assert len(result.stderr.strip().splitlines()) == 1
    assert sandbox.app.state.webhooks == {}


def test_clickup_errors_are_one_line_without_the_token(
    sandbox: SandboxServer, database_url: str, schema: str
) -> None:
    bad = run(
        sandbox, database_url, schema, "list", "--team-id", team_id(sandbox), token="pk_bad_x1"
    )
    assert bad.returncode == 1 and "HTTP 401" in bad.stderr and "Traceback" not in bad.stderr
    assert "pk_bad_x1" not in bad.stderr + bad.stdout
    missing = run(sandbox, database_url, schema, "delete", "no-such-hook")
    assert missing.returncode == 1 and "HTTP 404" in missing.stderr
    no_token = run(sandbox, database_url, schema, "list", "--team-id", "1", token="")
    assert no_token.returncode == 1 and "CLICKUP_API_TOKEN" in no_token.stderr


def test_429_waits_until_the_reset_header(sandbox: SandboxServer) -> None:
    waits: list[float] = []
    client = ClickUpClient(TOKEN, sandbox.url, sleep=waits.append)
    rule = {"path_contains": "/webhook", "kind": "http_429", "count": 2}
    sandbox.app.faults.add([FaultRule.from_json(rule)])
    assert client.list_webhooks(team_id(sandbox)) == []
    assert client.rate_limit_waits == 2 and len(waits) == 2
    # The sandbox's reset is the end of its 1-second window, in whole epoch seconds (rounded up).
    assert all(0 < w <= 2.1 for w in waits), waits


def test_the_wait_follows_x_ratelimit_reset() -> None:
    import requests

    client = ClickUpClient(TOKEN, "http://127.0.0.1:9", clock=lambda: 1_700_000_000.0)
    answer = requests.Response()
    for header, expected in [("1700000003", 3.05), ("1700000003500", 3.55), ("1699999990", 0.05),
                             ("1700009999", 120.0), ("soon", 1.0)]:  # fmt: skip
        answer.headers["X-RateLimit-Reset"] = header
        assert client.wait_for_reset(answer) == pytest.approx(expected)


def test_429_on_every_try_gives_up_with_a_message(sandbox: SandboxServer) -> None:
    client = ClickUpClient(TOKEN, sandbox.url, sleep=lambda s: None)
    sandbox.app.faults.add(
        [FaultRule.from_json({"path_contains": "/webhook", "kind": "http_429", "count": 9})]
    )
    started = time.monotonic()
    with pytest.raises(ClickUpApiError, match="HTTP 429"):
        client.list_webhooks(team_id(sandbox))
    assert time.monotonic() - started < 5
