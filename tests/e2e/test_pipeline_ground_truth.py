"""The real `meltano run tap target dbt:build` against the sandbox equals its ground truth."""

from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from orchestrate.pipeline import run_pipeline
from orchestrate.sandbox_runner import Sandbox
from tests.e2e import marts_ground_truth
from tests.e2e.ground_truth import (
    differences,
    expected_custom_field_values,
    expected_task_field_flags,
    landed_custom_field_values,
    landed_dim_task_field_flags,
)
from tests.e2e.lookback_truth import as_seen_with_lookback, scanned_window_starts

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1500)]


def assert_matches_ground_truth(
    sandbox: Sandbox, database_url: str, entries_truth: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Compare with the sandbox's export; time entries with `entries_truth` when given (what a
    run at the default lookback must get right). Returns the export.

    fct_time_entries through the marts' oracle (`marts_ground_truth`), in the time zone the
    pipeline inherits (dbt's `CLICKUP_TIME_ZONE`, else UTC)."""
    export = sandbox.export()
    zone = ZoneInfo(os.environ.get("CLICKUP_TIME_ZONE") or "UTC")
    entries = differences(
        marts_ground_truth.expected_time_entries(entries_truth or export, zone),
        marts_ground_truth.landed_time_entries(database_url),
    )
    assert not entries, "fct_time_entries differs from the sandbox:\n" + "\n".join(entries)
    expected_values = expected_custom_field_values(export)
    landed_values = landed_custom_field_values(database_url)
    values = differences(expected_values, landed_values)
    assert not values, "custom-field values differ from the sandbox:\n" + "\n".join(values)
    flags = differences(
        expected_task_field_flags(export), landed_dim_task_field_flags(database_url)
    )
    assert not flags, "dim_tasks.custom_fields differs from the sandbox:\n" + "\n".join(flags)
    # Guard against a comparison that passes on nothing: the workspace has all kinds of data.
    assert len(expected_values) > 500
    assert sum(1 for e in export["time_entries"] if e["is_running"]) >= 1
    return export


def test_full_then_incremental_run_equals_ground_truth(
    sandbox: Sandbox, database_url: str, pipeline_env: dict[str, str]
) -> None:
    full = run_pipeline(pipeline_env, stream_output=False)
    assert full.returncode == 0, full.output[-6000:]
    full_requests = sandbox.stats()["total"]
    before = assert_matches_ground_truth(sandbox, database_url)

    sandbox.reset_stats()
    changes = sandbox.mutate(40, seed=5)
    kinds = Counter(change["kind"] for change in changes["applied"])
    assert {"set_custom_field", "clear_custom_field", "delete_time_entry", "move_task"} <= set(
        kinds
    )

    since = datetime.now(UTC)
    incremental = run_pipeline(pipeline_env, stream_output=False)
    assert incremental.returncode == 0, incremental.output[-6000:]
    incremental_requests = sandbox.stats()["total"]
    seen, _ = as_seen_with_lookback(
        before, sandbox.export(), scanned_window_starts(database_url, since)
    )
    assert_matches_ground_truth(sandbox, database_url, seen)
    assert incremental_requests < full_requests
