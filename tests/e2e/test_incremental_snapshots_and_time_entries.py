"""Loads that commit out of order, and a task first loaded 30 days after its change, end in the
daily task snapshots and the time-entry facts exactly as a full refresh builds them.

A real `meltano run` against the sandbox lands everything; then versions are appended to the
landing history with plain SQL, as target-extras appends them: a "late" load (a task first seen
with a date_updated 30 days back, and a new version of a time entry) begins first and stays open
across a `dbt build`, while an "early" load begins after it and commits before the build. The
early load's `_extras_loaded_at` (its transaction's start) is the later one, so a watermark on
loaded_at passes over the late load when it commits; the build horizon
(transform/macros/build_horizon.sql) takes it on the next build. Afterwards every incremental
model equals a full refresh.
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from bench.dbt_incremental import APPENDED_NOW, append_landing_versions
from orchestrate.pipeline import run_pipeline
from tests.e2e.incremental_parity import incremental_mismatches
from tests.e2e.marts_ground_truth import rows
from tests.e2e.marts_scenario import dbt

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1500)]

LATE_TASK_ID = "late-task-30-days"
MODELS = ("fct_daily_task_snapshots", "fct_time_entries")


def append_version(
    connection: psycopg.Connection, table: str, key: str, overrides: dict[str, str]
) -> None:
    """A new landing version copied from the current one of `key` in `table`, with `overrides`
    (SQL), in the connection's transaction."""
    append_landing_versions(
        connection, table, {**APPENDED_NOW, **overrides}, "where latest.id = %s", (key,)
    )


def build(environment: dict[str, str], target: Path) -> str:
    """`dbt build` of the two models (their data tests included); the log."""
    result = dbt(
        environment,
        "build",
        "--select",
        *MODELS,
        "--vars",
        json.dumps({"build_horizon_stall_warning_seconds": 0}),
        target_path=target,
    )
    assert result.returncode == 0, result.stdout[-6000:]
    return result.stdout


def test_out_of_order_and_30_day_late_loads_equal_a_full_refresh(
    database_url: str, pipeline_env: dict[str, str], tmp_path: Path
) -> None:
    full = run_pipeline(pipeline_env, stream_output=False)
    assert full.returncode == 0, full.output[-6000:]
    [template_task, early_task] = [
        r["id"]
        for r in rows(
            database_url, "select id from clickup_extras.tasks__current order by id limit 2"
        )
    ]
    [late_entry, early_entry] = [
        r["id"]
        for r in rows(
            database_url, "select id from clickup_extras.time_entries__current order by id limit 2"
        )
    ]

    # the late load begins first (the earlier loaded_at) and stays open
    late = psycopg.connect(database_url)
    late_pid = late.info.backend_pid
    thirty_days_ago = "now() - interval '30 days'"
    append_version(
        late,
        "tasks",
        template_task,
        {
            "id": f"'{LATE_TASK_ID}'",
            "name": "'first loaded 30 days late'",
            "date_created": thirty_days_ago,
            "date_updated": thirty_days_ago,
        },
    )
    append_version(late, "time_entries", late_entry, {"description": "'late description'"})
    # the early load begins after it and commits first
    with psycopg.connect(database_url, autocommit=True) as early:
        append_version(
            early, "tasks", early_task, {"name": "'early name'", "date_updated": "now()"}
        )
        append_version(early, "time_entries", early_entry, {"description": "'early description'"})

    log = build(pipeline_env, tmp_path / "during")
    late.commit()
    late.close()
    build(pipeline_env, tmp_path / "after")

    [landed] = rows(
        database_url,
        f"""
        select
            (select count(*) from clickup_analytics.fct_time_entries
                where description in ('late description', 'early description')) as entries,
            (select count(*) from clickup_analytics.fct_daily_task_snapshots
                where task_id = '{LATE_TASK_ID}') as late_task_days,
            (select count(*) from clickup_analytics.fct_daily_task_snapshots
                where task_name = 'early name') as early_task_days
        """,
    )
    assert landed["entries"] == 2
    assert landed["late_task_days"] >= 30
    assert landed["early_task_days"] >= 1

    mismatches, counts = incremental_mismatches(pipeline_env, database_url, tmp_path / "full")
    assert not mismatches, "\n".join(mismatches)
    assert all(counts.get(model, 0) > 0 for model in MODELS), counts
    # the open load held the horizon back, and the build log says so
    assert f"by pid {late_pid}" in log
