"""The real sandbox delivering to the real receiver: webhooks registered with the command, the
workspace mutated, and the stored rows compared with the sandbox's ground truth of events sent,
with duplicates, reordering and a database outage in the middle."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Iterator

import psycopg
import pytest
import requests
from clickup_sandbox.config import SandboxConfig
from clickup_sandbox.server import SandboxServer
from extras_testkit import StoppablePostgres
from webhook_testkit import WEBHOOKS_EXE, Receiver, rows


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(
        SandboxConfig(
            tasks=120,
            members=10,
            rate_limit=100_000,
            webhook_duplicate_rate=0.3,
            webhook_reorder_rate=0.3,
            webhook_retry_delay_seconds=0.4,
        )
    ).start()
    yield server
    server.stop()


def control(sandbox: SandboxServer, method: str, path: str, body: dict | None = None) -> dict:
    response = requests.request(method, f"{sandbox.base_url}/_sandbox{path}", json=body, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def register(sandbox: SandboxServer, database_url: str, schema: str, endpoint: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLICKUP_", "PG", "DATABASE"))}
    env |= {
        "CLICKUP_API_TOKEN": "pk_sandbox",
        "CLICKUP_BASE_URL": sandbox.url,
        "DATABASE_URL": database_url,
        "CLICKUP_WEBHOOKS_SCHEMA": schema,
    }
    team = next(iter(sandbox.app.state.workspaces))
    result = subprocess.run(
        [str(WEBHOOKS_EXE), "register", "--team-id", team, "--endpoint", endpoint],
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.split()[0]


def assert_rows_match_ground_truth(sandbox: SandboxServer, database_url: str, schema: str) -> dict:
    waited = control(sandbox, "POST", "/webhook_events/wait", {"timeout_seconds": 60})
    assert waited["idle"], waited
    truth = control(sandbox, "GET", "/webhook_events")
    events = truth["events"]
    assert events and {e["status"] for e in events} == {"delivered"}
    # Each successful attempt is exactly one stored row; every event landed at least once.
    expected = Counter(
        (e["webhook_id"], e["event"], tuple(e["history_item_ids"]), e["body_sha256"])
        for e in events
        for _ in range(e["successes"])
    )
    stored = Counter(
        (r["webhook_id"], r["event"], tuple(r["history_item_ids"]), r["body_sha256"])
        for r in rows(database_url, schema)
    )
    assert stored == expected
    stats = control(sandbox, "GET", "/stats")["webhooks"]
    assert stats["succeeded"] == sum(expected.values())
    return truth


def test_every_event_lands_with_duplicates_and_reordering(
    database_url: str, sandbox: SandboxServer
) -> None:
    schema = f"pipe_{uuid.uuid4().hex[:8]}"
    receiver = Receiver({"database_url": database_url, "schema": schema})  # secrets from the DB
    try:
        webhook_id = register(sandbox, database_url, schema, receiver.url)
        control(sandbox, "POST", "/mutate", {"count": 60, "seed": 21})
        truth = assert_rows_match_ground_truth(sandbox, database_url, schema)
        assert {e["webhook_id"] for e in truth["events"]} == {webhook_id}
        assert any(e["copies"] == 2 for e in truth["events"])  # duplicates were sent and stored
        stats = control(sandbox, "GET", "/stats")["webhooks"]
        assert stats["reordered"] > 0 and stats["failed_attempts"] == 0
        # The dedup key of the contract: (webhook_id, history item id) collapses the copies
        # and the specific-event twins to one row per change.
        with psycopg.connect(database_url, autocommit=True) as conn:
            keys = conn.execute(
                f'select count(distinct (webhook_id, item)) from "{schema}".webhook_deliveries,'
                " unnest(history_item_ids) as item"
            ).fetchone()
        changes = {i for e in truth["events"] for i in e["history_item_ids"]}
        assert keys == (len(changes),)
    finally:
        receiver.stop()
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'drop schema if exists "{schema}" cascade')


def test_events_sent_during_a_database_outage_land_through_retries(sandbox: SandboxServer) -> None:
    postgres = StoppablePostgres()
    receiver = Receiver({"database_url": postgres.url, "database_timeout_seconds": 1.0})
    try:
        register(sandbox, postgres.url, "clickup_extras", receiver.url)
        control(sandbox, "POST", "/mutate", {"count": 5, "seed": 1})
        control(sandbox, "POST", "/webhook_events/wait", {"timeout_seconds": 30})
        postgres.stop()
        control(sandbox, "POST", "/mutate", {"count": 15, "seed": 2})
        time.sleep(1.5)  # first tries and a retry fail with 503 meanwhile
        assert control(sandbox, "GET", "/stats")["webhooks"]["by_status"].get("503", 0) > 0
        postgres.start()
        truth = assert_rows_match_ground_truth(sandbox, postgres.url, "clickup_extras")
        assert max(e["attempts"] for e in truth["events"]) > 1
        assert any(line["status"] == 503 for line in receiver.access_lines())
    finally:
        receiver.stop()
        postgres.close()
