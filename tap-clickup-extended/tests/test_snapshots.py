"""Which streams are complete snapshots (and so send ACTIVATE_VERSION after a good run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tap_clickup_extended.tap import TapClickUpExtended

from .conftest import SandboxApi
from .tap_testkit import run_tap

FULL_TABLE = {"workspaces", "members", "spaces", "folders", "lists", "task_templates"}


def test_full_table_streams_are_complete_snapshots_and_incremental_ones_are_not() -> None:
    tap = TapClickUpExtended(
        config={"api_token": "pk_test", "base_url": "http://127.0.0.1:9"}, validate_config=False
    )
    complete = {name for name, stream in tap.streams.items() if stream.is_complete_snapshot}
    assert complete == FULL_TABLE


def test_activate_version_follows_the_records_of_a_successful_run_only(
    tmp_path: Path, sandbox_api: SandboxApi, base_config: dict[str, Any]
) -> None:
    # from a start_date, the tasks walk is partial: it proves no deletion (a run from nothing is
    # a complete scan that versions the tasks too: tests/test_task_deletions.py)
    run = run_tap(tmp_path, {**base_config, "start_date": "2000-01-01T00:00:00Z"})
    assert run.returncode == 0, run.stderr
    messages = run.messages
    activated = {m["stream"]: i for i, m in enumerate(messages) if m["type"] == "ACTIVATE_VERSION"}
    assert set(activated) == FULL_TABLE & {m.get("stream") for m in messages}
    for stream, position in activated.items():
        records = [
            (i, m)
            for i, m in enumerate(messages)
            if m["type"] == "RECORD" and m["stream"] == stream
        ]
        assert records and all(i < position for i, _ in records), stream
        assert {m["version"] for _, m in records} == {messages[position]["version"]}, stream
    assert not any(
        m["type"] == "RECORD" and m["stream"] == "tasks" and "version" in m for m in messages
    )
    # A run that fails (here on the tasks walk) closes no snapshot: nothing gets deleted.
    sandbox_api.fail(f"/api/v2/team/{sandbox_api.team_id}/task?", "http_503", count=5)
    failed = run_tap(tmp_path, {**base_config, "max_retries": 1})
    assert failed.returncode == 1
    assert not any(m["type"] == "ACTIVATE_VERSION" for m in failed.messages)
