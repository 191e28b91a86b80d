"""Which streams are complete snapshots (and so send ACTIVATE_VERSION after a good run)."""

from __future__ import annotations

from tap_clickup_extended.tap import TapClickUpExtended

FULL_TABLE = {"workspaces", "members", "spaces", "folders", "lists", "task_templates"}


def test_full_table_streams_are_complete_snapshots_and_incremental_ones_are_not() -> None:
    tap = TapClickUpExtended(
        config={"api_token": "pk_test", "base_url": "http://127.0.0.1:9"}, validate_config=False
    )
    complete = {name for name, stream in tap.streams.items() if stream.is_complete_snapshot}
    assert complete == FULL_TABLE
