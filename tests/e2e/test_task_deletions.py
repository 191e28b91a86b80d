"""Deleted tasks leave the current marts and stay in the history (docs/clickup-api.md §10).

Real parts end to end: the sandbox, `meltano run` (tap, target, dbt build) into PostgreSQL, and
the webhook receiver landing the sandbox's signed deliveries. After a full run the sandbox
deletes tasks (each fires a signed taskDeleted) and a List (whose tasks fire nothing); an
incremental run must then drop the webhook-reported tasks from dim_tasks, both sides of their
relationships, their sessions, their custom-field values and their snapshots from the deletion
day on, keep their status history, keep the List's tasks (an incremental run proves nothing),
and build every incremental model as a full refresh would. Then a late load (time logged for a
day weeks back: missed by the 30-minute job's 3-day scan, landed by the daily job, incremental =
full refresh again), more changes and a deletion no webhook reports, and the weekly
reconciliation job (`meltano run clickup-reconcile`): it must add nothing wrong and remove
exactly the deleted tasks.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest

from orchestrate.pipeline import run_pipeline
from orchestrate.sandbox_runner import SANDBOX_TOKEN, Sandbox
from orchestrate.webhook_receiver import register_webhook, running_webhook_receiver
from tests.e2e.incremental_parity import incremental_mismatches

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1800)]

GUARD = {"AIRBYTE_GUARD_QUIET_SECONDS": "1", "AIRBYTE_GUARD_POLL_SECONDS": "1"}


def query(database_url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(database_url) as connection:
        return connection.execute(sql, params).fetchall()


def ids(database_url: str, sql: str, *params: Any) -> set[str]:
    return {str(row[0]) for row in query(database_url, sql, *params)}


def deleted_by(result: dict[str, Any]) -> set[str]:
    return {tid for change in result["applied"] for tid in change["deleted_task_ids"]}


def related_tasks(export: dict[str, Any], task_ids: set[str]) -> set[str]:
    """Tasks on the other side of a dependency or link of ``task_ids``."""
    out: set[str] = set()
    for task in export["tasks"]:
        for dep in task["dependencies"]:
            pair = {dep["task_id"], dep["depends_on"]}
            if pair & task_ids:
                out |= pair
        for link in task["linked_tasks"]:
            pair = {link["task_id"], link["link_id"]}
            if pair & task_ids:
                out |= pair
    return out - task_ids


def current_marts(database_url: str, task_ids: set[str]) -> dict[str, set[str]]:
    """Which of ``task_ids`` each current mart still holds (relationships: either side)."""
    wanted = sorted(task_ids)
    mart = "clickup_analytics."
    return {
        "dim_tasks": ids(
            database_url, f"select task_id from {mart}dim_tasks where task_id = any(%s)", wanted
        ),
        "fct_task_relationships": ids(
            database_url,
            f"select task_id from {mart}fct_task_relationships where task_id = any(%s) "
            f"union select related_task_id from {mart}fct_task_relationships "
            "where related_task_id = any(%s)",
            wanted,
            wanted,
        ),
        "fct_task_time_sessions": ids(
            database_url,
            f"select task_id from {mart}fct_task_time_sessions where task_id = any(%s)",
            wanted,
        ),
        "dim_tasks.custom_fields": ids(
            database_url,
            f"select task_id from {mart}dim_tasks where task_id = any(%s) "
            "and custom_fields <> '{}'::jsonb",
            wanted,
        ),
        "fct_daily_task_snapshots (today)": ids(
            database_url,
            f"select task_id from {mart}fct_daily_task_snapshots "
            "where task_id = any(%s) and snapshot_date >= %s",
            wanted,
            datetime.now(UTC).date(),
        ),
        "fct_custom_field_values_daily (today)": ids(
            database_url,
            f"select task_id from {mart}fct_custom_field_values_daily "
            "where task_id = any(%s) and date_day >= %s",
            wanted,
            datetime.now(UTC).date(),
        ),
    }


def test_deleted_tasks_leave_the_current_marts_and_the_reconciliation_removes_exactly_them(
    database_url: str, pipeline_env: dict[str, str], sandbox: Sandbox, tmp_path: Path
) -> None:
    environment = {**pipeline_env, **GUARD}
    # relationships first, so that deleted tasks have other sides
    sandbox.mutate(40, seed=21, kinds=["add_dependency"])
    sandbox.mutate(40, seed=22, kinds=["add_link"])
    full = run_pipeline(environment, stream_output=False)
    assert full.returncode == 0, full.output[-6000:]
    baseline = sandbox.export()
    team_id = baseline["workspaces"][0]["id"]

    with running_webhook_receiver(database_url) as endpoint:
        register_webhook(
            api_url=sandbox.api_url,
            api_token=SANDBOX_TOKEN,
            database_url=database_url,
            endpoint=endpoint,
            team_id=team_id,
        )
        reported = deleted_by(sandbox.mutate(3, seed=31, kinds=["delete_task"]))
        silent = deleted_by(sandbox.mutate(1, seed=32, kinds=["delete_list"]))
        sandbox.mutate(4, seed=33, kinds=["rename_task", "set_custom_field"])
        waited = sandbox.wait_for_webhooks(60)
        assert waited["idle"], waited
    events = sandbox.webhook_events()["events"]
    assert {e["task_id"] for e in events if e["event"] == "taskDeleted"} == reported
    assert reported and silent and not reported & silent
    neighbours = related_tasks(baseline, reported) - silent
    assert neighbours, "no reported deletion had a relationship: pick other seeds"

    before = current_marts(database_url, reported)
    for mart in ("dim_tasks", "fct_task_relationships", "fct_daily_task_snapshots (today)"):
        assert before[mart] == reported, (mart, before[mart])
    history_before = ids(
        database_url,
        "select task_id from clickup_analytics.fct_task_status_history where task_id = any(%s)",
        sorted(reported),
    )

    incremental = run_pipeline(environment, stream_output=False)
    assert incremental.returncode == 0, incremental.output[-6000:]
    after = current_marts(database_url, reported)
    assert after == {mart: set() for mart in after}, after
    # history stays history: status history and the days before the deletion
    assert (
        ids(
            database_url,
            "select task_id from clickup_analytics.fct_task_status_history where task_id = any(%s)",
            sorted(reported),
        )
        == history_before
    )
    assert ids(
        database_url,
        "select task_id from clickup_analytics.fct_daily_task_snapshots "
        "where task_id = any(%s) and snapshot_date < %s",
        sorted(reported),
        datetime.now(UTC).date(),
    )
    # an incremental run proves no deletion: the List's tasks, reported by nothing, stay
    assert (
        ids(
            database_url,
            "select task_id from clickup_analytics.dim_tasks where task_id = any(%s)",
            sorted(silent),
        )
        == silent
    )
    parity_path = tmp_path / "parity"
    parity_path.mkdir()
    mismatches, rows = incremental_mismatches(environment, database_url, parity_path)
    assert rows.get("fct_daily_task_snapshots", 0) > 0
    assert not mismatches, "\n".join(mismatches)

    # a late load: time logged today for a day 20-40 days back. The 30-minute job's 3-day scan
    # misses it; the daily time-entries job (the default 60-day scan, incremental dbt) lands it
    [late_entry] = [
        change["time_entry_id"]
        for change in sandbox.mutate(1, seed=43, kinds=["add_past_time_entry"])["applied"]
    ]
    quick = run_pipeline(
        {**environment, "TAP_CLICKUP_EXTENDED_TIME_ENTRIES_LOOKBACK_DAYS": "3"},
        stream_output=False,
    )
    assert quick.returncode == 0, quick.output[-6000:]
    entries_sql = "select time_entry_id from clickup_analytics.fct_time_entries"
    assert late_entry not in ids(database_url, entries_sql)
    daily = run_pipeline(environment, steps=["clickup-time-entries"], stream_output=False)
    assert daily.returncode == 0, daily.output[-6000:]
    assert late_entry in ids(database_url, entries_sql)
    late_path = tmp_path / "parity-late"
    late_path.mkdir()
    mismatches, _rows = incremental_mismatches(
        environment, database_url, late_path, full_schema="fullref_late"
    )
    assert not mismatches, "\n".join(mismatches)

    # more changes, and a deletion no webhook reports; then the weekly reconciliation job
    sandbox.mutate(3, seed=41, kinds=["set_custom_field", "add_time_entry", "move_task"])
    unreported = deleted_by(sandbox.mutate(1, seed=42, kinds=["delete_task"]))
    reconcile = run_pipeline(
        {**environment, "MELTANO_RUN_FULL_REFRESH": "true"},
        steps=["clickup-reconcile"],
        stream_output=False,
    )
    assert reconcile.returncode == 0, reconcile.output[-6000:]
    final = sandbox.export()
    all_deleted = reported | silent | unreported
    assert set(final["deleted"]["tasks"]) == all_deleted
    live = {task["id"] for task in final["tasks"]}
    assert ids(database_url, "select task_id from clickup_analytics.dim_tasks") == live
    latest_deleted = ids(
        database_url,
        "select id from (select distinct on (id) id, _extras_deleted_at from "
        "clickup_extras.tasks order by id, _extras_row_id desc) as latest "
        "where _extras_deleted_at is not null",
    )
    assert latest_deleted == all_deleted
    gone = current_marts(database_url, all_deleted)
    assert gone == {mart: set() for mart in gone}, gone
    # nothing wrong added: the late entry stays, every time entry is the sandbox's
    live_entries = {entry["id"] for entry in final["time_entries"]}
    assert late_entry in live_entries
    assert ids(database_url, entries_sql) <= live_entries
    assert ids(
        database_url,
        "select task_id from clickup_analytics.fct_task_status_history where task_id = any(%s)",
        sorted(silent | unreported),
    ), "the status history of the deleted tasks stays"
